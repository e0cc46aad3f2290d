from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentpool.divisions import DivisionFileError, load_divisions, read_code_list


class Command(BaseCommand):
    help = "Load a county's statistical division codes from an .xlsx or .csv (columns: code, name)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"找不到文件：{file}")
        warnings: list[str] = []
        try:
            counts = load_divisions(read_code_list(file, warnings))
        except DivisionFileError as exc:
            raise CommandError(str(exc)) from None
        for warning in warnings:
            self.stdout.write(f"提示：{warning}")
        self.stdout.write(
            f"已导入：县 {counts['county']} 个，乡镇（街道） {counts['township']} 个，"
            f"村（社区） {counts['village']} 个。"
        )
