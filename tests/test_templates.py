"""Rules every template keeps."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def test_every_posted_form_is_validated_by_the_server_in_chinese():
    # `novalidate`: an empty required field gets the server's Chinese message beside it, never
    # the browser's own (often English) bubble. The survey pages are another change's.
    missing = [
        f"{path.relative_to(TEMPLATES)}: {tag[:80]}"
        for path in TEMPLATES.rglob("*.html")
        if path.parent.name != "survey"
        for tag in FORM.findall(path.read_text())
        if 'method="post"' in tag.lower() and "novalidate" not in tag
    ]
    assert missing == []
