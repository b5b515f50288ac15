"""Showing a free-text field in full, when an ID or mobile number was typed
into it (issue 12): pages and the API show such text masked
(``units.masking``); the full text only through the same logged reveal as a
party's numbers (``disputes.services.personal_data_reveal``): a reason, a log
row, then the text once (POST, redirect, a session grant — ``units.reveals``).

Which fields can be revealed is ``policing.history.SUBJECTS`` (``texts`` and
``child_texts``); the record is read through its own selector, so another
unit's record is a 404.
"""

from functools import reduce

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from disputes import services
from disputes.forms import RevealReasonForm
from disputes.serializers import RevealInputSerializer
from policing.history import SUBJECTS, Subject, text_field
from units import reveals
from units.api_support import ERRORS_400, ERRORS_403, ERRORS_404, has_perm_or_403
from units.masking import mask_text

REVEAL_PERMISSION = "disputes.reveal_personal_data"


class RevealedText:
    """One free-text field of a record in scope: where it is, what it says."""

    def __init__(self, user, kind: str, pk: int, field: str) -> None:
        subject: Subject | None = SUBJECTS.get(kind)
        if subject is None:
            raise Http404
        self.kind, self.field, self.subject = kind, field, subject
        self.record = subject.get(user=user, pk=pk)
        found = text_field(subject, type(self.record), field)
        if found is None:
            raise Http404
        model, child_pk, self.label = found
        owner = self.record
        if child_pk is not None:
            _model, fk, _fields = subject.child_texts[field.split("-", 1)[0]]
            owner = get_object_or_404(model, pk=child_pk, **{fk: self.record})
        self.text = getattr(owner, field.rsplit("-", 1)[-1]) or ""

    @property
    def unit(self):
        return reduce(getattr, self.subject.unit_path.split("."), self.record)

    @property
    def grant_key(self) -> str:
        return f"text:{self.kind}:{self.record.pk}:{self.field}"

    def log(self, *, actor, reason: str, via: str) -> None:
        services.personal_data_reveal(
            actor=actor, unit=self.unit, record_kind=self.kind, record_id=self.record.pk,
            field=self.field, reason=reason, via=via,
        )


@never_cache
@login_required
def reveal_text(request: HttpRequest, kind: str, pk: int, field: str) -> HttpResponse:
    target = RevealedText(request.user, kind, pk, field)
    if not request.user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied
    form = RevealReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target.log(actor=request.user, reason=form.logged_reason(), via="web")
        reveals.grant(request, target.grant_key)
        return redirect(request.path)
    revealed = request.method == "GET" and reveals.take(request, target.grant_key)
    return render(request, "policing/reveal_text.html", {
        "target": target, "form": form, "revealed": revealed,
        "masked": mask_text(target.text),
    })


class RevealTextInputSerializer(RevealInputSerializer):
    kind = serializers.ChoiceField(choices=list(SUBJECTS))
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    field = serializers.CharField(
        max_length=60,
        help_text=gettext_lazy(
            "A text field of the record (summary, description, notes…) or of a case's "
            "part (session-<id>-notes, follow_up-<id>-notes, referral-<id>-answer…)."
        ),
    )


class RevealedTextSerializer(serializers.Serializer):
    field = serializers.CharField()
    text = serializers.CharField()


@extend_schema(
    summary=gettext_lazy(
        "Show a free-text field in full (a reason is required; the access is logged)"
    ),
    request=RevealTextInputSerializer,
    responses={200: RevealedTextSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
)
@api_view(["POST"])
def reveal_text_api(request):
    has_perm_or_403(request.user, REVEAL_PERMISSION)
    data = RevealTextInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    wanted = data.validated_data
    target = RevealedText(request.user, wanted["kind"], wanted["id"], wanted["field"])
    target.log(actor=request.user, reason=wanted["reason"], via="api")
    return Response({"field": target.field, "text": target.text})


# The API's gate (units.api_permissions.RolePermission): reading cases in scope;
# the reveal permission is checked in the view, as on the page.
reveal_text_api.cls.read_permission = "disputes.view_dispute"
