"""The API's filter backends: ``ordering`` may be repeated
(``?ordering=a&ordering=-b``, what generated clients send for an array) and
means the same as the comma form (``?ordering=a,-b``)."""

from django_filters import rest_framework as django_filters
from rest_framework import filters


def _ordering_terms(request, param: str) -> list[str]:
    return [
        term.strip()
        for value in request.query_params.getlist(param)
        for term in value.split(",")
        if term.strip()
    ]


class OrderingFilter(filters.OrderingFilter):
    def get_ordering(self, request, queryset, view):
        terms = _ordering_terms(request, self.ordering_param)
        if terms:
            ordering = self.remove_invalid_fields(queryset, terms, view, request)
            if ordering:
                return ordering
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view):
        fields = [name for name, _label in self.get_valid_fields(view.get_queryset(), view, {"request": None})]
        values = sorted(fields + [f"-{name}" for name in fields])
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort keys in order; a leading '-' sorts descending. "
                "Repeat the parameter or separate keys by commas.",
                "schema": {"type": "array", "items": {"type": "string", "enum": values}},
                "style": "form",
                "explode": True,
            }
        ]


class DjangoFilterBackend(django_filters.DjangoFilterBackend):
    """A FilterSet's own ``ordering`` filter (the disputes list) takes the
    repeated form too: the values are joined into its comma form."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"]
        if len(data.getlist("ordering")) > 1:
            data = data.copy()
            data.setlist("ordering", [",".join(_ordering_terms(request, "ordering"))])
            kwargs["data"] = data
        return kwargs
