"""Small helpers the apps' list pages share (healthchecks-style function views with htmx)."""

from __future__ import annotations

from django.http import HttpRequest


def partial(request: HttpRequest, template: str, name: str) -> str:
    """The template's partial `name` for an htmx request that swaps part of the page, else the
    whole page (a boosted link loads a whole page)."""
    if request.htmx and not request.htmx.boosted:
        return f"{template}#{name}"
    return template


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without its page number, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
