"""The survey import pipeline: check a file against the registry (the preview), then write it.

    analyse(batch, path)   read, normalise, compare, stage    -> counts, changes, rejections
    write(batch)           apply the staged rows to the registry, in one transaction

The command line runs both in one pass (`analyse(..., apply=True)`): each chunk is written as
soon as it is staged.

Why not django-import-export for surveys: its Resource works one row at a time (an instance,
a lookup and a save per row, each its own round trip), which manages a few hundred rows/s here
(`make bench`), while a county's survey holds 300,000 people; and its dry run then import
would read and diff the file twice, where the preview and the write must agree on what they
saw. This pipeline reads the file once, compares each chunk of 5,000 rows with one query by ID
number, stages the chunk's new, changed and rejected rows with COPY into ImportRow, and writes
them with one INSERT ... SELECT and one UPDATE ... FROM per chunk. The audit triggers of
talentpool_person (statement-level, over the statement's transition table) still fire for those
statements, so the audit trail records every person created or changed, with the batch and the
user as its context. django-import-export serves where it fits: the admin's batch listings and
the small reference tables.

The writes of a run happen in one transaction. With SURVEY_IMPORT_THREADS on (the default) it
runs on a thread of its own while a second thread compares chunks with the registry, so that
PostgreSQL writes one chunk on one core while Python reads, normalises and compares the next
ones on the other. A cancelled or failed write therefore leaves nothing behind: no half
imported batch, nothing to undo; a batch is reversed as a whole by rollback(). Progress is
written on the caller's connection, outside that transaction, so the batch page can show it.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import hashlib
import json
import logging
import math
import pickle
import queue
import re
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pghistory
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.models import Person, Residence, Village
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow, RowAction
from talentpool.survey.normalize import (
    FIELD_LABELS,
    Accepted,
    Rejected,
    RowNormaliser,
    json_values,
)
from talentpool.survey.pinyin import name_pinyin
from talentpool.survey.reader import OTHER, SKIP, FileRejected, SurveySheet, read_survey

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Rows kept in the batch report of what was ignored (blank rows can run to thousands).
REPORT_IGNORED_LIMIT = 500
# Values kept as written that the batch's report lists (部分字段待核实).
REPORT_PARTIAL_LIMIT = 5000


def max_upload_bytes() -> int:
    return getattr(settings, "SURVEY_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _threaded() -> bool:
    return getattr(settings, "SURVEY_IMPORT_THREADS", True)


class Cancelled(Exception):
    """The user asked to stop the job; its transaction is rolled back."""


class StaleBatch(Exception):
    """The batch is not in the state the job expects (confirmed twice, already done)."""


# ---------------------------------------------------------------------------
# Cells of rejected rows, kept as JSON until the error report is written


def encode_cell(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def decode_cell(value: object) -> object:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
        if "time" in value:
            return datetime.time.fromisoformat(value["time"])
        if "seconds" in value:
            return datetime.timedelta(seconds=value["seconds"])
    return value


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------
# Person columns: what the import writes and compares

# Compared with the stored value; None (a blank cell) is never compared and never written.
COMPARED = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "political_status",
    "education",
    "school_major",
    "work_place",
    "industry_unit",
    "skills",
    "is_veteran",
    "return_intention",
    "village_post_intention",
    "remark",
)
_EXISTING = (
    "id",
    "township_id",
    "version",
    *COMPARED,
    "name_initials",
    "name_pinyin",
    "village_id",
    "village_text",
    "other_info",
)
_EXISTING_SQL = (
    f"SELECT id_number, {', '.join(_EXISTING)} FROM talentpool_person "  # noqa: S608 - fixed names
    "WHERE id_number = ANY(%s)"
)
_AT = {name: i for i, name in enumerate(_EXISTING)}

STAGED = (
    "batch_id",
    "row_number",
    "action",
    "reason",
    "message",
    "raw",
    "person_id",
    "person_version",
    "applied_version",
    "changes",
    "id_number",
    "name",
    "name_initials",
    "name_pinyin",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "village_given",
    "village_id",
    "village_text",
    "political_status",
    "education",
    "school_major",
    "work_place",
    "industry_unit",
    "skills",
    "is_veteran",
    "return_intention",
    "village_post_intention",
    "remark",
    "other_info",
)
# The value columns of a rejected row: nothing to write.
_NO_VALUES = tuple(
    False if name == "village_given" else None for name in STAGED[STAGED.index("name") + 1 :]
)


def _person_default(name: str) -> object:
    return Person._meta.get_field(name).get_default()


# New people: a blank cell gets the field's default, as a form would.
_INSERT_SQL = """
WITH ins AS (
    INSERT INTO talentpool_person (
        id, name, name_initials, name_pinyin, gender, ethnicity, birth_date, id_number, phone,
        township_id, village_id, village_text, residence, work_place, industry_unit, education,
        school_major, political_status, party_join_date, is_veteran, skills, return_intention,
        village_post_intention, remark, other_info, created_at, updated_at, version
    )
    SELECT
        s.person_id, s.name, s.name_initials, s.name_pinyin, s.gender,
        COALESCE(s.ethnicity, %(ethnicity)s), s.birth_date, s.id_number, COALESCE(s.phone, ''),
        %(township)s, s.village_id, COALESCE(s.village_text, ''), %(residence)s,
        COALESCE(s.work_place, ''), COALESCE(s.industry_unit, ''), COALESCE(s.education, ''),
        COALESCE(s.school_major, ''), COALESCE(s.political_status, ''), NULL,
        COALESCE(s.is_veteran, false), COALESCE(s.skills, ''), COALESCE(s.return_intention, ''),
        COALESCE(s.village_post_intention, ''), COALESCE(s.remark, ''),
        COALESCE(s.other_info, '{}'::jsonb), %(now)s, %(now)s, 1
    FROM talentpool_importrow s
    WHERE s.batch_id = %(batch)s AND s.action = 'new'
        AND s.row_number BETWEEN %(lo)s AND %(hi)s
    ORDER BY s.row_number
    ON CONFLICT (id_number) DO NOTHING
    RETURNING id
)
UPDATE talentpool_importrow s
SET action = 'skipped', reason = 'registered_since_preview', message = %(message)s
WHERE s.batch_id = %(batch)s AND s.action = 'new' AND s.row_number BETWEEN %(lo)s AND %(hi)s
    AND s.person_id NOT IN (SELECT id FROM ins)
"""

# Changed people: field by field, a blank cell keeps the stored value; only if nobody saved the
# person since the diff was made (the version), else the row is skipped.
_UPDATE_SQL = """
WITH upd AS (
    UPDATE talentpool_person p SET
        name = COALESCE(s.name, p.name),
        name_initials = COALESCE(s.name_initials, p.name_initials),
        name_pinyin = COALESCE(s.name_pinyin, p.name_pinyin),
        gender = COALESCE(s.gender, p.gender),
        ethnicity = COALESCE(s.ethnicity, p.ethnicity),
        birth_date = COALESCE(s.birth_date, p.birth_date),
        phone = COALESCE(s.phone, p.phone),
        village_id = CASE WHEN s.village_given THEN s.village_id ELSE p.village_id END,
        village_text = CASE WHEN s.village_given THEN s.village_text ELSE p.village_text END,
        political_status = COALESCE(s.political_status, p.political_status),
        education = COALESCE(s.education, p.education),
        school_major = COALESCE(s.school_major, p.school_major),
        work_place = COALESCE(s.work_place, p.work_place),
        industry_unit = COALESCE(s.industry_unit, p.industry_unit),
        skills = COALESCE(s.skills, p.skills),
        is_veteran = COALESCE(s.is_veteran, p.is_veteran),
        return_intention = COALESCE(s.return_intention, p.return_intention),
        village_post_intention = COALESCE(s.village_post_intention, p.village_post_intention),
        remark = COALESCE(s.remark, p.remark),
        other_info = COALESCE(s.other_info, p.other_info),
        updated_at = %(now)s,
        version = p.version + 1
    FROM talentpool_importrow s
    WHERE s.batch_id = %(batch)s AND s.action = 'update'
        AND s.row_number BETWEEN %(lo)s AND %(hi)s
        AND p.id = s.person_id AND p.version = s.person_version
    RETURNING p.id
)
UPDATE talentpool_importrow s
SET action = 'skipped', reason = 'changed_since_preview', message = %(message)s
WHERE s.batch_id = %(batch)s AND s.action = 'update' AND s.row_number BETWEEN %(lo)s AND %(hi)s
    AND s.person_id NOT IN (SELECT id FROM upd)
"""


# ---------------------------------------------------------------------------
# What a run reports to its caller (the command line prints it)


class Listener:
    """Receives every row's outcome; the command line's --json collects them."""

    def accepted(self, row: int, values: dict[str, object]) -> None:
        pass

    def partial(self, row: int, items: list[tuple[str, str, str, str]]) -> None:
        """An accepted row with values kept as written: (column, field, value, message)."""

    def finished(self, rejected: list[tuple[int, str, str]], withdrawn: set[int]) -> None:
        """`rejected`: every rejected row (row, reason, message); `withdrawn`: rows reported
        as accepted that the end of the file turned into rejections (duplicate IDs)."""


# ---------------------------------------------------------------------------
# The database side of a run


@dataclass
class _Staged:
    """A classified chunk: the ImportRow rows to COPY, and the chunk's first and last row."""

    rows: list[tuple]
    first: int
    last: int


class _Stager:
    """Compares chunks of normalised rows with the registry, stages them in ImportRow and, when
    `apply`, writes them. Runs inside one transaction on one connection."""

    def __init__(
        self,
        batch: ImportBatch,
        *,
        apply: bool,
        listener: Listener | None,
        village_names: dict[int, str],
        county_level: bool,
        township_names: Callable[[Iterable[int]], dict[int, str]],
    ) -> None:
        self.batch = batch
        self.batch_id = batch.pk
        self.township_id = batch.township_id
        self.apply = apply
        self.listener = listener
        self.village_names = village_names
        self.county_level = county_level
        self.township_names = township_names
        self.counts: Counter = Counter()
        self.skipped: Counter = Counter()
        self.reasons: Counter = Counter()
        self.blank_ethnicity = 0
        # Rows kept with values to check (部分字段待核实): (row, column, field, value, message).
        self.partial: list[tuple[int, str, str, str, str]] = []
        self.partial_rows = 0
        self.now = timezone.now()
        self.sequence: str | None = None

    # -- transaction -------------------------------------------------------------------

    def begin(self) -> None:
        with connection.cursor() as cursor:
            # Deferred foreign-key checks queue one event per row, and every audit trigger's
            # INSERT then walks that queue: quadratic. Checked at once, they cost a lookup.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # New names go to the trigram index's pending list and are merged into the index
            # each time the list fills up; merged once, at the end, they cost a fifth less
            # (a county survey's names take some 20 MB of list).
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            # The staged rows name their batch without a foreign key (see ImportRow): hold the
            # batch for the run, so that it cannot be deleted under a write in progress.
            cursor.execute(
                f"SELECT 1 FROM {ImportBatch._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                [self.batch_id],
            )
            if cursor.fetchone() is None:
                raise StaleBatch(self.batch_id)

    def end(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if self.apply:
            _merge_pending_names()

    # -- one chunk ---------------------------------------------------------------------

    def chunk(self, items: list[Accepted | Rejected]) -> None:
        self.store(self.classify(items))

    def classify(self, items: list[Accepted | Rejected]) -> _Staged:
        """Compare a chunk with the registry (one query by ID number) and make its rows to
        stage. Only reads: it may run on a connection outside the import's transaction."""
        accepted = [item for item in items if type(item) is Accepted]
        existing: dict[str, tuple] = {}
        if accepted:
            with connection.cursor() as cursor:
                cursor.execute(_EXISTING_SQL, [[a.values["id_number"] for a in accepted]])
                existing = {row[0]: row[1:] for row in cursor.fetchall()}
        plan: list[tuple[Accepted | Rejected, str, object]] = []
        new = 0
        elsewhere: set[int] = set()
        for item in items:
            if type(item) is Rejected:
                plan.append((item, RowAction.REJECTED, None))
                continue
            person = existing.get(item.values["id_number"])
            if person is None:
                plan.append((item, RowAction.NEW, None))
                new += 1
            elif person[_AT["township_id"]] != self.township_id:
                plan.append((item, "elsewhere", person[_AT["township_id"]]))
                elsewhere.add(person[_AT["township_id"]])
            else:
                changes = self._diff(item.values, person)
                kind = RowAction.UPDATE if changes else "unchanged"
                plan.append((item, kind, (person, changes)))
        ids = iter(self._new_ids(new)) if new else iter(())
        township_names = self.township_names(elsewhere) if elsewhere else {}
        staged: list[tuple] = []
        listener = self.listener
        for item, kind, extra in plan:
            if kind == RowAction.REJECTED:
                staged.append(
                    self._rejected_row(
                        item.row, item.reason, item.message, item.raw, item.id_number, item.name
                    )
                )
                continue
            if kind == "elsewhere":
                staged.append(
                    self._rejected_row(
                        item.row,
                        "registered_in_other_township",
                        self._elsewhere_message(township_names.get(extra, "")),
                        item.raw,
                        item.values["id_number"],
                        item.values["name"],
                    )
                )
                continue
            if kind == RowAction.NEW:
                staged.append(self._new_row(item, next(ids)))
            elif kind == RowAction.UPDATE:
                staged.append(self._update_row(item, *extra))
            self.counts[kind] += 1
            if item.partial:
                self.partial_rows += 1
                if len(self.partial) < REPORT_PARTIAL_LIMIT:
                    self.partial.extend((item.row, *p) for p in item.partial)
            if listener is not None:
                listener.accepted(item.row, json_values(item.values, self.village_names))
                if item.partial:
                    listener.partial(item.row, item.partial)
        return _Staged(staged, items[0].row if items else 0, items[-1].row if items else 0)

    def store(self, staged: _Staged) -> None:
        """Stage a classified chunk (COPY) and, in one pass, write it."""
        self._copy(staged.rows)
        if self.apply and staged.rows:
            self.write_range(staged.first, staged.last)

    def _elsewhere_message(self, township_name: str) -> str:
        if self.county_level and township_name:
            return _(
                "该身份证号已在%(township)s登记，不能由本乡镇（街道）的表格修改。"
                "如确需调整所属乡镇（街道），请在人员信息中修改。"
            ) % {"township": township_name}
        # A township officer learns nothing of a record outside their township.
        return _(
            "该身份证号已在其他乡镇（街道）登记，本行未导入。如确属本乡镇（街道）人员，"
            "请联系县委组织部核实。"
        )

    def _diff(self, values: dict, person: tuple) -> dict[str, list]:
        changes: dict[str, list] = {}
        for fld in COMPARED:
            new = values[fld]
            if new is None:
                continue
            old = person[_AT[fld]]
            if new != old:
                changes[fld] = [old, new]
        if values["village_given"]:
            for fld in ("village_id", "village_text"):
                new, old = values[fld], person[_AT[fld]]
                if new != old:
                    changes[fld] = [old, new]
        other = values.get("other_info")
        if other:
            old = person[_AT["other_info"]] or {}
            if isinstance(old, str):  # Django has psycopg hand jsonb over as text
                old = json.loads(old)
            merged = old | other
            if merged != old:
                # The stored information with this file's values over it: a column the file
                # does not carry keeps what an earlier survey gave.
                changes["other_info"] = [old, merged]
                values["other_info"] = merged
            else:
                values["other_info"] = None
        if "name" in changes:
            initials, full = name_pinyin(values["name"])
            values["name_initials"], values["name_pinyin"] = initials, full
            changes["name_initials"] = [person[_AT["name_initials"]], initials]
            changes["name_pinyin"] = [person[_AT["name_pinyin"]], full]
        return changes

    def _new_ids(self, count: int) -> list[int]:
        # Drawn before the COPY so that each staged row knows its person: no write-back after
        # the INSERT, and a rollback finds the people it created.
        with connection.cursor() as cursor:
            if self.sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence('talentpool_person', 'id')")
                self.sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]

    def _values(self, values: dict) -> tuple:
        return (
            values["gender"],
            values["ethnicity"],
            values["birth_date"],
            values["phone"],
            values["village_given"],
            values["village_id"],
            values["village_text"],
            values["political_status"],
            values["education"],
            values["school_major"],
            values["work_place"],
            values["industry_unit"],
            values["skills"],
            values["is_veteran"],
            values["return_intention"],
            values["village_post_intention"],
            values["remark"],
            _json(other) if (other := values.get("other_info")) else None,
        )

    def _new_row(self, item: Accepted, person_id: int) -> tuple:
        values = item.values
        initials, full = name_pinyin(values["name"])
        if values["ethnicity"] is None:
            self.blank_ethnicity += 1
        return (
            self.batch_id,
            item.row,
            RowAction.NEW,
            "",
            "",
            None,
            person_id,
            None,
            1,
            None,
            values["id_number"],
            values["name"],
            initials,
            full,
            *self._values(values),
        )

    def _update_row(self, item: Accepted, person: tuple, changes: dict) -> tuple:
        values = item.values
        version = person[_AT["version"]]
        return (
            self.batch_id,
            item.row,
            RowAction.UPDATE,
            "",
            "",
            None,
            person[_AT["id"]],
            version,
            version + 1,
            _json({k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}),
            values["id_number"],
            values["name"],
            values.get("name_initials"),
            values.get("name_pinyin"),
            *self._values(values),
        )

    def _rejected_row(
        self,
        row: int,
        reason: str,
        message: str,
        raw: list,
        id_number: str | None,
        name: str | None,
    ) -> tuple:
        self.counts[RowAction.REJECTED] += 1
        self.reasons[reason] += 1
        return (
            self.batch_id,
            row,
            RowAction.REJECTED,
            reason,
            message,
            _json([encode_cell(v) for v in raw]),
            None,
            None,
            None,
            None,
            id_number,
            (name or "")[:50] or None,
            *_NO_VALUES,
        )

    def _copy(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            copy_sql = f"COPY talentpool_importrow ({', '.join(STAGED)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)

    # -- writing -----------------------------------------------------------------------

    def write_range(self, lo: int, hi: int) -> None:
        """Write the staged rows numbered lo..hi. A row whose person was registered or saved
        by someone else since it was staged is marked skipped, not written."""
        params = {
            "batch": self.batch_id,
            "lo": lo,
            "hi": hi,
            "now": self.now,
            "township": self.township_id,
            "ethnicity": _person_default("ethnicity"),
            "residence": Residence.AWAY,
        }
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_SQL,
                params | {"message": _("预览之后该身份证号已被登记，本行未导入，请重新上传核对。")},
            )
            self.skipped[RowAction.NEW] += cursor.rowcount
            cursor.execute(
                _UPDATE_SQL,
                params | {"message": _("预览之后该人员信息已被修改，本行未导入，请重新上传核对。")},
            )
            self.skipped[RowAction.UPDATE] += cursor.rowcount

    # -- the end of the file -----------------------------------------------------------

    def finish(self, duplicates: dict[str, dict], raws: dict[int, list]) -> None:
        """Refuse every row of an ID that the file gives to two different names, including
        rows staged (or, in one pass, written) before the second name turned up."""
        info_by_row = {number: info for info in duplicates.values() for number in info["rows"]}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT row_number, action, reason, message FROM talentpool_importrow "
                "WHERE batch_id = %s AND row_number = ANY(%s)",
                [self.batch_id, list(info_by_row)],
            )
            staged = {row[0]: row[1:] for row in cursor.fetchall()}
        written = [n for n, (action, *_rest) in staged.items() if action in ("new", "update")]
        if self.apply and written:
            # Written a few chunks ago, in this same transaction: take them back.
            revert_rows(self.batch_id, written)
        inserts: list[tuple] = []
        updates: list[tuple] = []
        for number, info in info_by_row.items():
            message = info["message"]
            if number not in staged:
                # Unchanged, so not staged: its cells are read again from the file.
                self.counts["unchanged"] -= 1
                inserts.append(
                    self._rejected_row(
                        number,
                        "duplicate_in_file",
                        message,
                        raws.get(number, []),
                        info["id_number"],
                        None,
                    )
                )
                continue
            action, reason, old_message = staged[number]
            if action == RowAction.REJECTED:
                if reason != "duplicate_in_file":
                    # Refused for a reason of its own: say both.
                    message = f"{old_message}；{message}"
                    reason = reason or "duplicate_in_file"
                updates.append((reason, message, None, number))
                continue
            self.counts[action] -= 1
            self.counts[RowAction.REJECTED] += 1
            self.reasons["duplicate_in_file"] += 1
            raw = _json([encode_cell(v) for v in raws.get(number, [])])
            updates.append(("duplicate_in_file", message, raw, number))
        if updates:
            reasons, messages, raws_json, numbers = zip(*updates, strict=True)
            with connection.cursor() as cursor:
                # One statement (pghistory's context injection does not combine with
                # executemany), rows matched by their number.
                cursor.execute(
                    """UPDATE talentpool_importrow s SET action = 'rejected', reason = u.reason,
                           message = u.message, raw = COALESCE(u.raw::jsonb, s.raw),
                           changes = NULL, applied_version = NULL
                       FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[])
                           AS u(row_number, reason, message, raw)
                       WHERE s.batch_id = %s AND s.row_number = u.row_number""",
                    [list(numbers), list(reasons), list(messages), list(raws_json), self.batch_id],
                )
        self._copy(inserts)

    def rejected_rows(self) -> list[tuple[int, str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT row_number, reason, message FROM talentpool_importrow "
                "WHERE batch_id = %s AND action IN ('rejected', 'skipped') ORDER BY row_number",
                [self.batch_id],
            )
            return cursor.fetchall()


def _merge_pending_names() -> None:
    """Merge the trigram index's pending list before the import commits, so that name searches
    right after it do not scan the list. Only the index's owner may; otherwise autovacuum
    merges it a little later."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('person_name_trgm'::regclass)")
    except DatabaseError:
        logger.info("the name index's pending list is left to autovacuum")


def _plain(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------
# Taking written rows back (rollback of a batch, duplicates found at the end of a one-pass run)


_RESTORE_COLUMNS = {
    "name": "text",
    "name_initials": "text",
    "name_pinyin": "text",
    "gender": "text",
    "ethnicity": "text",
    "birth_date": "date",
    "phone": "text",
    "village_id": "bigint",
    "village_text": "text",
    "political_status": "text",
    "education": "text",
    "school_major": "text",
    "work_place": "text",
    "industry_unit": "text",
    "skills": "text",
    "is_veteran": "boolean",
    "return_intention": "text",
    "village_post_intention": "text",
    "remark": "text",
    "other_info": "jsonb",
}
_RESTORE_SET = ",\n        ".join(
    f"{column} = CASE WHEN s.changes ? '{column}' "
    + (
        f"THEN (s.changes -> '{column}' -> 0) "
        if kind == "jsonb"
        else f"THEN (s.changes -> '{column}' ->> 0)::{kind} "
    )
    + f"ELSE p.{column} END"
    for column, kind in _RESTORE_COLUMNS.items()
)


def revert_rows(batch_id: int, row_numbers: list[int] | None = None) -> tuple[int, int]:
    """Remove the people that the batch's rows created and restore the values it changed,
    where the person is still as the batch left it. Returns (removed, restored)."""
    only = "" if row_numbers is None else "AND s.row_number = ANY(%(rows)s)"
    params = {"batch": batch_id, "rows": row_numbers, "now": timezone.now()}
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM talentpool_person p USING talentpool_importrow s "  # noqa: S608
            f"WHERE s.batch_id = %(batch)s AND s.action = 'new' {only} "
            "AND p.id = s.person_id AND p.version = s.applied_version",
            params,
        )
        removed = cursor.rowcount
        cursor.execute(
            f"""UPDATE talentpool_person p SET
        {_RESTORE_SET},
        updated_at = %(now)s,
        version = p.version + 1
    FROM talentpool_importrow s
    WHERE s.batch_id = %(batch)s AND s.action = 'update' {only}
        AND p.id = s.person_id AND p.version = s.applied_version""",  # noqa: S608
            params,
        )
        restored = cursor.rowcount
    return removed, restored


# ---------------------------------------------------------------------------
# Running the database side inline or on threads of its own


_DONE = object()


class _Harness:
    """Runs a _Stager for the caller, who reads and normalises the file.

    Inline (tests, dry runs): every call in the caller's thread, in one transaction on its
    connection. Threaded: a classifier thread compares each chunk with the registry on a
    connection of its own (reads only), and a writer thread stages and writes the chunks in one
    transaction; so PostgreSQL writes one chunk while Python reads, normalises and compares the
    next ones. Any failure rolls the transaction back and is raised in the caller's thread.
    """

    def __init__(self, stager: _Stager, *, threaded: bool, rollback: bool, context: dict):
        self.stager = stager
        self.threaded = threaded
        self.rollback = rollback
        self.context = context
        self.error: BaseException | None = None
        self.result: object = None
        self._to_classify: queue.Queue = queue.Queue(maxsize=2)
        self._to_write: queue.Queue = queue.Queue(maxsize=2)
        self._threads: list[threading.Thread] = []
        self._stack: ExitStack | None = None

    # -- the caller's side -------------------------------------------------------------

    def start(self) -> None:
        if not self.threaded:
            with ExitStack() as stack:
                stack.enter_context(pghistory.context(**self.context))
                stack.enter_context(transaction.atomic())
                self.stager.begin()  # on failure, the transaction is left at once
                self._stack = stack.pop_all()
            return
        # The three threads share one interpreter lock at its default switch interval: handing
        # it over every 0.5 ms instead cost a re-import 5% more CPU (`make bench BENCH=import`).
        for target, name in ((self._classify, "survey-classify"), (self._write, "survey-write")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def chunk(self, items: list) -> None:
        if self.threaded:
            self._put(self._to_classify, ("chunk", items))
        else:
            self.stager.chunk(items)

    def finish(self, conflicts: dict, raws: dict, final: Callable[[], object]) -> object:
        """Refuse the file's duplicate IDs, run `final` last in the transaction, commit (or roll
        back a dry run) and return what `final` returned."""
        if not self.threaded:
            try:
                if conflicts:
                    self.stager.finish(conflicts, raws)
                self.result = final()
                self.stager.end()
                if self.rollback:
                    transaction.set_rollback(True)
            except BaseException as exc:
                self.abort(exc)
                raise
            stack, self._stack = self._stack, None
            stack.close()
            return self.result
        self._put(self._to_classify, ("finish", (conflicts, raws, final)))
        self._put(self._to_classify, _DONE)
        self._join()
        if self.error is not None:
            raise self.error
        return self.result

    def abort(self, exc: BaseException) -> None:
        if not self.threaded:
            stack, self._stack = self._stack, None
            if stack is not None:
                stack.__exit__(type(exc), exc, exc.__traceback__)
            return
        if self.error is None:
            self.error = exc
        for q in (self._to_classify, self._to_write):
            with contextlib.suppress(queue.Full):
                q.put_nowait(_DONE)
        self._join()

    def _put(self, q: queue.Queue, item: object) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                q.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _join(self) -> None:
        for thread in self._threads:
            thread.join()

    # -- the threads ---------------------------------------------------------------------

    def _get(self, q: queue.Queue) -> object:
        while True:
            try:
                return q.get(timeout=0.2)
            except queue.Empty:
                if self.error is not None:
                    return _DONE

    def _classify(self) -> None:
        try:
            while (message := self._get(self._to_classify)) is not _DONE:
                kind, payload = message
                if kind == "chunk":
                    staged = self.stager.classify(payload)
                    self._put(self._to_write, ("store", staged))
                else:
                    self._put(self._to_write, message)
        except BaseException as exc:
            self.error = self.error or exc
        finally:
            connection.close()
            # The writer may be busy with a long chunk: wait for room, unless all is lost.
            while self.error is None:
                try:
                    self._to_write.put(_DONE, timeout=0.2)
                    break
                except queue.Full:
                    continue

    def _write(self) -> None:
        try:
            with pghistory.context(**self.context), transaction.atomic():
                self.stager.begin()
                while (message := self._get(self._to_write)) is not _DONE:
                    kind, payload = message
                    if kind == "store":
                        self.stager.store(payload)
                    else:
                        conflicts, raws, final = payload
                        if conflicts:
                            self.stager.finish(conflicts, raws)
                        self.result = final()
                        self.stager.end()
                if self.error is not None:
                    raise _Aborted
                if self.rollback:
                    transaction.set_rollback(True)
        except _Aborted:
            pass
        except BaseException as exc:
            self.error = self.error or exc
        finally:
            connection.close()


class _Aborted(Exception):
    """Leaves the writer's transaction (rolling it back) when another thread failed."""


# ---------------------------------------------------------------------------
# Progress, written outside the import's transaction


class _Progress:
    def __init__(self, batch: ImportBatch, *, every: float = 0.5) -> None:
        self.batch_id = batch.pk
        self.started = time.monotonic()
        self.every = every
        self.last = 0.0

    def update(self, rows_done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        ImportBatch.objects.filter(pk=self.batch_id).update(
            rows_done=rows_done, rate=rows_done / elapsed, progress_at=timezone.now()
        )

    def cancel_requested(self) -> bool:
        return ImportBatch.objects.filter(pk=self.batch_id, cancel_requested=True).exists()


# ---------------------------------------------------------------------------
# Analysis: read, normalise, compare, stage (and in one pass, write)


def _id_key(number: str) -> int:
    # An int is half the size of the 18-character string in the file-wide duplicate table.
    return int(number[:17]) * 11 + (10 if number[17] == "X" else int(number[17]))


class _Duplicates:
    """The same ID number twice in one file: with the same name the first row stands and the
    later ones are refused; with another name every row of that ID is refused, the first one
    included once the file has been read to the end."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.rows: dict[int, list[int]] = {}
        self.conflicting: set[int] = set()

    def check(self, item: Accepted | Rejected) -> Accepted | Rejected:
        if type(item) is Accepted:
            number, name = item.values["id_number"], item.values["name"]
        else:
            number, name = item.id_number, item.name
            if number is None:
                return item
        key = _id_key(number)
        first = self.seen.get(key)
        if first is None:
            # Row number and a hash of the name in one int; names are compared exactly below.
            self.seen[key] = item.row << 64 | (hash(name) & 0xFFFFFFFFFFFFFFFF)
            return item
        first_row = first >> 64
        rows = self.rows.setdefault(key, [first_row])
        rows.append(item.row)
        if key not in self.names:
            self.names[key] = self._first_name(first, name)
        if name != self.names[key] or key in self.conflicting:
            self.conflicting.add(key)
            return Rejected(item.row, "duplicate_in_file", "", item.raw, number, name)
        message = _("与第%(row)s行的身份证号和姓名都相同，重复登记，已按第%(row)s行导入") % {
            "row": first_row
        }
        return Rejected(item.row, "duplicate_in_file", message, item.raw, number, name)

    @staticmethod
    def _first_name(packed: int, name: str) -> str:
        # Only the hash of the first row's name is kept; a repeat compares equal to it when
        # its own hash matches (a 64-bit hash: a false match is out of practical reach).
        if hash(name) & 0xFFFFFFFFFFFFFFFF == packed & 0xFFFFFFFFFFFFFFFF:
            return name
        return "\0"  # differs from any name the normaliser lets through

    def conflicts(self) -> dict[str, dict]:
        """ID -> the rows and message for every ID given to different names."""
        out: dict[str, dict] = {}
        for key in self.conflicting:
            rows = self.rows[key]
            number = f"{key // 11:017d}{'X' if key % 11 == 10 else key % 11}"
            message = _(
                "身份证号%(id)s在表中出现在第%(rows)s行，但姓名不同，均未导入，请核实后重新上传"
            ) % {"id": number, "rows": "、".join(str(r) for r in rows)}
            out[number] = {"rows": rows, "first": rows[0], "message": message, "id_number": number}
        return out


def analyse(
    batch: ImportBatch,
    path: str | Path,
    *,
    apply: bool = False,
    dry_run: bool = False,
    listener: Listener | None = None,
    county_level: bool = True,
    today: datetime.date | None = None,
    answers: dict[str, str] | None = None,
) -> ImportBatch:
    """Check the file at `path` for `batch` (ANALYSING) and stage the outcome: the preview.
    With `apply`, also write each chunk as soon as it is staged (the command line's one pass);
    with `dry_run`, nothing persists. `county_level`: messages may name other townships.

    A file that cannot be read at all leaves the batch FILE_REJECTED with the reason; a cancel
    leaves it DISCARDED; any other failure leaves nothing staged and is re-raised.
    `answers`: what the user chose for columns no field took (Column.key -> a field, SKIP or
    OTHER); by default the batch's own answers and those remembered for its township's layout.
    """
    if answers is None:
        answers = batch.column_answers()
    try:
        sheet = read_survey(
            path, filename=batch.original_name, max_bytes=max_upload_bytes(), answers=answers
        )
    except FileRejected as exc:
        _set_file_rejected(batch, exc, persist=not dry_run)
        return batch
    township = batch.township
    villages = list(Village.objects.filter(township=township).values_list("pk", "name"))
    normaliser = RowNormaliser(
        columns=sheet.columns,
        header=sheet.header,
        villages=villages,
        township_name=township.name,
        today=today or timezone.localdate(),
        other_columns=[(c.index, c.heading or f"第{c.letter}列") for c in sheet.other_columns],
    )
    stager = _Stager(
        batch,
        apply=apply,
        listener=listener,
        village_names=dict(villages),
        county_level=county_level,
        township_names=_township_names,
    )
    harness = _Harness(
        stager,
        threaded=_threaded() and not dry_run,
        rollback=dry_run,
        context=_audit_context(batch, batch.created_by_id),
    )
    progress = _Progress(batch)
    duplicates = _Duplicates()
    unmatched: Counter = Counter()
    read = 0
    spool = _RawSpool()
    harness.start()
    try:
        chunk: list[Accepted | Rejected] = []
        for row in sheet.rows:
            item = duplicates.check(normaliser(row))
            if type(item) is Accepted:
                spool.add(row.number, row.raw)
                values = item.values
                if values["village_given"] and values["village_id"] is None:
                    unmatched[values["village_text"]] += 1
            chunk.append(item)
            if len(chunk) >= CHUNK_ROWS:
                read += len(chunk)
                harness.chunk(chunk)
                spool.flush()
                chunk = []
                progress.update(read)
                if not apply and progress.cancel_requested():
                    raise Cancelled
        if chunk:
            read += len(chunk)
            harness.chunk(chunk)
        conflicts = duplicates.conflicts()
        raws = spool.get(n for info in conflicts.values() for n in info["rows"])

        def final() -> list[tuple[int, str, str]]:
            _save_analysis(batch, sheet, stager, read, unmatched, conflicts, apply=apply)
            return stager.rejected_rows() if listener is not None else []

        rejected = harness.finish(conflicts, raws, final)
    except Cancelled as exc:
        harness.abort(exc)
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ANALYSING).update(
            status=BatchStatus.DISCARDED, cancel_requested=False
        )
        batch.refresh_from_db()
        return batch
    except BaseException as exc:
        harness.abort(exc)
        raise
    finally:
        spool.close()
    if listener is not None:
        withdrawn = {n for info in conflicts.values() for n in info["rows"]}
        listener.finished(rejected, withdrawn)
    if not dry_run:
        batch.refresh_from_db()
    return batch


def _audit_context(batch: ImportBatch, user_id: int | None) -> dict[str, object]:
    """pghistory context of the import's writes: the audit page shows who and which batch."""
    from django.urls import NoReverseMatch

    context: dict[str, object] = {"user": user_id, "import_batch": batch.pk}
    # Without the survey pages mounted (a bare command-line setup) there is no URL to give.
    with contextlib.suppress(NoReverseMatch):
        context["url"] = batch.get_absolute_url()
    if batch.source == "command":
        context["command"] = "import_survey"
    return context


class _RawSpool:
    """The cells of every accepted row, pickled chunk by chunk into a temporary file.

    The end of a file may still refuse a row accepted long before (its ID turns up again under
    another name), and the error report must hold that row exactly as uploaded. Kept on disk,
    not in memory (a county file's cells would take hundreds of MB), and read back only for
    such rows; the file is gone when the run ends.
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.rows = array("q")  # row numbers, ascending
        self.chunks = array("q")  # for each row: the offset of its chunk's pickle
        self.pending_rows: list[int] = []
        self.pending_raws: list[list] = []

    def add(self, number: int, raw: list) -> None:
        self.pending_rows.append(number)
        self.pending_raws.append(raw)

    def flush(self) -> None:
        if not self.pending_rows:
            return
        offset = self.file.tell()
        self.file.write(pickle.dumps(self.pending_raws, protocol=pickle.HIGHEST_PROTOCOL))
        self.rows.extend(self.pending_rows)
        self.chunks.extend([offset] * len(self.pending_rows))
        self.pending_rows, self.pending_raws = [], []

    def get(self, numbers: Iterable[int]) -> dict[int, list]:
        self.flush()
        wanted: dict[int, list[tuple[int, int]]] = {}
        for number in numbers:
            index = bisect.bisect_left(self.rows, number)
            if index < len(self.rows) and self.rows[index] == number:
                offset = self.chunks[index]
                first = bisect.bisect_left(self.chunks, offset)
                wanted.setdefault(offset, []).append((number, index - first))
        found: dict[int, list] = {}
        for offset, picks in wanted.items():
            self.file.seek(offset)
            raws = pickle.load(self.file)  # noqa: S301 - our own temporary file
            for number, position in picks:
                found[number] = raws[position]
        return found

    def close(self) -> None:
        self.file.close()


def _township_names(ids: Iterable[int]) -> dict[int, str]:
    from talentpool.models import Township

    return dict(Township.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def _report(
    sheet: SurveySheet, stager: _Stager, unmatched: Counter, conflicts: dict
) -> dict[str, object]:
    from openpyxl.utils import get_column_letter

    warnings = list(sheet.warnings)
    if stager.blank_ethnicity:
        warnings.append(
            _("%(n)s名新登记人员未填写民族，已按“汉族”登记；如有少数民族，请补填后重新上传。")
            % {"n": stager.blank_ethnicity}
        )
    if unmatched:
        warnings.append(
            _(
                "%(n)s行的户籍所在村（社区）与本乡镇（街道）的村（社区）名称都对不上，"
                "已按填写的名称原样保存；请核对下方的名称清单。"
            )
            % {"n": sum(unmatched.values())}
        )
    warnings += column_warnings(sheet)
    if stager.partial_rows:
        warnings.append(
            _(
                "%(n)s行有个别项无法识别或无法按原样登记，人员已保留，这些值已原样保存为其他信息，"
                "请在“部分字段待核实”中核对。"
            )
            % {"n": stager.partial_rows}
        )
    ignored = sheet.ignored
    return {
        "sheet": sheet.sheet_name,
        "header_row": sheet.header_row,
        "header": _report_header(sheet),
        "extra_columns": [[get_column_letter(c + 1), text] for c, text in sheet.extra_columns],
        "columns": [
            c.as_json() | {"answer": c.answer, "samples": masked_samples(c.samples), "key": c.key}
            for c in sheet.column_list
            if c.heading or c.filled
        ],
        "layout": sheet.layout,
        "partial": [list(p) for p in stager.partial],
        "partial_rows": stager.partial_rows,
        "warnings": warnings,
        "ignored": [[n, kind] for n, kind in ignored[:REPORT_IGNORED_LIMIT]],
        "ignored_kinds": dict(Counter(kind for _n, kind in ignored)),
        "unmatched_villages": unmatched.most_common(),
        "reasons": dict(stager.reasons),
        "duplicate_ids": len(conflicts),
    }


_LONG_NUMBER = re.compile(r"[0-9]{7,}[0-9Xx]?")


def masked_samples(samples: list[str]) -> list[str]:
    """Sample values as the preview may show them: a number that could be a phone or an ID
    number keeps only its first three and last four digits."""
    return [
        _LONG_NUMBER.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)
        for text in samples
    ]


def column_warnings(sheet: SurveySheet) -> list[str]:
    """One warning for each filled column that no field takes (a column taken twice already has
    the reader's own warning)."""
    out = []
    for c in sheet.column_list:
        if c.field is not None or not c.filled or c.rival is not None:
            continue
        what = {"letter": c.letter, "heading": c.heading or _("（无表头）"), "n": c.filled}
        if c.answer == SKIP:
            text = _("第%(letter)s列“%(heading)s”有%(n)s行填写了内容，已按选择不导入。")
        elif c.answer == OTHER:
            text = _("第%(letter)s列“%(heading)s”有%(n)s行填写了内容，已按选择作为“其他信息”保存。")
        else:
            text = _(
                "第%(letter)s列“%(heading)s”有%(n)s行填写了内容，但没有对应的登记项，"
                "暂作为“其他信息”保存；请选择它对应的登记项，或标记为不导入。"
            )
        out.append(text % what)
    return out


def _report_header(sheet: SurveySheet) -> list[str]:
    """The header the error report carries: a mapped column under the template's title (so the
    corrected report imports again, two-level headers included), any other as the sheet had it."""
    header = list(sheet.header)
    for fld, index in sheet.columns.items():
        header[index] = FIELD_LABELS[fld]
    return header


def _save_analysis(
    batch: ImportBatch,
    sheet: SurveySheet,
    stager: _Stager,
    read: int,
    unmatched: Counter,
    conflicts: dict,
    *,
    apply: bool,
) -> None:
    """The preview's outcome on the batch, in the run's own transaction (committed with the
    staged rows, or rolled back with them)."""
    counts, skipped = stager.counts, stager.skipped
    fields = {
        "sheet_name": sheet.sheet_name[:100],
        "header_row": sheet.header_row,
        "data_rows": read,
        "new_count": counts[RowAction.NEW] - skipped[RowAction.NEW],
        "updated_count": counts[RowAction.UPDATE] - skipped[RowAction.UPDATE],
        "unchanged_count": counts["unchanged"],
        "rejected_count": counts[RowAction.REJECTED],
        "ignored_count": len(sheet.ignored),
        "skipped_count": skipped[RowAction.NEW] + skipped[RowAction.UPDATE],
        "report": _report(sheet, stager, unmatched, conflicts),
        "rows_done": read,
        "status": BatchStatus.DONE if apply else BatchStatus.PREVIEWED,
    }
    if apply:
        fields |= {"started_at": stager.now, "finished_at": timezone.now()}
    # Only a batch still being analysed: a user may have discarded it meanwhile.
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ANALYSING).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def _set_file_rejected(batch: ImportBatch, exc: FileRejected, *, persist: bool) -> None:
    batch.status = BatchStatus.FILE_REJECTED
    batch.report = {"file_error": {"reason": exc.reason, "message": exc.message}}
    if persist:
        ImportBatch.objects.filter(pk=batch.pk).update(status=batch.status, report=batch.report)


# ---------------------------------------------------------------------------
# Writing a previewed batch (the background job after the user confirms)


def _chunks(batch_id: int) -> list[tuple[int, int, int]]:
    """(first row, last row, rows) of each run of CHUNK_ROWS staged rows to write."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT min(row_number), max(row_number), count(*) FROM (
                   SELECT row_number,
                          (row_number() OVER (ORDER BY row_number) - 1) / %s AS chunk
                   FROM talentpool_importrow
                   WHERE batch_id = %s AND action IN ('new', 'update')
               ) t GROUP BY chunk ORDER BY chunk""",
            [CHUNK_ROWS, batch_id],
        )
        return cursor.fetchall()


class _Writer:
    """The database side of a write: chunk by chunk, checking for a cancel between chunks."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.stager = _Stager(
            batch,
            apply=True,
            listener=None,
            village_names={},
            county_level=True,
            township_names=_township_names,
        )
        self.rows_done = 0

    def run(self) -> None:
        context = _audit_context(self.batch, self.batch.confirmed_by_id)
        with pghistory.context(**context), transaction.atomic():
            self.stager.begin()
            for lo, hi, count in _chunks(self.batch.pk):
                # Read in this transaction: it sees the user's committed cancel at once.
                if ImportBatch.objects.filter(pk=self.batch.pk, cancel_requested=True).exists():
                    raise Cancelled
                self.stager.write_range(lo, hi)
                self.rows_done += count
            skipped = self.stager.skipped
            # The batch's final state commits with the rows it describes.
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                status=BatchStatus.DONE,
                finished_at=timezone.now(),
                new_count=self.batch.new_count - skipped[RowAction.NEW],
                updated_count=self.batch.updated_count - skipped[RowAction.UPDATE],
                skipped_count=skipped[RowAction.NEW] + skipped[RowAction.UPDATE],
                rows_done=self.rows_done,
            )
            self.stager.end()


def write(batch: ImportBatch) -> ImportBatch:
    """Write a confirmed (QUEUED) batch's staged rows to the registry in one transaction, so a
    cancel or a failure writes nothing; progress goes to the batch as it runs."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), rows_done=0, rate=0
    )
    if not claimed:
        raise StaleBatch(batch.pk)
    batch.refresh_from_db()
    progress = _Progress(batch)
    writer = _Writer(batch)
    try:
        if _threaded():
            _run_in_thread(writer.run, lambda: progress.update(writer.rows_done))
        else:
            writer.run()
    except Cancelled:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.CANCELLED, finished_at=timezone.now(), cancel_requested=False
        )
    except Exception:
        logger.exception("survey import batch %s failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "导入过程中出现错误，没有写入任何数据。请稍后重新确认导入；"
                "如仍失败，请联系系统管理员。"
            ),
        )
    batch.refresh_from_db()
    return batch


def _run_in_thread(target: Callable[[], None], tick: Callable[[], None]) -> None:
    """Run `target` on a thread with its own connection (its transaction), calling `tick` on
    this one every half second (progress, on this thread's connection)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="survey-write", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.5)
        tick()
    if errors:
        raise errors[0]


# ---------------------------------------------------------------------------
# Rolling a batch back


@dataclass
class RollbackBlock:
    """Why a batch cannot be rolled back: people edited since, or referenced by later records."""

    edited: list[tuple[int, str]] = field(default_factory=list)
    referenced: list[tuple[int, str, str]] = field(default_factory=list)
    edited_total: int = 0
    referenced_total: int = 0

    def __bool__(self) -> bool:
        return bool(self.edited_total or self.referenced_total)


BLOCK_LIST_LIMIT = 50


def rollback_blockers(batch: ImportBatch) -> RollbackBlock:
    """People the batch created or changed who were saved again since (their version moved on),
    and created people that other records (nominations, training...) now refer to."""
    block = RollbackBlock()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, p.name FROM talentpool_importrow s
               JOIN talentpool_person p ON p.id = s.person_id
               WHERE s.batch_id = %s AND s.action IN ('new', 'update')
                 AND p.version <> s.applied_version
               ORDER BY s.row_number""",
            [batch.pk],
        )
        edited = cursor.fetchall()
    block.edited_total = len(edited)
    block.edited = edited[:BLOCK_LIST_LIMIT]
    created = ImportRow.objects.filter(batch=batch, action=RowAction.NEW).values("person_id")
    seen: set[int] = set()
    for relation in Person._meta.related_objects:
        remote = relation.field
        if not remote.concrete or not getattr(remote, "db_constraint", True):
            continue
        if relation.related_model is ImportRow:
            continue
        ids = (
            relation.related_model._base_manager.filter(**{f"{remote.name}__in": created})
            .values_list(remote.attname, flat=True)
            .distinct()
        )
        for person_id in ids:
            if person_id not in seen:
                seen.add(person_id)
                block.referenced.append(
                    (person_id, "", str(relation.related_model._meta.verbose_name))
                )
    block.referenced_total = len(block.referenced)
    if block.referenced:
        names = dict(
            Person.objects.filter(pk__in=[p for p, _n, _k in block.referenced]).values_list(
                "pk", "name"
            )
        )
        block.referenced = [
            (pk, names.get(pk, ""), kind) for pk, _n, kind in block.referenced[:BLOCK_LIST_LIMIT]
        ]
    return block


def rollback(batch: ImportBatch, *, actor_id: int | None) -> RollbackBlock:
    """Undo a written batch in one transaction: remove the people it created and restore the
    values it changed. Stops, changing nothing, if any of them was edited since."""
    context = _audit_context(batch, actor_id) | {"rollback": True}
    with pghistory.context(**context), transaction.atomic():
        block = rollback_blockers(batch)
        if block:
            return block
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT count(*) FILTER (WHERE s.action = 'new'), "
                "count(*) FILTER (WHERE s.action = 'update') "
                "FROM talentpool_importrow s JOIN talentpool_person p ON p.id = s.person_id "
                "WHERE s.batch_id = %s AND s.action IN ('new', 'update')",
                [batch.pk],
            )
            expected = cursor.fetchone()
        removed, restored = revert_rows(batch.pk)
        if (removed, restored) != tuple(expected):
            # Someone saved one of these people between the check and the writes.
            transaction.set_rollback(True)
            return RollbackBlock(edited_total=abs(expected[0] + expected[1] - removed - restored))
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.ROLLED_BACK,
            rolled_back_at=timezone.now(),
            rolled_back_by_id=actor_id,
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return RollbackBlock()


# ---------------------------------------------------------------------------
# Files


def sha256_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


__all__ = [
    "CHUNK_ROWS",
    "COMPARED",
    "Cancelled",
    "Listener",
    "RollbackBlock",
    "StaleBatch",
    "analyse",
    "decode_cell",
    "encode_cell",
    "max_upload_bytes",
    "revert_rows",
    "rollback",
    "rollback_blockers",
    "sha256_of",
    "write",
]
