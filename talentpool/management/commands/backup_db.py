from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentpool import backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) to var/backups/ or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Where to write the dump.")

    def handle(self, *args, output: Path | None, **options):
        try:
            path = backup.dump(output)
        except backup.BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(f"已备份到 {path}（{size:.1f} MB）")
