"""A masked ID number cannot be rebuilt (issue 13, finding 1).

The mask hides exactly the eight birth-date digits (500233********5758); a page or file that
also shows the birth date with its month and day gives them back, and the check digit confirms
the guess. So a viewer who sees a person's ID number masked sees the age or the year of birth,
never the full date: crawled here over every page (and its htmx fragment) of the URL matrix and
every export, for each role that sees masked numbers."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talentpool import exports
from talentpool.identity import mask_id_number
from talentpool.models import ExportRequest, Person
from tests.factories import grant_personal_data, make_user
from tests.test_url_matrix import ACCESS, MODULES


def date_forms(day: date) -> list[str]:
    """The ways a page or a spreadsheet writes a full date."""
    y, m, d = day.year, day.month, day.day
    return [
        f"{y}-{m:02d}-{d:02d}",
        f"{y}{m:02d}{d:02d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}/{m}/{d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{y}.{m}.{d}",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}年{m}月{d}日",
        # Year and month (出生年月) leave about thirty days, which the check digit cuts to three:
        # beside a masked number only the year is shown.
        f"{y}.{m:02d}",
        f"{y}年{m}月",
        f"{y}年{m:02d}月",
    ]


def rebuildable(text: str, people: list[Person]) -> list[str]:
    """People whose full birth date `text` shows: with the visible digits of the masked number
    that is the whole ID. (The stricter rule is checked: the date alone is already refused.)"""
    found = []
    for person in people:
        for form in date_forms(person.birth_date):
            if form in text:
                found.append(f"{person.name} {mask_id_number(person.id_number)} {form}")
    return found


def body_text(response) -> str:
    """A response's text, whatever it is: a page, a CSV or an Excel workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        cells = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells.extend("" if v is None else _cell_text(v) for v in row)
        props = workbook.properties
        cells += [str(props.title or ""), str(props.description or "")]
        return "\n".join(cells)
    return content.decode("utf-8", errors="replace")


def _cell_text(value) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


@pytest.fixture
def world(personas, township_a, township_b, village_a, village_b):
    """Every object the URL matrix builds, built once, and the URLs that reach them."""
    ctx = SimpleNamespace(
        personas=personas,
        township_a=township_a,
        township_b=township_b,
        village_a=village_a,
        village_b=village_b,
    )
    objects = {module: module.objects(ctx) for module in MODULES}
    named_urls = {}
    for name, (rule, module) in sorted(ACCESS.items()):
        if name in ("login",):
            continue
        kwargs = objects[module][rule.obj] if rule.obj else None
        named_urls[name] = reverse(name, kwargs=kwargs)
    urls = list(named_urls.values())
    by_name = {module.__name__: built for module, built in objects.items()}
    round_pk = by_name["tests.evaluation.access"]["round"]["pk"]
    # Kinds that export one thing, named by their parameters.
    batch_pk = by_name["tests.survey.access"]["batch"]["pk"]
    export_params = {
        "review_sheet": f"&round={round_pk}",
        "survey_report": f"&batch={batch_pk}",
        "survey_original": f"&batch={batch_pk}",
    }
    return SimpleNamespace(ctx=ctx, urls=urls, named_urls=named_urls, export_params=export_params)


def masked_viewers(personas, *, on_pages: bool = True) -> dict[str, object]:
    """Business roles that see ID numbers masked: without the right, or - on pages - with it
    but no reason given (nothing revealed; an approved export of theirs is in full)."""
    viewers = {role: personas[role] for role in ("county", "township_a", "mentor", "leader")}
    if on_pages:
        viewers["county_with_right"] = grant_personal_data(
            make_user("county_right", "county", last_name="李")
        )
    return viewers


def test_no_page_or_fragment_shows_a_masked_persons_birth_date(client, world):
    people = list(Person.objects.all())
    assert len(people) >= 5, "the matrix's objects should include people"
    leaks = []
    seen = 0
    for role, user in masked_viewers(world.ctx.personas).items():
        client.force_login(user)
        for url in world.urls:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                if response.status_code != 200:
                    continue
                seen += 1
                for leak in rebuildable(body_text(response), people):
                    leaks.append(f"{role} {url} {headers}: {leak}")
        client.logout()
    assert seen > 100
    assert not leaks, "\n".join(leaks)


def _export_files(client, user, approver, kind: str, params: str = "") -> list:
    """Ask for an export of `kind` as `user`, have it approved, and download it (as .xlsx, and
    as .csv where the kind offers it)."""
    files = []
    for download in ("security:export_download", "survey:export_csv"):
        if download == "survey:export_csv" and kind != "survey":
            continue
        client.force_login(user)
        response = client.post(
            f"{reverse('security:export_new')}?kind={kind}{params}", {"reason": "核对名单"}
        )
        assert response.status_code == 302, (kind, response.status_code)
        export = ExportRequest.objects.filter(requested_by=user, kind=kind).latest("pk")
        if export.status == "requested":
            client.force_login(approver)
            client.post(
                reverse("security:export_decide", args=[export.pk]), {"decision": "approve"}
            )
            client.force_login(user)
        response = client.post(reverse(download, args=[export.pk]))
        assert response.status_code == 200, (kind, download, response.status_code)
        files.append(response)
    return files


def test_no_export_shows_a_masked_persons_birth_date(client, world):
    people = list(Person.objects.all())
    approver = grant_personal_data(make_user("approver", "county", last_name="赵"))
    leaks = []
    downloaded = 0
    for role, user in masked_viewers(world.ctx.personas, on_pages=False).items():
        for kind, spec in exports.KINDS.items():
            if not spec.allows(user):
                continue
            params = world.export_params.get(kind, "")
            for response in _export_files(client, user, approver, kind, params):
                downloaded += 1
                text = body_text(response)
                assert text.strip(), (role, kind)
                for leak in rebuildable(text, people):
                    leaks.append(f"{role} export {kind}: {leak}")
    assert downloaded >= 10
    assert not leaks, "\n".join(leaks)


def test_a_viewer_who_revealed_the_number_sees_the_full_date(client, world):
    user = grant_personal_data(make_user("revealer", "county", last_name="钱"))
    person = Person.objects.filter(township=world.ctx.township_a).first()
    client.force_login(user)
    url = reverse("registry:detail", args=[person.pk])
    assert not rebuildable(client.get(url).content.decode(), [person])
    client.post(reverse("security:reveal", args=[person.pk]), {"reason": "核对身份"})
    assert rebuildable(client.get(url).content.decode(), [person])


def test_the_checker_finds_dates_in_every_common_form():
    person = SimpleNamespace(
        name="张", id_number="500233199911255758", birth_date=date(1999, 11, 25)
    )
    for text in ("1999-11-25", "1999年11月25日", "19991125", "1999/11/25", "1999.11.25"):
        assert rebuildable(f"出生 {text} ", [person]), text
    assert rebuildable("出生年月 1999.11", [person])
    assert not rebuildable("1999年（26岁）", [person])


# Downloads a GET may still answer with directly: no resident's personal data in them.
NOT_PERSONAL_DATA = {
    "evaluation:export": "the dashboard's figures: counts and shares, no person",
    "survey:template": "the blank template: the township's village names only",
    "candidates:attachment": "one nomination's own document, to those who may read it",
    "training:evidence_download": "one achievement's own evidence file, to those who may read it",
}


def test_every_file_of_many_peoples_data_goes_through_the_export_approval(client, world):
    """Issue 13, finding 4: the review workbook was a direct download; so were the import's
    error report and original file. A GET of any URL in the matrix, by any business role,
    answers with a file only when the file holds no one's personal data."""
    direct = []
    for role in ("county", "township_a", "leader", "mentor"):
        client.force_login(world.ctx.personas[role])
        for url in world.urls:
            response = client.get(url)
            disposition = response.get("Content-Disposition", "")
            if response.status_code == 200 and "attachment" in disposition:
                direct.append((role, url))
    allowed = {_url_of(world, name) for name in NOT_PERSONAL_DATA}
    assert ("county", _url_of(world, "evaluation:export")) in direct  # the crawl sees files
    assert not [hit for hit in direct if hit[1] not in allowed], direct


def _url_of(world, name: str) -> str | None:
    return world.named_urls.get(name)
