"""The county starts with sensible defaults: the 一职双备 policy and a first version of the
qualification conditions and negative list (双十清单), which it may replace with new versions."""

from django.db import migrations

from candidates import defaults


def seed(apps, schema_editor):
    apps.get_model("candidates", "CandidatePolicy").objects.get_or_create(pk=1)
    defaults.install(
        apps.get_model("candidates", "Checklist"),
        apps.get_model("candidates", "ChecklistItem"),
        apps.get_model("candidates", "PostRequirement"),
    )


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_reviewevent_version")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
