from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentpool import backup


class Command(BaseCommand):
    help = (
        "Restore a dump made by backup_db (the latest in var/backups/ if none is named) into the "
        "app's database, replacing its contents, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: Path | None, yes: bool, **options):
        file = file or backup.latest_backup()
        if file is None or not file.exists():
            raise CommandError("没有可恢复的备份文件（var/backups/ 为空）。")
        if not yes:
            answer = input(f"用 {file} 覆盖当前数据库的全部数据？输入 yes 继续：")
            if answer.strip() != "yes":
                raise CommandError("已取消。")
        try:
            backup.restore(file)
        except backup.BackupError as exc:
            raise CommandError(f"恢复失败，数据库未改动：{exc}") from exc
        self.stdout.write(f"已从 {file} 恢复。")
