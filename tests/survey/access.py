"""Who may open the survey import's URLs (see tests/test_url_matrix.py)."""

from django.core.files.base import ContentFile

from talentpool.survey.models import BatchStatus, ImportBatch
from tests.access import READERS, WRITERS, Rule, allow

ACCESS = {
    "survey:list": allow(READERS),
    "survey:upload": allow(WRITERS),
    "survey:template": allow(WRITERS),
    "survey:detail": allow(READERS, "batch"),
    # Files of many people's rows: exports, so the URLs send writers to the request page.
    "survey:report": Rule(WRITERS, "batch", ok_status=302),
    "survey:original": Rule(WRITERS, "batch", ok_status=302),
}
NOT_GET = {
    "survey:confirm": "POST only; tests/survey/test_views.py",
    "survey:columns": "POST only; tests/survey/test_columns.py",
    "survey:cancel": "POST only; tests/survey/test_views.py",
    "survey:discard": "POST only; tests/survey/test_views.py",
    "survey:retry": "POST only; tests/survey/test_views.py",
    "survey:rollback": "POST only, county officers; tests/survey/test_views.py",
    "survey:export_csv": "POST only, an approved export; tests/survey/test_export.py",
}


def objects(ctx) -> dict[str, dict]:
    """A written batch of township A, with its original file."""
    batch = ImportBatch(
        township=ctx.township_a,
        created_by=ctx.personas["township_a"],
        original_name="登记表.csv",
        sha256="0" * 64,
        size=22,
        status=BatchStatus.DONE,
        report={"header": ["姓名", "身份证号码"]},
    )
    batch.file.save("登记表.csv", ContentFile("姓名,身份证号码\n".encode()), save=False)
    batch.save()
    return {"batch": {"pk": batch.pk}}
