"""Import a township's survey from the command line, in one pass (check and write).

    python manage.py import_survey FILE --township CODE [--map "HEADING=field" ...]
                                   [--dry-run] [--json]

--dry-run checks and compares everything and writes nothing; --json prints one JSON object:
{"file_error": null | {"reason", "message"}, "accepted": [{"row": N, <fields>}],
 "rejected": [{"row", "reason", "message"}], "ignored": [{"row", "kind"}], "warnings": [...],
 "columns": [{"column", "heading", "field", "filled_rows"}],
 "partial": [{"row", "column", "field", "value", "reason", "message"}]}
where N is the row number as Excel shows it. --map answers for a column no field takes (or
overrides one): the field's name (work_place) or heading (务工地点), 不导入 / skip, or
其他信息 / other (kept on the person as other information, which is also what an unanswered
filled column gets on the command line, with a warning).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from talentpool.models import Township
from talentpool.survey import pipeline
from talentpool.survey.models import BatchSource, BatchStatus, ImportBatch
from talentpool.survey.reader import read_survey


class _Collect(pipeline.Listener):
    """Accepted rows go to a spool file as they come (a county file has 300,000 of them)."""

    def __init__(self, spool) -> None:
        self.spool = spool
        self.rejected: list[tuple[int, str, str]] = []
        self.withdrawn: set[int] = set()
        self.partial_items: list[dict] = []

    def partial(self, row: int, items) -> None:
        for column, field, value, message in items:
            self.partial_items.append(
                {
                    "row": row,
                    "column": column,
                    "field": field,
                    "value": value,
                    "reason": "unknown_code" if "无法识别" in message else "kept_as_written",
                    "message": message,
                }
            )

    def accepted(self, row: int, values: dict[str, object]) -> None:
        self.spool.write(json.dumps({"row": row, **values}, ensure_ascii=False))
        self.spool.write("\n")

    def finished(self, rejected, withdrawn) -> None:
        self.rejected = list(rejected)
        self.withdrawn = set(withdrawn)

    def accepted_lines(self):
        self.spool.seek(0)
        lines = []
        for line in self.spool:
            row = json.loads(line)
            if row["row"] not in self.withdrawn:
                lines.append(line.rstrip("\n"))
        lines.sort(key=lambda text: json.loads(text)["row"])
        return lines


class Command(BaseCommand):
    help = "导入乡镇（街道）的在外人员、返乡人员信息登记表（先检查再写入，一次完成）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="登记表文件（.xlsx、.xls、.ods、.csv）")
        parser.add_argument("--township", required=True, help="乡镇（街道）的12位区划代码")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=field",
            help="指定某列对应的登记项（字段名或表头名），或“不导入”“其他信息”；可多次使用",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入任何数据")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出逐行结果")

    def handle(self, *args, **options) -> None:
        translation.activate("zh-hans")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            township = Township.objects.get(code=options["township"])
        except Township.DoesNotExist:
            raise CommandError(f"没有区划代码为 {options['township']} 的乡镇（街道）") from None
        answers = _answers(options["map"])
        with path.open("rb") as fh:
            digest, size = pipeline.sha256_of(iter(lambda: fh.read(1 << 20), b""))
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            listener = _Collect(spool) if options["json"] else None
            self._run(
                township, path, digest, size, listener, dry_run=options["dry_run"], answers=answers
            )

    def _run(
        self, township, path: Path, digest: str, size: int, listener, *, dry_run: bool, answers
    ):
        if dry_run:
            with transaction.atomic():
                batch = self._batch(township, path, digest, size, keep_file=False, answers=answers)
                pipeline.analyse(batch, path, dry_run=True, listener=listener)
                transaction.set_rollback(True)
        else:
            batch = self._batch(township, path, digest, size, keep_file=True, answers=answers)
            batch = pipeline.analyse(batch, batch.file.path, apply=True, listener=listener)
            if batch.status == BatchStatus.DONE:
                from talentpool.survey.tasks import log_import

                log_import(batch, None)
        if listener is not None:
            self._print_json(batch, listener, path)
        else:
            self._print_summary(batch, dry_run)

    def _batch(self, township, path: Path, digest: str, size: int, *, keep_file: bool, answers):
        batch = ImportBatch(
            answers=answers,
            township=township,
            source=BatchSource.COMMAND,
            original_name=path.name[-255:],
            sha256=digest,
            size=size,
            status=BatchStatus.ANALYSING,
        )
        batch.repeat_of = (
            ImportBatch.objects.filter(township=township, sha256=digest)
            .order_by("-created_at", "-id")
            .first()
        )
        if keep_file:
            with path.open("rb") as fh:
                batch.file.save(path.name, File(fh), save=False)
        batch.save()
        return batch

    def _print_json(self, batch: ImportBatch, listener: _Collect, path: Path) -> None:
        report = batch.report or {}
        file_error = report.get("file_error")
        out = self.stdout
        out.write('{"file_error": ', ending="")
        out.write(json.dumps(file_error, ensure_ascii=False), ending="")
        out.write(', "accepted": [', ending="")
        for index, line in enumerate(listener.accepted_lines()):
            out.write(("" if index == 0 else ", ") + line, ending="")
        rejected = [
            {"row": row, "reason": reason, "message": message}
            for row, reason, message in listener.rejected
        ]
        ignored = [] if file_error else self._ignored(path, report)
        out.write("], ", ending="")
        tail = {
            "rejected": rejected,
            "ignored": [{"row": row, "kind": kind} for row, kind in ignored],
            "warnings": report.get("warnings", []),
            "columns": [
                {k: c[k] for k in ("column", "heading", "field", "filled_rows")}
                for c in report.get("columns", [])
            ],
            "partial": listener.partial_items,
        }
        out.write(json.dumps(tail, ensure_ascii=False)[1:])

    @staticmethod
    def _ignored(path: Path, report: dict) -> list:
        kept = report.get("ignored", [])
        if len(kept) < pipeline.REPORT_IGNORED_LIMIT:
            return kept
        # The batch keeps the first few hundred; the command line lists them all.
        sheet = read_survey(path, filename=path.name, max_bytes=pipeline.max_upload_bytes())
        for _row in sheet.rows:
            pass
        return [list(item) for item in sheet.ignored]

    def _print_summary(self, batch: ImportBatch, dry_run: bool) -> None:
        if batch.file_error:
            raise CommandError(batch.file_error["message"])
        lead = "检查完成（未写入）" if dry_run else "导入完成"
        self.stdout.write(
            f"{lead}：新增 {batch.new_count}，更新 {batch.updated_count}，"
            f"无变化 {batch.unchanged_count}，拒绝 {batch.rejected_count}，"
            f"忽略 {batch.ignored_count}，跳过 {batch.skipped_count}"
        )
        for warning in (batch.report or {}).get("warnings", []):
            self.stdout.write(f"提示：{warning}")
        if not dry_run:
            self.stdout.write(f"批次编号：{batch.pk}")


_SKIP_WORDS = {"不导入", "skip", "忽略", "none"}
_OTHER_WORDS = {"其他信息", "其他", "other", "保留"}


def _answers(maps: list[str]) -> dict[str, str]:
    """--map "HEADING=field" options as the reader's answers, keyed like Column.key."""
    from talentpool.headings import heading_key
    from talentpool.survey.fields import FIELDS, MATCHER, OTHER, SKIP

    answers: dict[str, str] = {}
    for item in maps:
        heading, sep, target = item.rpartition("=")
        heading, target = heading.strip(), target.strip()
        if not sep or not heading or not target:
            raise CommandError(f"--map 的格式应为“表头=登记项”：{item}")
        if target.lower() in _SKIP_WORDS:
            answer = SKIP
        elif target.lower() in _OTHER_WORDS:
            answer = OTHER
        elif target in FIELDS:
            answer = target
        else:
            answer = MATCHER.exact.get(heading_key(target))
            if answer is None:
                raise CommandError(
                    f"--map 中的“{target}”不是登记项；可用：{'、'.join(FIELDS)}，"
                    "或“不导入”“其他信息”"
                )
        answers[heading_key(heading) or heading] = answer
    return answers
