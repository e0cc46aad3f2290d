"""Reading the figures' tables back out of a page, to compare them with the exports."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._key: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-figure" in attrs:
            self._key = attrs["data-figure"]
            self.tables[self._key] = []
        elif self._key and tag == "tr":
            self._row = []
        elif self._key and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._key = None
        elif self._key and tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif self._key and tag == "tr" and self._row is not None:
            self.tables[self._key].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """{figure key: rows of cell texts, the header row first}."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def as_page_text(value) -> str:
    """An exported cell as the page prints it: numbers compare as numbers, since Excel keeps
    35.0 as 35."""
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def normalised(rows: list[list[str]]) -> list[list[str]]:
    """Page cells with numbers written the way as_page_text writes them."""
    return [[_number_text(cell) for cell in row] for row in rows]


def _number(value: float) -> str:
    return repr(float(value)) if float(value) != int(value) else str(int(value))


def _number_text(text: str) -> str:
    try:
        return _number(float(text))
    except ValueError:
        return text
