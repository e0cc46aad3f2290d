"""This stage's entries on the person's timeline (一人一档), in a fixed number of queries."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.models import Person
from talentpool.timeline import Entry


def entries(person: Person) -> list[Entry]:
    from candidates.models import (
        Decision,
        Homecoming,
        Incumbency,
        Nomination,
        OutreachContact,
        PoolMembership,
        ReviewEvent,
    )

    found: list[Entry] = []
    for n in Nomination.objects.filter(person=person).select_related("village"):
        text = _("%(channel)s：%(year)s年度 %(village)s%(post)s人选（推荐人：%(who)s）") % {
            "channel": n.get_channel_display(),
            "year": n.year,
            "village": n.village.name,
            "post": n.get_post_kind_display(),
            "who": n.recommender_name,
        }
        found.append(Entry(timezone.localdate(n.created_at), _("推荐"), text, n.get_absolute_url()))
    events = (
        ReviewEvent.objects.filter(nomination__person=person)
        .exclude(decision__in=[Decision.SUBMIT, Decision.ENTER_POOL])
        .select_related("nomination")
    )
    for e in events:
        text = f"{e.get_from_status_display()}：{e.get_decision_display()}"
        if e.note:
            text += f"（{e.note}）"
        found.append(Entry(e.decided_on, _("审查"), text, e.nomination.get_absolute_url()))
    for m in PoolMembership.objects.filter(person=person).select_related("village"):
        text = _("进入后备干部库：%(village)s %(category)s（%(level)s，%(readiness)s）") % {
            "village": m.village.name,
            "category": m.get_category_display(),
            "level": m.get_level_display(),
            "readiness": m.get_readiness_display(),
        }
        found.append(Entry(m.entered_on, _("入库"), text, m.get_absolute_url()))
        if m.left_on:
            text = _("退出后备干部库：%(reason)s") % {"reason": m.get_leave_reason_display()}
            if m.leave_note:
                text += f"（{m.leave_note}）"
            found.append(Entry(m.left_on, _("出库"), text, m.get_absolute_url()))
    for i in Incumbency.objects.filter(person=person).select_related("post__village"):
        place = f"{i.post.village.name}{i.post}"
        found.append(
            Entry(
                i.started_on,
                _("任职"),
                _("任%(post)s（%(how)s）") % {"post": place, "how": i.get_appointed_how_display()},
                reverse("candidates:village", args=[i.post.village_id]),
            )
        )
        if i.ended_on:
            text = _("%(post)s离任（%(reason)s）") % {
                "post": place,
                "reason": i.get_end_reason_display(),
            }
            found.append(Entry(i.ended_on, _("离任"), text))
    for c in OutreachContact.objects.filter(person=person).select_related("event"):
        if c.event_id:
            text = _("参加%(event)s") % {"event": c.event.get_kind_display()}
        else:
            text = str(c.get_kind_display())
        if c.response:
            text += f"：{c.get_response_display()}"
        url = c.event.get_absolute_url() if c.event_id else ""
        found.append(Entry(c.contacted_on, _("回引"), text, url))
    for h in Homecoming.objects.filter(person=person):
        text = _("返乡") + (f"：{h.plan}" if h.plan else "")
        found.append(Entry(h.returned_on, _("返乡"), text))
    return found
