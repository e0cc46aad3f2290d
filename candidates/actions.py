"""Workflows of the candidates stage: a nomination's way through screening and the three-level
review into the reserve pool, leaving the pool, changes of incumbents and returnees coming home.

Each action checks who may act, changes state with a compare-and-set on the version so that of
two people acting at once exactly one succeeds, and writes its ReviewEvent (the database triggers
add the row-level audit trail). Repeating a transition that is already done changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import (
    CandidatePolicy,
    Checklist,
    CheckResult,
    Decision,
    EndReason,
    Incumbency,
    ItemKind,
    LeaveReason,
    Nomination,
    PoolMembership,
    ReviewEvent,
    Rule,
    ScreeningCheck,
    Status,
    TownshipLeader,
    VillagePost,
)
from talentpool.models import Person, Residence, User


class ActionRefused(Exception):
    """The action may not happen; `message` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(ActionRefused):
    """Someone else changed the record first."""


# --- Recommendation --------------------------------------------------------------------------


def leader_count(leader: TownshipLeader, year: int) -> int:
    return (
        Nomination.objects.filter(leader=leader, year=year).exclude(status=Status.WITHDRAWN).count()
    )


def duplicate_of(person: Person, year: int, village, post_kind: str) -> Nomination | None:
    return (
        Nomination.objects.filter(person=person, year=year, village=village, post_kind=post_kind)
        .select_related("village")
        .first()
    )


def duplicate_message(existing: Nomination) -> str:
    return _(
        "%(name)s 已于%(date)s被推荐为%(year)s年度%(village)s%(post)s人选（当前：%(status)s），"
        "同一年度同一岗位不再重复推荐。"
    ) % {
        "name": existing.person.name,
        "date": timezone.localdate(existing.created_at).isoformat(),
        "year": existing.year,
        "village": existing.village.name,
        "post": existing.get_post_kind_display(),
        "status": existing.get_status_display(),
    }


@transaction.atomic
def create_nomination(
    *,
    person: Person,
    village,
    post_kind: str,
    year: int,
    channel: str,
    reason: str,
    recommender_name: str,
    recommender_position: str = "",
    co_signers: int | None = None,
    leader: TownshipLeader | None = None,
    actor: User,
) -> Nomination:
    """Record a nomination, screen it automatically against the checklist in force and put it
    at the screening stage."""
    policy = CandidatePolicy.load()
    if leader is not None:
        # Lock the leader's row so two nominations entered at once cannot both pass the quota.
        leader = TownshipLeader.objects.select_for_update().get(pk=leader.pk)
        done = leader_count(leader, year)
        if done >= policy.leader_quota_max:
            raise ActionRefused(
                _("%(leader)s %(year)s年度已实名推荐%(n)s人，已达每年%(max)s人的上限。")
                % {"leader": leader, "year": year, "n": done, "max": policy.leader_quota_max}
            )
    existing = duplicate_of(person, year, village, post_kind)
    if existing is not None:
        raise ActionRefused(duplicate_message(existing))
    checklist = Checklist.objects.in_force()
    if checklist is None:
        raise ActionRefused(_("县委组织部尚未发布资格审查清单，暂不能录入推荐。"))
    nomination = Nomination(
        person=person,
        township_id=village.township_id,
        village=village,
        post_kind=post_kind,
        year=year,
        channel=channel,
        co_signers=co_signers,
        leader=leader,
        recommender_name=recommender_name,
        recommender_position=recommender_position,
        reason=reason,
        checklist=checklist,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        # Someone entered the same nomination between our check and our insert.
        existing = duplicate_of(person, year, village, post_kind)
        raise ActionRefused(
            duplicate_message(existing) if existing else _("保存失败，请重试。")
        ) from None
    ScreeningCheck.objects.bulk_create(
        ScreeningCheck(nomination=nomination, item=item, automatic=item.is_automatic)
        for item in checklist.items.all()
    )
    refresh_automatic_checks(nomination)
    ReviewEvent.objects.create(
        nomination=nomination,
        from_status="",
        to_status=Status.SCREENING,
        decision=Decision.SUBMIT,
        actor=actor,
        decided_on=timezone.localdate(),
        note=reason,
        version=nomination.version,
    )
    return nomination


# --- Screening (资格审查) ----------------------------------------------------------------------


def refresh_automatic_checks(nomination: Nomination, today: date | None = None) -> list[str]:
    """Decide the automatic checks again from the registry's current data; return the texts of
    the items that fail."""
    today = today or timezone.localdate()
    checks = list(
        nomination.checks.filter(automatic=True).select_related("item").order_by("item__number")
    )
    if not checks:
        return []
    requirement = nomination.checklist.requirements.filter(post_kind=nomination.post_kind).first()
    failing = []
    changed = []
    now = timezone.now()
    for check in checks:
        result, evidence = nomination.evaluate(check.item, requirement, today)
        if result == CheckResult.PROBLEM:
            failing.append(f"{check.item.number}. {check.item.text}（{evidence}）")
        if (check.result, check.evidence) != (result, evidence):
            check.result, check.evidence, check.checked_at = result, evidence, now
            changed.append(check)
    ScreeningCheck.objects.bulk_update(changed, ["result", "evidence", "checked_at"])
    return failing


def record_check(
    check: ScreeningCheck, *, result: str, evidence: str, actor: User
) -> ReviewEvent | None:
    """Tick one manual check; see record_checks."""
    return record_checks(check.nomination, {check: (result, evidence)}, actor=actor)


@transaction.atomic
def record_checks(
    nomination: Nomination, results: dict[ScreeningCheck, tuple[str, str]], *, actor: User
) -> ReviewEvent | None:
    """Record manual checks with their evidence. A negative-list hit stops the nomination at
    once, naming the item(s); the returned event is that stop, if it happened. Checks whose
    result and evidence are unchanged are left alone."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    refusal = nomination.screening_refusal(actor)
    if refusal:
        raise ActionRefused(refusal)
    now = timezone.now()
    hits = []
    for check, (result, evidence) in results.items():
        if check.nomination_id != nomination.pk:
            raise ActionRefused(_("审查记录与推荐不符。"))
        if check.item.rule != Rule.MANUAL:
            raise ActionRefused(_("该项由系统根据人才信息库数据判定，请更正人员信息后重新核查。"))
        evidence = evidence.strip()
        if result != CheckResult.PENDING and not evidence:
            raise ActionRefused(_("请填写核查依据（如：经查阅……，未发现……）。"))
        if (check.result, check.evidence) == (result, evidence):
            continue
        check.result, check.evidence = result, evidence
        check.checked_by, check.checked_at = actor, now
        check.save(update_fields=["result", "evidence", "checked_by", "checked_at"])
        if check.item.kind == ItemKind.NEGATIVE and result == CheckResult.PROBLEM:
            hits.append(check)
    if not hits:
        return None
    note = "；".join(
        _("命中负面清单第%(n)s条：%(text)s（核查依据：%(evidence)s）")
        % {"n": c.item.number, "text": c.item.text, "evidence": c.evidence}
        for c in sorted(hits, key=lambda c: c.item.number)
    )
    return _transition(nomination, Decision.DISQUALIFY, actor=actor, note=note)


def screening_blockers(nomination: Nomination) -> list[str]:
    """What still stops the nomination from passing screening, in words for the user."""
    return [text for _check_id, _short, text in screening_blockers_by_check(nomination)]


def screening_blockers_by_check(nomination: Nomination) -> list[tuple[int, str, str]]:
    """(check id, what to say beside the check, the whole sentence) for each check that stops
    the nomination from passing screening."""
    refresh_automatic_checks(nomination)
    blockers = []
    for check in nomination.checks.select_related("item").order_by("item__kind", "item__number"):
        label = f"{check.item.get_kind_display()}{check.item.number}. {check.item.text}"
        if check.automatic:
            if check.result == CheckResult.PROBLEM:
                short = _("不符合：%(evidence)s") % {"evidence": check.evidence}
                item = f"{check.item.number}. {check.item.text}（{check.evidence}）"
                blockers.append((check.pk, short, _("资格条件不符合：%(item)s") % {"item": item}))
        elif check.result == CheckResult.PENDING:
            short = _("尚未核查：请选择结果并填写核查依据")
            blockers.append((check.pk, short, _("尚未核查：%(item)s") % {"item": label}))
        elif check.result == CheckResult.PROBLEM and check.item.kind == ItemKind.QUALIFICATION:
            short = _("资格条件不符合，不能通过")
            blockers.append((check.pk, short, _("资格条件不符合：%(item)s") % {"item": label}))
    return blockers


class ScreeningIncomplete(ActionRefused):
    """Screening cannot pass yet; `beside` says, check by check, what is missing."""

    def __init__(self, message: str, beside: dict[int, str]) -> None:
        super().__init__(message)
        self.beside = beside


# --- Review (三级联审) -------------------------------------------------------------------------


@transaction.atomic
def decide(
    nomination: Nomination,
    decision: str,
    *,
    actor: User,
    expected_version: int,
    note: str = "",
    decided_on: date | None = None,
    party_members_heard: int | None = None,
    party_member_views: str = "",
    villagers_heard: int | None = None,
    villager_views: str = "",
) -> ReviewEvent | None:
    """Take a review decision on the stage the nomination was at when `expected_version` was
    read. Returns the new event, or None when this very decision had already been taken."""
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if current.version != expected_version:
        done = _already_done(current, expected_version, decision, actor)
        if done:
            nomination.refresh_from_db()
            return None
        raise Conflict(_stale_message(current, expected_version))
    refusal = current.refusal_for(actor, decision)
    if refusal:
        raise ActionRefused(refusal)
    note = note.strip()
    if decision in (Decision.SEND_BACK, Decision.REJECT, Decision.WITHDRAW) and not note:
        raise ActionRefused(_("退回、不通过或撤回时请填写理由。"))
    if decision == Decision.PASS:
        _check_can_pass(
            current, party_member_views=party_member_views, villager_views=villager_views
        )
    event = _transition(
        current,
        decision,
        actor=actor,
        note=note,
        decided_on=decided_on,
        party_members_heard=party_members_heard,
        party_member_views=party_member_views.strip(),
        villagers_heard=villagers_heard,
        villager_views=villager_views.strip(),
    )
    nomination.refresh_from_db()
    return event


def _check_can_pass(nomination: Nomination, *, party_member_views: str, villager_views: str):
    if nomination.status == Status.SCREENING:
        blockers = screening_blockers_by_check(nomination)
        if blockers:
            raise ScreeningIncomplete(
                _("资格审查未完成，不能通过：") + "；".join(text for _i, _s, text in blockers),
                {check_id: short for check_id, short, _text in blockers},
            )
    elif nomination.status == Status.VILLAGE:
        if not party_member_views.strip() or not villager_views.strip():
            raise ActionRefused(_("村级评议须记录党员意见和群众意见。"))
    elif nomination.status == Status.COUNTY:
        consultations = list(nomination.consultations.all())
        if not consultations:
            raise ActionRefused(
                _("县级联审须至少征求一个部门的意见（纪委监委、公安、法院、信访等）。")
            )
        pending = [c.get_department_display() for c in consultations if c.answer == "pending"]
        if pending:
            raise ActionRefused(
                _("以下部门尚未回复：%(d)s。") % {"d": "、".join(str(p) for p in pending)}
            )
        issues = [c.get_department_display() for c in consultations if c.answer == "issue"]
        if issues:
            raise ActionRefused(
                _("%(d)s反馈有问题，不能通过联审；如确需通过，请先核实并更正部门意见。")
                % {"d": "、".join(str(i) for i in issues)}
            )


def _already_done(current: Nomination, expected_version: int, decision: str, actor: User) -> bool:
    """Whether the change from `expected_version` was this actor taking this decision (a double
    submit), in which case repeating it changes nothing."""
    event = current.review_events.filter(version=expected_version + 1).first()
    return event is not None and event.actor_id == actor.pk and event.decision == decision


def _stale_message(current: Nomination, expected_version: int) -> str:
    event = current.review_events.filter(version__gt=expected_version).select_related("actor")
    event = event.order_by("version").first()
    if event is None:
        return _("该推荐已被他人修改，您的操作未保存。请查看最新情况后再办理。")
    return _(
        "该推荐已由%(actor)s于%(when)s办理（%(decision)s，现为“%(status)s”），"
        "您的操作未保存。请查看最新情况后再办理。"
    ) % {
        "actor": event.actor,
        "when": timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
        "decision": event.get_decision_display(),
        "status": current.get_status_display(),
    }


def _transition(
    nomination: Nomination,
    decision: str,
    *,
    actor: User,
    note: str = "",
    decided_on: date | None = None,
    **village_views,
) -> ReviewEvent:
    """Move `nomination` (locked by the caller) along TRANSITIONS with a compare-and-set on its
    status and version, and write the event."""
    to_status = nomination.next_status(decision)
    if to_status is None:
        raise ActionRefused(nomination.refusal_for(actor, decision))
    updated = Nomination.objects.filter(
        pk=nomination.pk, status=nomination.status, version=nomination.version
    ).update(status=to_status, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise Conflict(_stale_message(nomination, nomination.version))
    event = ReviewEvent.objects.create(
        nomination=nomination,
        from_status=nomination.status,
        to_status=to_status,
        decision=decision,
        actor=actor,
        decided_on=decided_on or timezone.localdate(),
        note=note,
        version=nomination.version + 1,
        **village_views,
    )
    nomination.status = to_status
    nomination.version += 1
    return event


# --- The reserve pool --------------------------------------------------------------------------


@transaction.atomic
def enter_pool(
    nomination: Nomination,
    *,
    actor: User,
    expected_version: int,
    category: str,
    level: str,
    readiness: str,
    posts: list[VillagePost],
    entered_on: date,
) -> PoolMembership:
    """Put an approved nomination's person into the pool (后备干部库)."""
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if current.status == Status.POOLED and current.version == expected_version + 1:
        membership = current.pool_memberships.order_by("-pk").first()
        if membership is not None:
            return membership  # a double submit of the same entry
    if current.version != expected_version:
        raise Conflict(_stale_message(current, expected_version))
    refusal = current.refusal_for(actor, Decision.ENTER_POOL)
    if refusal:
        raise ActionRefused(refusal)
    if any(post.village_id != current.village_id for post in posts):
        raise ActionRefused(_("拟任岗位须是该村（社区）的岗位。"))
    active = PoolMembership.objects.active().filter(person_id=current.person_id)
    active = active.select_related("village").first()
    if active is not None:
        raise ActionRefused(
            _("%(name)s 已在后备干部库中（%(village)s %(category)s），须先出库才能再次入库。")
            % {
                "name": current.person.name,
                "village": active.village.name,
                "category": active.get_category_display(),
            }
        )
    membership = PoolMembership(
        person_id=current.person_id,
        village_id=current.village_id,
        category=category,
        level=level,
        readiness=readiness,
        entered_on=entered_on,
        nomination=current,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ActionRefused(_("此人已在后备干部库中，请刷新后查看。")) from None
    membership.posts.set(posts)
    _transition(
        current,
        Decision.ENTER_POOL,
        actor=actor,
        note=_("入库：%(category)s，%(readiness)s")
        % {
            "category": membership.get_category_display(),
            "readiness": membership.get_readiness_display(),
        },
        decided_on=entered_on,
    )
    nomination.refresh_from_db()
    return membership


def membership_refusal(membership: PoolMembership, user: User) -> str:
    from talentpool.models import Role

    if user.role == Role.COUNTY:
        return ""
    if user.role == Role.TOWNSHIP and membership.village.township_id == user.township_id:
        return ""
    return _("您不能办理该后备干部的出入库。")


@transaction.atomic
def leave_pool(
    membership: PoolMembership,
    *,
    actor: User,
    left_on: date,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> bool:
    """Take a member out of the pool with a date and a reason (能进能出). Returns False when the
    member had already left (nothing changes)."""
    refusal = membership_refusal(membership, actor)
    if refusal:
        raise ActionRefused(refusal)
    if reason not in LeaveReason.values:
        raise ActionRefused(_("出库须选择原因。"))
    if left_on < membership.entered_on:
        raise ActionRefused(_("出库时间不能早于入库时间（%(d)s）。") % {"d": membership.entered_on})
    if reason == LeaveReason.OTHER and not note.strip():
        raise ActionRefused(_("出库原因为“其他”时请填写说明。"))
    version = membership.version if expected_version is None else expected_version
    updated = PoolMembership.objects.filter(
        pk=membership.pk, version=version, left_on__isnull=True
    ).update(
        left_on=left_on, leave_reason=reason, leave_note=note.strip(), version=F("version") + 1
    )
    if not updated:
        membership.refresh_from_db()
        if membership.left_on is not None:
            return False
        raise Conflict(_("该后备干部的信息刚被他人修改，请刷新后再办理。"))
    membership.refresh_from_db()
    return True


@transaction.atomic
def update_membership(
    membership: PoolMembership,
    *,
    actor: User,
    expected_version: int,
    category: str,
    level: str,
    readiness: str,
    posts,
) -> None:
    """Change a member's category, level, readiness and the posts they stand in reserve for,
    unless someone saved the member since `expected_version` (then Conflict). The caller has
    found the member in the actor's scope."""
    updated = PoolMembership.objects.filter(
        pk=membership.pk, version=expected_version, left_on__isnull=True
    ).update(category=category, level=level, readiness=readiness, version=F("version") + 1)
    if not updated:
        raise Conflict(_("保存失败：该记录刚被他人修改，请刷新后再改。"))
    membership.posts.set(posts)


# --- Posts and incumbents ----------------------------------------------------------------------


@transaction.atomic
def appoint(
    post: VillagePost,
    person: Person,
    *,
    actor: User,
    started_on: date,
    appointed_how: str,
    term_end: date | None = None,
    previous_end_reason: str = EndReason.ELECTION,
) -> Incumbency:
    """Make `person` the post's incumbent from `started_on`, ending the previous incumbency. A
    reserve who takes up a post leaves the pool as promoted (已提拔任用)."""
    post = VillagePost.objects.select_for_update().get(pk=post.pk)
    current = Incumbency.objects.filter(post=post, ended_on__isnull=True).first()
    if current is not None:
        if current.person_id == person.pk:
            return current
        if started_on < current.started_on:
            raise ActionRefused(
                _("任职时间不能早于现任%(name)s的任职时间（%(d)s）。")
                % {"name": current.person.name, "d": current.started_on}
            )
        current.ended_on, current.end_reason = started_on, previous_end_reason
        current.save(update_fields=["ended_on", "end_reason"])
    incumbency = Incumbency.objects.create(
        post=post,
        person=person,
        started_on=started_on,
        term_end=term_end,
        appointed_how=appointed_how,
    )
    membership = PoolMembership.objects.active().filter(person=person).first()
    if membership is not None:
        PoolMembership.objects.filter(pk=membership.pk).update(
            left_on=max(started_on, membership.entered_on),
            leave_reason=LeaveReason.PROMOTED,
            leave_note=_("任%(village)s%(post)s") % {"village": post.village.name, "post": post},
            version=F("version") + 1,
        )
    return incumbency


@transaction.atomic
def end_incumbency(incumbency: Incumbency, *, actor: User, ended_on: date, reason: str) -> bool:
    if incumbency.ended_on is not None:
        return False
    if reason not in EndReason.values:
        raise ActionRefused(_("请选择离任原因。"))
    if ended_on < incumbency.started_on:
        raise ActionRefused(_("离任时间不能早于任职时间。"))
    return bool(
        Incumbency.objects.filter(pk=incumbency.pk, ended_on__isnull=True).update(
            ended_on=ended_on, end_reason=reason
        )
    )


# --- Outreach ---------------------------------------------------------------------------------


@transaction.atomic
def record_homecoming(person: Person, *, actor: User, returned_on: date, plan: str = ""):
    """Record the day an out-migrant came back and mark them returned in the registry."""
    from candidates.models import Homecoming

    homecoming, created = Homecoming.objects.get_or_create(
        person=person,
        returned_on=returned_on,
        defaults={"township_id": person.township_id, "plan": plan, "created_by": actor},
    )
    if created and person.residence != Residence.RETURNED:
        Person.objects.filter(pk=person.pk).update(
            residence=Residence.RETURNED, version=F("version") + 1, updated_at=timezone.now()
        )
    return homecoming


# --- Checklists --------------------------------------------------------------------------------


@transaction.atomic
def publish_checklist(
    *,
    title: str,
    effective_from: date,
    qualifications: list[str],
    negatives: list[str],
    requirements: dict[str, tuple[int, int, str]],
    actor: User,
) -> Checklist:
    """A new version of the qualification conditions and negative list. Versions are never
    edited: nominations keep the version they were screened against."""
    from candidates import defaults
    from candidates.models import ChecklistItem, PostRequirement

    last = Checklist.objects.select_for_update().order_by("-version").first()
    checklist = Checklist.objects.create(
        version=(last.version + 1) if last else 1, title=title, effective_from=effective_from
    )
    automatic = [(text, rule) for text, rule in defaults.QUALIFICATIONS if rule != Rule.MANUAL]
    items = [
        ChecklistItem(checklist=checklist, kind=ItemKind.QUALIFICATION, number=n, text=t, rule=r)
        for n, (t, r) in enumerate(automatic + [(t, Rule.MANUAL) for t in qualifications], 1)
    ]
    items += [
        ChecklistItem(checklist=checklist, kind=ItemKind.NEGATIVE, number=n, text=t)
        for n, t in enumerate(negatives, 1)
    ]
    ChecklistItem.objects.bulk_create(items)
    PostRequirement.objects.bulk_create(
        PostRequirement(
            checklist=checklist, post_kind=kind, min_age=lo, max_age=hi, min_education=edu
        )
        for kind, (lo, hi, edu) in requirements.items()
    )
    return checklist
