import importlib
import importlib.util
import json

from django.apps import apps
from django.core.management.base import BaseCommand

from talentpool import demo
from talentpool.models import Person


class Command(BaseCommand):
    help = "Create the demo county, its users and a synthetic registry (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the registry has people."
        )
        parser.add_argument("--people", type=int, default=demo.DEMO_PEOPLE)
        parser.add_argument("--json", action="store_true", help="Print the demo users as JSON.")
        parser.add_argument("--logins", action="store_true", help="Print the demo logins only.")

    def handle(self, *args, if_empty: bool, people: int, json: bool, logins: bool, **options):
        if json:
            self.stdout.write(_dumps(demo.demo_logins()))
            return
        if logins:
            self._print_logins()
            return
        if if_empty and Person.objects.exists():
            self.stdout.write("人才信息库已有数据，跳过演示数据。")
            return
        counts = demo.seed(people=people)
        for stage in later_stage_seeders():
            stage()
        self.stdout.write(
            f"演示数据：乡镇（街道）{counts['township']} 个，村（社区）{counts['village']} 个，"
            f"新增人员 {counts['people']} 人。"
        )

    def _print_logins(self) -> None:
        self.stdout.write("演示账号（仅用于演示数据）：")
        for login in demo.demo_logins():
            township = f"  乡镇 {login['township']}" if login["township"] else ""
            name, password, role = login["username"], login["password"], login["role"]
            self.stdout.write(f"  {name:<12} 密码 {password}  角色 {role}{township}")


def later_stage_seeders():
    """`seed()` of each installed app's `demo` module after the core's, in INSTALLED_APPS order
    (candidates, training, evaluation): found by name, so the core imports no later stage."""
    for config in apps.get_app_configs():
        if config.name == "talentpool" or not config.name.isidentifier():
            continue
        if importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        yield importlib.import_module(f"{config.name}.demo").seed


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
