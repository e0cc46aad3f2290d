"""A corpus of hostile input for any form or search, and checks on what comes back.

Use it in an app's tests:

    from tests.hostile import HOSTILE, assert_handled, assert_shown_safely

    for value in HOSTILE:
        response = client.post(url, {**valid_data, "note": value})
        assert_handled(response)  # stored (2xx/3xx) or refused (200 form / 400), never 5xx
        assert_shown_safely(client.get(detail_url).content.decode(), value)

`post_raw` sends bytes that a str cannot carry (invalid UTF-8, lone surrogates' encodings).
"""

from __future__ import annotations

import html

NUL = "\x00"

HOSTILE: dict[str, str] = {
    "script": "<script>alert('xss')</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "javascript_url": "javascript:alert(document.cookie)",
    "template_var": "{{7*7}}",
    "template_tag": "{% debug %}",
    "template_secret": "{{ settings.SECRET_KEY }}",
    "sql_quote": "'; DROP TABLE talentpool_person; --",
    "sql_or": "1' OR '1'='1",
    "sql_comment": "张三/**/UNION SELECT password FROM talentpool_user--",
    "rtl_override": "\u202egpj.exe李四",
    "zero_width": "张\u200b维\ufeff",
    "emoji": "王小明👨‍👩‍👧‍👦💩🇨🇳",
    "combining": "Z̷̢͎a̶l̸g̵o̴",
    "long": "长" * 10_000,
    "nul": "张\x00维",
    "control": "a\x07b\x1bc\r\nd\te",
    "formula": "=cmd|' /C calc'!A0",
    "path": "../../../../etc/passwd",
    "fullwidth": "ＡＢＣ１２３＜ｓｃｒｉｐｔ＞",
    "whitespace_only": " \u3000 \t ",
}

# Bodies a browser could send that no Python str encodes (decoded with replacement characters).
RAW_BODIES: dict[str, bytes] = {
    "invalid_utf8": b"\xff\xfe\xc3(",
    "lone_surrogate": b"\xed\xa0\x80",  # the UTF-8 form of U+D800
    "overlong": b"\xc0\xaf",
}


def assert_handled(response) -> None:
    """Stored or refused cleanly: never a server error."""
    assert response.status_code < 500, response.status_code
    if response.status_code == 400:
        assert "<!doctype html>" in response.content.decode().lower()


def assert_shown_safely(body: str, value: str) -> None:
    """A stored value comes back escaped: no live markup, no evaluated template code. (An
    empty body, such as a redirect's, passes.)"""
    if not body:
        return
    if "<" in value or '"' in value:
        assert value not in body, "unescaped markup on the page"
    if value == "{{7*7}}":
        assert "{{7*7}}" in body or html.escape(value) in body
    if value == "{% debug %}":
        assert "sql_queries" not in body
    if value == "{{ settings.SECRET_KEY }}":
        from django.conf import settings

        assert settings.SECRET_KEY not in body


def post_raw(client, url: str, fields: dict[str, str], raw_field: str, raw: bytes, **extra):
    """POST a form-encoded body in which `raw_field` carries raw (non-UTF-8) bytes."""
    from urllib.parse import quote_from_bytes, urlencode

    body = urlencode(fields) + "&" + raw_field + "=" + quote_from_bytes(raw)
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)
