"""Finding people by what was typed in a search box (人员查询): the one function every search box
that finds people goes through - the registry, the pool, the nomination and appointment pickers,
training and evaluation lists, and the exports built from their filters.

Names and pinyin are searched as typed. A search by an identifier (digits: an ID number or a
phone, or a part of one) is a look-up of personal data:

- a user without the right to see full identifiers (``User.can_view_personal_data``) finds
  someone only by the whole ID number or the whole phone number, or by the last four digits of
  a phone (as the lists offer); never by a prefix, which would let them read a masked number
  digit by digit;
- every such look-up is written to the access log (who, which kind, how many people matched);
- at most ``IDENTIFIER_LOOKUPS_PER_MINUTE`` such look-ups a minute per user: the next one is
  refused with ``LookupThrottled`` (a Chinese 429 page, or an alert in an htmx fragment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.identity import InvalidPhone, normalize_id_number, normalize_phone

FULL_ID = re.compile(r"[0-9]{17}[0-9X]")
PHONE_TAIL_DIGITS = 4


class LookupThrottled(PermissionDenied):
    """Too many look-ups by identifier in the last minute."""

    def __init__(self) -> None:
        self.message = _(
            "按身份证号或电话号码查询过于频繁：每分钟最多%(n)s次。请稍候一分钟再查询。"
        ) % {"n": settings.IDENTIFIER_LOOKUPS_PER_MINUTE}
        super().__init__(self.message)


@dataclass(frozen=True)
class IdentifierQuery:
    """What a search box's text asks for when it is an identifier. kind: "id_number" (a whole
    ID number), "phone" (a whole phone number), "phone_tail" (four digits) or "partial" (any
    other run of digits: a prefix or a fragment)."""

    kind: str
    value: str

    @property
    def masked(self) -> str:
        """The query as the access log keeps it: no more of it than the kind needs."""
        from talentpool.identity import mask_id_number, mask_phone

        if self.kind == "id_number":
            return mask_id_number(self.value)
        if self.kind == "phone":
            return mask_phone(self.value)
        if self.kind == "phone_tail":
            return self.value
        return f"{self.value[:3]}…（{len(self.value)}位）"


def identifier_query(text: str) -> IdentifierQuery | None:
    """The identifier `text` stands for, or None when it is a name (or pinyin)."""
    compact = normalize_id_number(text)
    if FULL_ID.fullmatch(compact):
        return IdentifierQuery("id_number", compact)
    digits = re.sub(r"[-+()]", "", compact)
    if not digits.isdigit() or len(digits) < PHONE_TAIL_DIGITS:
        return None
    if len(digits) == PHONE_TAIL_DIGITS:
        return IdentifierQuery("phone_tail", digits)
    try:
        phone = normalize_phone(text)
    except InvalidPhone:
        phone = None
    if phone:
        return IdentifierQuery("phone", phone)
    return IdentifierQuery("partial", digits)


def search_people(people, text: str, *, user):
    """`people` (a Person queryset, already scoped) narrowed to those `text` finds for `user`.
    See the module's docstring for what an identifier finds, the log and the limit."""
    text = (text or "").strip()
    if not text:
        return people
    query = identifier_query(text)
    if query is None:
        return people.named(text)
    _check_rate(user)
    found = people.filter(_identifier_filter(query, prefix=user.can_view_personal_data))
    _log(user, query, found)
    return found


def _identifier_filter(query: IdentifierQuery, *, prefix: bool) -> Q:
    if query.kind == "id_number":
        return Q(id_number=query.value)
    if query.kind == "phone_tail":
        return Q(phone__endswith=query.value)
    if query.kind == "phone":
        return Q(phone=query.value)
    if not prefix:
        return Q(pk__in=[])  # a fragment of a number finds no one
    # Users with the right may look up by part of a number (they may see it in full anyway,
    # after a reason); the look-up is logged and counted like any other.
    return (
        Q(phone__startswith=query.value)
        | Q(phone__endswith=query.value)
        | Q(id_number__startswith=query.value)
    )


def _check_rate(user) -> None:
    from talentpool.models import AccessAction, AccessLog

    since = timezone.now() - timedelta(minutes=1)
    recent = AccessLog.objects.filter(
        user=user, action=AccessAction.SEARCH_ID, created_at__gte=since
    ).count()
    if recent >= settings.IDENTIFIER_LOOKUPS_PER_MINUTE:
        raise LookupThrottled


def _log(user, query: IdentifierQuery, found) -> None:
    from talentpool.models import AccessAction
    from talentpool.security import current_request, log_access

    first = list(found.values_list("pk", flat=True)[:2])
    count = len(first) if len(first) < 2 else found.count()
    if query.kind == "partial":
        fields = ["id_number", "phone"]
    else:
        fields = ["id_number" if query.kind == "id_number" else "phone"]
    log_access(
        current_request(user) or user,
        AccessAction.SEARCH_ID,
        person_id=first[0] if count == 1 else None,
        fields=fields,
        detail={"kind": query.kind, "query": query.masked, "results": count},
    )
