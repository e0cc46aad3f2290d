"""Workflows of the evaluation stage: reviews (draft -> submitted -> confirmed), the proposals
confirmed reviews lead to, and promotion into village posts. Each runs in one transaction under
a named audit context; status changes are compare-and-set UPDATEs, so a repeated or racing
transition changes nothing and writes no audit row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pghistory
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import actions as candidate_actions
from candidates.models import (
    EndReason,
    Incumbency,
    LeaveReason,
    PoolMembership,
    PostKind,
    Readiness,
    VillagePost,
)
from evaluation.models import (
    CareerStep,
    Conclusion,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Review,
    ReviewRound,
    ReviewStatus,
    StepKind,
)
from talentpool.models import Person, Role, User


class ActionRefused(Exception):
    """A workflow step the rules forbid; `message` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleReview(ActionRefused):
    """The row was saved by someone else since the form was read."""


def _context(action: str, actor: User):
    return pghistory.context(action=f"evaluation.{action}", actor=actor.pk)


# --- Reviews -----------------------------------------------------------------------------------


@dataclass
class ReviewEntry:
    scores: dict
    conclusion: str
    reviewer: str
    evidence: str


@transaction.atomic
def save_review_draft(
    round: ReviewRound,
    membership: PoolMembership,
    entry: ReviewEntry,
    *,
    actor: User,
    expected_version: int | None = None,
) -> Review:
    """Create or update the draft review of `membership` in `round`.

    `expected_version` (the version the form was read at; None for a row never saved) makes the
    update a compare-and-set: if someone saved in between, StaleReview and nothing is written.
    Saving unchanged values writes nothing."""
    review = (
        Review.objects.select_for_update()
        .select_related("round")
        .filter(round=round, membership=membership)
        .first()
    )
    with _context("save_review_draft", actor):
        if review is None:
            if expected_version not in (None, 0):
                raise StaleReview(_("该行已被删除或尚未保存，请刷新页面。"))
            review = Review(
                round=round,
                membership=membership,
                person_id=membership.person_id,
                township_id=membership.village.township_id,
                entered_by=actor,
            )
            _fill(review, entry)
            review.save()
            return review
        if review.status != ReviewStatus.DRAFT:
            raise ActionRefused(
                _("%(name)s的考核已%(status)s，不能再修改。")
                % {"name": membership.person.name, "status": review.get_status_display()}
            )
        if expected_version is not None and review.version != expected_version:
            raise StaleReview(
                _("%(name)s的考核刚被他人修改，请核对最新内容后再保存。")
                % {"name": membership.person.name}
            )
        before = (review.scores, review.conclusion, review.reviewer, review.evidence)
        _fill(review, entry)
        if before == (review.scores, review.conclusion, review.reviewer, review.evidence):
            return review
        review.entered_by = actor
        review.version += 1
        review.save()
        return review


def _fill(review: Review, entry: ReviewEntry) -> None:
    review.scores = {k: v for k, v in entry.scores.items() if v not in (None, "")}
    review.conclusion = entry.conclusion
    review.reviewer = entry.reviewer
    review.evidence = entry.evidence
    review.score = review.round.overall(review.scores)


@dataclass
class SubmitResult:
    submitted: int = 0
    incomplete: list[str] = field(default_factory=list)  # names of people not yet filled in


@transaction.atomic
def submit_reviews(round: ReviewRound, township_id: int, *, actor: User) -> SubmitResult:
    """Submit a township's complete drafts for the county's calibration; incomplete ones stay
    drafts and are named in the result."""
    drafts = list(
        Review.objects.select_for_update()
        .filter(round=round, township_id=township_id, status=ReviewStatus.DRAFT)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    complete = [r.pk for r in drafts if r.conclusion and round.overall(r.scores) is not None]
    result = SubmitResult(incomplete=[r.person.name for r in drafts if r.pk not in complete])
    with _context("submit_reviews", actor):
        result.submitted = Review.objects.filter(pk__in=complete, status=ReviewStatus.DRAFT).update(
            status=ReviewStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=timezone.now(),
            return_note="",
            version=F("version") + 1,
        )
    return result


@transaction.atomic
def return_reviews(round: ReviewRound, township_id: int, note: str, *, actor: User) -> int:
    """Send a township's submitted reviews back to draft with the county's note (calibration:
    a township marking far more generously than the rest revises before confirmation)."""
    with _context("return_reviews", actor):
        return Review.objects.filter(
            round=round, township_id=township_id, status=ReviewStatus.SUBMITTED
        ).update(
            status=ReviewStatus.DRAFT,
            return_note=note[:200],
            submitted_by=None,
            submitted_at=None,
            version=F("version") + 1,
        )


def _names(names: list[str], limit: int = 10) -> str:
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def submit_consequences(round: ReviewRound, township_id: int, members) -> tuple[list, list]:
    """(what submitting the township's sheet will do, the rows it will leave behind) for the
    page that asks first. `members`: the sheet's rows (memberships)."""
    reviews = {
        r.membership_id: r
        for r in Review.objects.filter(round=round, township_id=township_id).select_related(
            "person"
        )
    }
    complete, unfinished = [], []
    for member in members:
        review = reviews.get(member.pk)
        if review is None:
            unfinished.append(member.person.name)
        elif review.status == ReviewStatus.DRAFT:
            if review.conclusion and round.overall(review.scores) is not None:
                complete.append(review.person.name)
            else:
                unfinished.append(review.person.name)
    consequences = [
        _("提交%(n)s人的考核（%(names)s）到县委组织部确认，提交后不能再修改；")
        % {"n": len(complete), "names": _names(complete)}
        if complete
        else _("没有填写完整的草稿可提交；")
    ]
    warnings = []
    if unfinished:
        warnings.append(
            _("还有%(n)s行未填完（%(names)s），这些行不会提交，仍留在考核表中待填。")
            % {"n": len(unfinished), "names": _names(unfinished)}
        )
    return consequences, warnings


def confirm_refusal(round: ReviewRound, township_id: int, user: User) -> str:
    """Why `user` may not confirm the township's submitted reviews; "" when they may. Whoever
    entered or submitted results does not confirm them (a second pair of eyes, as with
    nominations). Only the county confirms (round_confirm)."""
    own = Review.objects.filter(
        round=round, township_id=township_id, status=ReviewStatus.SUBMITTED
    ).filter(models.Q(entered_by=user) | models.Q(submitted_by=user))
    if not own.exists():
        return ""
    others = list(User.objects.filter(role=Role.COUNTY, is_active=True).exclude(pk=user.pk)[:3])
    if others:
        return _(
            "不能确认自己录入或提交的考核结果：须由县委组织部另一名工作人员确认（%(names)s）。"
        ) % {"names": "、".join(str(u) for u in others)}
    return _(
        "不能确认自己录入或提交的考核结果，而县委组织部没有其他工作人员：请由乡镇（街道）"
        "录入并提交后再确认。"
    )


def confirm_consequences(round: ReviewRound, township_id: int) -> list[str]:
    """What confirming the township's submitted reviews will do, for the page that asks first:
    the same proposals confirm_reviews will make."""
    reviews = list(
        Review.objects.filter(
            round=round, township_id=township_id, status=ReviewStatus.SUBMITTED
        ).select_related("person", "membership")
    )
    active = [r for r in reviews if r.membership.left_on is None]
    previous = _previous_conclusions(round, [r.membership_id for r in active])
    removals, promotions = [], []
    for review in active:
        if _removal_reason(round, review.conclusion, previous.get(review.membership_id)):
            removals.append(review.person.name)
        elif review.conclusion == Conclusion.EXCELLENT:
            promotions.append(review.person.name)
    lines = [_("确认%(n)s人的考核结果，确认后不能再修改，也不能退回；") % {"n": len(reviews)}]
    if removals:
        lines.append(
            _("对%(n)s人提出调整出库建议：%(names)s；")
            % {"n": len(removals), "names": _names(removals)}
        )
    if promotions:
        lines.append(
            _("对%(n)s人提出优先使用建议：%(names)s；")
            % {"n": len(promotions), "names": _names(promotions)}
        )
    return lines


@dataclass
class ConfirmResult:
    confirmed: int = 0
    removals: int = 0
    promotions: int = 0


@transaction.atomic
def confirm_reviews(round: ReviewRound, township_id: int, *, actor: User) -> ConfirmResult:
    """The county confirms a township's submitted reviews, and the pool's response follows:
    不称职 - or 基本称职 in this round and the person's previous confirmed review, when the
    round says so - proposes moving the person out of the pool; 优秀 proposes using them first.
    Confirming again changes nothing; whoever entered or submitted them may not confirm."""
    refusal = confirm_refusal(round, township_id, actor)
    if refusal:
        raise ActionRefused(refusal)
    ids = list(
        Review.objects.select_for_update()
        .filter(round=round, township_id=township_id, status=ReviewStatus.SUBMITTED)
        .values_list("pk", flat=True)
    )
    result = ConfirmResult()
    if not ids:
        return result
    with _context("confirm_reviews", actor):
        result.confirmed = Review.objects.filter(pk__in=ids, status=ReviewStatus.SUBMITTED).update(
            status=ReviewStatus.CONFIRMED,
            confirmed_by=actor,
            confirmed_at=timezone.now(),
            version=F("version") + 1,
        )
        reviews = list(
            Review.objects.filter(pk__in=ids, membership__left_on__isnull=True).select_related(
                "membership"
            )
        )
        previous = _previous_conclusions(round, [r.membership_id for r in reviews])
        proposals = []
        for review in reviews:
            reason = _removal_reason(round, review.conclusion, previous.get(review.membership_id))
            if reason:
                proposals.append(_proposal(review, ProposalKind.REMOVE, reason))
            elif review.conclusion == Conclusion.EXCELLENT:
                reason = _("%(round)s考核优秀") % {"round": round.name}
                proposals.append(_proposal(review, ProposalKind.PROMOTE, reason))
        # An open proposal of the same kind for the person already stands: keep the older one.
        created = Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
        made = Proposal.objects.filter(review_id__in=[p.review_id for p in created])
        result.removals = made.filter(kind=ProposalKind.REMOVE).count()
        result.promotions = made.filter(kind=ProposalKind.PROMOTE).count()
    return result


def _previous_conclusions(round: ReviewRound, membership_ids: list[int]) -> dict[int, str]:
    """Each membership's conclusion in its latest confirmed review of an earlier round."""
    rows = (
        Review.objects.filter(
            membership_id__in=membership_ids,
            status=ReviewStatus.CONFIRMED,
            round__ends_on__lt=round.ends_on,
        )
        .order_by("membership_id", "-round__ends_on", "-pk")
        .distinct("membership_id")
        .values_list("membership_id", "conclusion")
    )
    return dict(rows)


def _removal_reason(round: ReviewRound, conclusion: str, previous: str | None) -> str:
    if conclusion == Conclusion.INCOMPETENT:
        return _("%(round)s考核不称职") % {"round": round.name}
    if (
        conclusion == Conclusion.BASIC
        and round.remove_after_two_basic
        and previous == Conclusion.BASIC
    ):
        return _("连续两次考核基本称职（含%(round)s）") % {"round": round.name}
    return ""


def _proposal(review: Review, kind: str, reason: str) -> Proposal:
    return Proposal(
        kind=kind,
        review=review,
        membership_id=review.membership_id,
        person_id=review.person_id,
        township_id=review.township_id,
        reason=reason[:200],
    )


# --- Proposals ---------------------------------------------------------------------------------


@transaction.atomic
def accept_proposal(proposal: Proposal, *, actor: User, note: str = "", on: date | None = None):
    """Carry out a proposal. Removal closes the pool membership (出库, reason 考核不合格);
    a promotion flag marks the reserve ready for use now. Accepting twice changes nothing."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == ProposalStatus.ACCEPTED:
        return False
    if proposal.status != ProposalStatus.OPEN:
        raise ActionRefused(_("该建议已处理（%(s)s）。") % {"s": proposal.get_status_display()})
    membership = PoolMembership.objects.select_for_update().get(pk=proposal.membership_id)
    if not membership.is_active:
        raise ActionRefused(_("该人员已不在后备干部库中，不能再执行此建议。"))
    on = on or timezone.localdate()
    with _context("accept_proposal", actor):
        if proposal.kind == ProposalKind.REMOVE:
            try:
                candidate_actions.leave_pool(
                    membership,
                    actor=actor,
                    left_on=on,
                    reason=LeaveReason.UNFIT,
                    note=proposal.reason,
                )
            except candidate_actions.ActionRefused as refused:
                raise ActionRefused(refused.message) from None
            # Nothing else can be done for someone who has left.
            Proposal.objects.filter(membership=membership, status=ProposalStatus.OPEN).exclude(
                pk=proposal.pk
            ).update(
                status=ProposalStatus.DISMISSED,
                decided_by=actor,
                decided_at=timezone.now(),
                decision_note=_("已调整出库"),
            )
        elif membership.readiness != Readiness.NOW:
            PoolMembership.objects.filter(pk=membership.pk, version=membership.version).update(
                readiness=Readiness.NOW, version=F("version") + 1
            )
        Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.ACCEPTED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note[:200],
        )
    return True


@transaction.atomic
def dismiss_proposal(proposal: Proposal, *, actor: User, note: str) -> bool:
    """Decide not to act on a proposal, saying why. Dismissing twice changes nothing."""
    with _context("dismiss_proposal", actor):
        changed = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.DISMISSED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note[:200],
        )
    if not changed:
        current = Proposal.objects.get(pk=proposal.pk)
        if current.status == ProposalStatus.ACCEPTED:
            raise ActionRefused(_("该建议已采纳，不能再改为不予采纳。"))
    return bool(changed)


# --- Promotion and the ladder (选拔任用) -------------------------------------------------------

# The ladder: committee member -> deputy -> principal; holding both principal posts of one
# village is 一肩挑, the top.
POST_RANK = {
    PostKind.PARTY_MEMBER: 1,
    PostKind.COMMITTEE_MEMBER: 1,
    PostKind.DEPUTY_SECRETARY: 2,
    PostKind.DEPUTY_DIRECTOR: 2,
    PostKind.SECRETARY: 3,
    PostKind.DIRECTOR: 3,
}


@dataclass
class Appointment:
    post: VillagePost
    how: str
    on: date
    term_end: date | None = None
    end_reason: str = EndReason.ELECTION  # why the post's previous holder leaves
    keep_other_posts: bool = False  # e.g. the secretary also elected director (一肩挑)
    note: str = ""


@transaction.atomic
def appoint_to_post(person: Person, appointment: Appointment, *, actor: User) -> Incumbency:
    """Put `person` into a village post: the post's current holder leaves with the reason given,
    the person's other posts end (a step up the ladder) unless kept, their pool membership
    closes as promoted, open proposals are settled, and the step is recorded in their career.
    Appointing the person who already holds the post changes nothing."""
    post = VillagePost.objects.select_related("village").get(pk=appointment.post.pk)
    on = appointment.on
    current = Incumbency.objects.filter(post=post, ended_on__isnull=True).first()
    if current is not None and current.person_id == person.pk:
        return current
    if appointment.term_end and appointment.term_end <= on:
        raise ActionRefused(_("任期届满日期须晚于任职日期。"))
    held = list(
        Incumbency.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .select_related("post")
    )
    rank_before = max((POST_RANK.get(i.post.kind, 0) for i in held), default=0)
    membership = PoolMembership.objects.active().filter(person=person).first()
    with _context("appoint_to_post", actor):
        kept = held
        if not appointment.keep_other_posts:
            for old in held:
                if on < old.started_on:
                    raise ActionRefused(_("任职日期不能早于其现任职务的任职日期。"))
                candidate_actions.end_incumbency(
                    old, actor=actor, ended_on=on, reason=EndReason.ADJUSTMENT
                )
            kept = []
        try:
            incumbency = candidate_actions.appoint(
                post,
                person,
                actor=actor,
                started_on=on,
                appointed_how=appointment.how,
                term_end=appointment.term_end,
                previous_end_reason=appointment.end_reason,
            )
        except candidate_actions.ActionRefused as refused:
            raise ActionRefused(refused.message) from None
        if membership is not None:
            _settle_proposals(membership, actor)
        CareerStep.objects.create(
            person=person,
            kind=_step_kind(post, kept, rank_before, bool(held)),
            on=on,
            village=post.village,
            post=post,
            incumbency=incumbency,
            note=appointment.note[:200],
            created_by=actor,
        )
    return incumbency


def _settle_proposals(membership: PoolMembership, actor: User) -> None:
    """A promoted reserve's 优先使用 flag is fulfilled; any other open proposal lapses."""
    now = timezone.now()
    note = _("已提拔任用")
    open_ = Proposal.objects.filter(membership=membership, status=ProposalStatus.OPEN)
    open_.filter(kind=ProposalKind.PROMOTE).update(
        status=ProposalStatus.ACCEPTED, decided_by=actor, decided_at=now, decision_note=note
    )
    open_.update(
        status=ProposalStatus.DISMISSED, decided_by=actor, decided_at=now, decision_note=note
    )


def _step_kind(post: VillagePost, kept: list[Incumbency], rank_before: int, held: bool) -> str:
    principal = {PostKind.SECRETARY, PostKind.DIRECTOR}
    if post.kind in principal:
        other = (principal - {post.kind}).pop()
        if any(i.post.kind == other and i.post.village_id == post.village_id for i in kept):
            return StepKind.ONE_SHOULDER
    if not held:
        return StepKind.ENTERED
    if POST_RANK.get(post.kind, 0) > rank_before:
        return StepKind.PROMOTED
    return StepKind.TRANSFERRED


@transaction.atomic
def record_career_step(
    person: Person, kind: str, on: date, *, actor: User, unit: str = "", note: str = ""
) -> CareerStep | None:
    """Record a step that is not a post: full-time cadre (专职干部), township public institution
    (乡镇事业编制) or another. Recording the same step again changes nothing (returns None)."""
    if kind in (StepKind.FULL_TIME, StepKind.PUBLIC_INSTITUTION):
        exists = CareerStep.objects.filter(person=person, kind=kind).exists()
    else:
        exists = CareerStep.objects.filter(person=person, kind=kind, on=on).exists()
    if exists:
        return None
    with _context("record_career_step", actor):
        return CareerStep.objects.create(
            person=person, kind=kind, on=on, unit=unit, note=note, created_by=actor
        )
