"""Who may reach what: role preconditions for views and the scoped look-ups that answer 404.

Rows are scoped by QuerySet methods (`Person.objects.in_scope(user)`); the helpers here are the
only way views fetch one object by a key that came from the request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from talentpool.models import ExportRequest, Person, Role


def role_required(*roles: Role) -> Callable:
    """Let signed-in users with one of `roles` through; others get 403, anonymous users login."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


REGISTRY_READERS = (Role.COUNTY, Role.TOWNSHIP, Role.LEADER)
REGISTRY_WRITERS = (Role.COUNTY, Role.TOWNSHIP)


def township_ids_in_scope(user) -> list[int] | None:
    """The townships whose figures `user` sees: None for the whole county (county officers and
    leaders), a township officer's own; no other role has figures."""
    if user.role in (Role.COUNTY, Role.LEADER):
        return None
    if user.role == Role.TOWNSHIP and user.township_id:
        return [user.township_id]
    raise PermissionDenied


def get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.in_scope(request.user).select_related("township", "village"), pk=pk
    )


def get_export_for_user(request: HttpRequest, pk: int) -> ExportRequest:
    return get_object_or_404(
        ExportRequest.objects.visible_to(request.user).select_related("requested_by"), pk=pk
    )
