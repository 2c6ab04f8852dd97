"""Reads of the trawler's candidates for the protected review: the list (a bank match first,
then the highest classifier score, then the oldest found) and one finding.

Findings belong to no jurisdiction yet (the report a confirmed one becomes is located and
routed afterwards), so `policies.scoped` shows them to reviewers over the whole country only;
to everyone else they do not exist.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext

from tipline.accounts import policies
from tipline.accounts.types import Viewer
from tipline.review.others import OTHER_QUEUES, Waiting
from tipline.trawler.models import Finding


def candidate_queue(*, user: Viewer) -> QuerySet[Finding]:
    """The candidates awaiting a reviewer, in the order to look at them."""
    qs = policies.scoped(Finding.objects.filter(state=Finding.State.CANDIDATE), user=user,
                         action="review.decide")
    return (qs.select_related("host", "seen")
            .annotate(is_match=Case(When(kind=Finding.Kind.MATCH, then=Value(1)),
                                    default=Value(0), output_field=IntegerField()))
            .order_by("-is_match", F("score").desc(nulls_last=True), "fetched_at", "pk"))


def candidate_page(*, user: Viewer, limit: int = 50) -> list[Finding]:
    return list(candidate_queue(user=user)[:limit])


def finding_for_review(*, user: Viewer, pk: int, action: str = "review.decide") -> Finding:
    """One finding (any state) the user may review; Http404 otherwise."""
    return policies.get_scoped_or_404(Finding.objects.select_related("host", "seen", "report",
                                                                     "decided_by"),
                                      user=user, action=action, pk=pk)


@OTHER_QUEUES.register
class CandidateQueue:
    """The trawler's candidates, linked from the review queue for whoever may decide on them."""

    name = "trawler-candidates"

    def waiting(self, user: Viewer) -> Waiting | None:
        if not policies.can_everywhere(user, "review.decide"):
            return None
        return Waiting(label=gettext("Trawler candidates"), url=reverse("trawler:candidates"),
                       count=candidate_queue(user=user).count())
