"""Paginating lists that may hold a province's records."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Past this many rows a list says "10000+": an exact COUNT over a million
# disputes costs more than the number is worth to someone paging by 25.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most COUNT_CAP rows.

    Counting ``queryset[:cap + 1]`` lets the database stop early instead of
    counting every matching row; ``count_capped`` says whether it stopped.
    """

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def count_capped(self) -> bool:
        return self._counted > self.cap
