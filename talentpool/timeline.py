"""The person's timeline (一人一档): each later stage contributes its own entries.

Apps register a provider in their AppConfig.ready(); a provider takes one person and returns
entries with a fixed number of queries, however many records the person has, so the person page
stays fast for someone with years of records. The core knows nothing of the later stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from talentpool.models import Person


@dataclass(frozen=True)
class Entry:
    date: date
    kind: str  # short Chinese label of the stage: 推荐, 培训, 谈心谈话, 岗位锻炼, 考核 ...
    text: str
    url: str = ""


Provider = Callable[[Person], list[Entry]]
_providers: list[Provider] = []
_record_url: Callable[[Person], str] | None = None


def register(provider: Provider) -> Provider:
    """Add a timeline provider (usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entries_for(person: Person) -> list[Entry]:
    """All entries for `person`, newest first."""
    entries = [
        Entry(
            timezone.localdate(person.created_at),
            "登记",
            "登记入人才信息库",
            person.get_absolute_url(),
        )
    ]
    for provider in _providers:
        entries.extend(provider(person))
    return sorted(entries, key=lambda e: e.date, reverse=True)


def register_printable_record(url_of: Callable[[Person], str]) -> None:
    """The later stage that prints the one-page record (一人一档登记表) names its address."""
    global _record_url
    _record_url = url_of


def printable_record_url(person: Person) -> str:
    return _record_url(person) if _record_url else ""
