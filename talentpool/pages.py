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


CONFIRMED = "confirmed"


def confirm_first(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    back_url: str,
    button: str = "",
    warnings: list[str] | None = None,
):
    """For an irreversible step: None once the user has confirmed, else the page that asks
    first, listing what will happen, and posts the same data again with `confirmed=1`. A page
    of its own: it works without script and under the strict CSP."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in request.POST.getlist(name)
    ]
    return confirmation_page(
        request,
        title=title,
        consequences=consequences,
        action=request.get_full_path(),
        fields=fields,
        back_url=back_url,
        button=button,
        warnings=warnings,
    )


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    action: str,
    fields: list[tuple[str, str]],
    back_url: str,
    button: str = "",
    warnings: list[str] | None = None,
):
    """The page that asks before an irreversible step; its button posts `fields` and
    `confirmed=1` to `action`."""
    from django.shortcuts import render
    from django.utils.translation import gettext

    context = {
        "title": title,
        "consequences": consequences,
        "warnings": warnings or [],
        "fields": fields,
        "action": action,
        "back_url": back_url,
        "button": button or gettext("确认"),
    }
    return render(request, "talentpool/confirm.html", context)
