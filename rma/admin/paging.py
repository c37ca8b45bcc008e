"""A changelist paginator that never counts: it asks only whether the next page exists.

At a million rows of one vendor, ``COUNT(*)`` reads every one of them on every page view; an
agent needs the page, and whether there is a next one. The count it reports is the rows up to
this page plus one when more follow, shown as "51+" (an int, so the admin's arithmetic holds).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class AtLeast(int):
    """A lower bound of a count: reads "51+" where the admin shows the number."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class NextPagePaginator(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, page=1):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.current = max(1, page)

    @cached_property
    def count(self) -> int:
        # One indexed read of at most a page plus one row: the rows before this page are
        # skipped by the index scan, never counted.
        start = (self.current - 1) * self.per_page
        probe = self.object_list[start : start + self.per_page + 1]
        if hasattr(probe, "values_list"):
            probe = probe.values_list("pk", flat=True)
        found = len(probe)
        if found > self.per_page:
            return AtLeast(start + found)
        if found == 0 and start > 0:
            # Past the end (an old link): report what the previous pages held at least.
            return AtLeast(start)
        return start + found


def page_number(request) -> int:
    """The changelist's page number, as Django's ChangeList reads it (``?p=``, from 1)."""
    try:
        return int(request.GET.get("p", 1))
    except ValueError:
        return 1
