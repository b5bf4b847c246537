"""The match queue: end (T2) answers that came in by nickname and baby's date, waiting for a
facilitator to say which parent they belong to. The parent never sees anyone else's details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.security.access import role_required, staff_user
from portal.staff.group_forms import LinkForm
from questionnaires.models import GroupParticipant, MatchReview, MatchStatus, ParentGroup
from questionnaires.roles import GROUP_ROLES
from questionnaires.selectors.roster import pending_reviews
from questionnaires.selectors.scope import get_group_for, get_review_for
from questionnaires.services import audit, together_time
from questionnaires.statuses import PENDING_MATCH
from questionnaires.summary.wording import baby_date_words

ALREADY_DECIDED = gettext_lazy("Someone has already decided that match.")


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]  # "baby born 5 July 2026" in a cell of its own


@dataclass(frozen=True)
class ReviewItem:
    review: MatchReview
    form: LinkForm | None  # None when a single proposed parent only needs a yes or no

    @property
    def proposal(self) -> GroupParticipant | None:
        return self.review.proposed if self.form is None else None

    # What the parent typed at the end lives on the separate record their answers came in on.
    @property
    def typed_relationship(self) -> str:
        return str(self.review.invitation.episode.family.get_relationship_display())

    @property
    def typed_baby_date(self) -> str:
        return _sentence(baby_date_words(self.review.invitation.episode.family))

    @property
    def proposed_baby_date(self) -> str:
        proposal = self.proposal
        return _sentence(baby_date_words(proposal.family)) if proposal is not None else ""


def _review_items(
    group: ParentGroup, failed: tuple[uuid.UUID, LinkForm] | None = None
) -> list[ReviewItem]:
    items = []
    for review in pending_reviews(group).select_related("invitation__episode__family"):
        if review.status == MatchStatus.PROVISIONAL and review.proposed is not None:
            items.append(ReviewItem(review, None))
        elif failed is not None and failed[0] == review.pk:
            items.append(ReviewItem(review, failed[1]))
        else:
            items.append(ReviewItem(review, LinkForm(group=group, prefix=str(review.pk))))
    return items


def _matches_page(
    request: HttpRequest,
    group: ParentGroup,
    failed: tuple[uuid.UUID, LinkForm] | None = None,
) -> HttpResponse:
    context = {
        "group": group,
        "items": _review_items(group, failed),
        "form": failed[1] if failed else None,  # for the error summary
    }
    return render(request, "staff/groups/matches.html", context)


@role_required(GROUP_ROLES)
@require_GET
def match_list(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    audit.record_matches_view(request.user, group)  # LOG-1: nicknames and babies' dates shown
    return _matches_page(request, group)


@role_required(GROUP_ROLES)
@require_POST
def match_confirm(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    review = get_review_for(request.user, review_id, group_id)
    group = review.collection.group
    if review.status not in PENDING_MATCH:
        messages.error(request, ALREADY_DECIDED)
        return redirect("groups:matches", group_id=group_id)
    if review.status == MatchStatus.PROVISIONAL and review.proposed is not None:
        participant = review.proposed
    else:
        form = LinkForm(request.POST, group=group, prefix=str(review.pk))
        if not form.is_valid():
            return _matches_page(request, group, (review.pk, form))
        participant = form.cleaned_data["participant"]
    try:
        together_time.confirm_match(review, participant, actor=staff_user(request))
    except together_time.MatchAlreadyDecided:
        messages.error(request, ALREADY_DECIDED)
    except together_time.AlreadyHasEndAnswers:
        messages.error(
            request,
            _(
                "%(nickname)s already has end answers from this session, from their own phone or "
                "return code. These answers stay unlinked: choose another parent, or "
                "“None of these parents”."
            )
            % {"nickname": participant.nickname},
        )
    else:
        messages.success(
            request,
            _("The end answers are linked to %(nickname)s.") % {"nickname": participant.nickname},
        )
    return redirect("groups:matches", group_id=group_id)


@role_required(GROUP_ROLES)
@require_POST
def match_reject(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    review = get_review_for(request.user, review_id, group_id)
    if review.status not in PENDING_MATCH:
        messages.error(request, ALREADY_DECIDED)
        return redirect("groups:matches", group_id=group_id)
    try:
        together_time.reject_match(review, actor=staff_user(request))
    except together_time.MatchAlreadyDecided:
        messages.error(request, ALREADY_DECIDED)
    else:
        messages.success(
            request,
            _("The end answers from %(nickname)s are not linked to anyone in this group.")
            % {"nickname": review.nickname},
        )
    return redirect("groups:matches", group_id=group_id)


@role_required(GROUP_ROLES)
@require_POST
def match_remove(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    """Junk in the queue (someone who is not in the group): removed, if nothing was sent."""
    review = get_review_for(request.user, review_id, group_id)
    try:
        together_time.remove_unmatched(review, actor=staff_user(request))
    except together_time.MatchAlreadyDecided:
        messages.error(request, ALREADY_DECIDED)
    except together_time.JoinHasAnswers:
        messages.error(request, _("These answers were sent, so they are kept. Link them instead."))
    else:
        messages.success(
            request, _("The answers from %(nickname)s are removed.") % {"nickname": review.nickname}
        )
    return redirect("groups:matches", group_id=group_id)
