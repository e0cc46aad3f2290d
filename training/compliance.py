"""The mentoring cadence rule (Shixi: at least 4 talks a month per reserve) applied to pairs.

How a month is judged, by design:
- Talks count in the calendar month of their date (a talk on the 31st counts in that month,
  never in the next); dates are local calendar dates, so no time zone shifts a talk.
- A complete month is judged in full: `talks_per_month` talks are due.
- The current month is judged pro rata on the days gone so far, rounded down: with 4 a month,
  nothing is due in the first week of a 31-day month, 1 by the 8th, 2 by the 16th, and so on.
  Nobody is "behind" on the 2nd of the month for talks they could not yet have held.
- A pairing that starts or ends inside the month owes the share for its own days only.
- "No contact" is judged at the end of the period looked at (today for the current month):
  more than `no_contact_days` days since the last talk - or since the pairing began, if there
  has been none - and it outranks "behind".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from training.models import Mentee, MentoringRule

ON_TRACK = "on_track"
BEHIND = "behind"
NO_CONTACT = "no_contact"
STATUS_LABELS = {ON_TRACK: _("达标"), BEHIND: _("未达标"), NO_CONTACT: _("失联")}
STATUS_ORDER = {NO_CONTACT: 0, BEHIND: 1, ON_TRACK: 2}


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def required_talks(
    per_month: int, month: date, start: date, end: date | None, today: date
) -> tuple[int, date, date] | None:
    """(talks due, period start, period end) for a pairing running start..end, judged in
    `month` as of `today`; None if the pairing does not run in the month up to today."""
    first, last = month_bounds(month)
    period_start = max(first, start)
    period_end = min(last, today, end or last)
    if period_end < period_start:
        return None
    days = (period_end - period_start).days + 1
    return per_month * days // last.day, period_start, period_end


@dataclass
class Standing:
    mentee: Mentee
    talks: int
    required: int
    last_talk: date | None
    silent_days: int
    status: str
    rule: MentoringRule

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def standings(mentees: QuerySet[Mentee], month: date, today: date) -> list[Standing]:
    """Judge every pair of `mentees` whose pairing runs in `month`: two queries in all."""
    first, last = month_bounds(month)
    rows = (
        mentees.filter(mentorship__start_on__lte=min(last, today))
        .filter(Q(mentorship__end_on__isnull=True) | Q(mentorship__end_on__gte=first))
        .select_related("person__village", "mentorship__mentor", "mentorship__township")
        .annotate(
            month_talks=Count("talks", filter=Q(talks__date__gte=first, talks__date__lte=last)),
            last_talk=Max("talks__date", filter=Q(talks__date__lte=last)),
        )
        .order_by("mentorship__township__code", "mentorship_id", "person__name", "pk")
    )
    rows = list(rows)
    rules = MentoringRule.for_counties(m.mentorship.township.county_id for m in rows)
    result = []
    for mentee in rows:
        pairing = mentee.mentorship
        rule = rules[pairing.township.county_id]
        due = required_talks(rule.talks_per_month, month, pairing.start_on, pairing.end_on, today)
        if due is None:
            continue
        required, _start, period_end = due
        since = mentee.last_talk or pairing.start_on
        silent = max((period_end - since).days, 0)
        if silent > rule.no_contact_days:
            status = NO_CONTACT
        elif mentee.month_talks < required:
            status = BEHIND
        else:
            status = ON_TRACK
        result.append(
            Standing(mentee, mentee.month_talks, required, mentee.last_talk, silent, status, rule)
        )
    result.sort(key=lambda s: STATUS_ORDER[s.status])
    return result


def summary(rows: list[Standing]) -> dict[str, int]:
    counts = {ON_TRACK: 0, BEHIND: 0, NO_CONTACT: 0}
    for row in rows:
        counts[row.status] += 1
    return counts


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)
