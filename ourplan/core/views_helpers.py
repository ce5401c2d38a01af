"""Glue between services and page forms: a service's errors become messages beside the fields;
the signed-in user, and the person a page is about (404 outside the user's scope)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ourplan.core.errors import NotAllowed, NotFound, StaleVersion

if TYPE_CHECKING:
    from ourplan.accounts.models import User
    from ourplan.people.models import Person

T = TypeVar("T")


def signed_in_user(request: HttpRequest) -> User:
    """The caller, typed as our `User`, for views that `login_required` (or, for the API,
    `ourplan.api.auth`, which puts a bearer token's user on `request.user`) keeps anonymous
    callers out of."""
    return request.user  # type: ignore[return-value]


def person_or_404(request: HttpRequest, person_id: Any, *, purpose: str,
                  get: Callable[..., Person] | None = None) -> Person:
    """The person, read through `get` (a selector taking `user`, `person_id` and `purpose`, which
    audits the read; `people.selectors.person_get` unless given); a person out of reach is the
    404 page."""
    if get is None:
        # Imported here: core is below every domain app and imports none of them at load time.
        from ourplan.people.selectors import person_get

        get = person_get
    try:
        return get(user=signed_in_user(request), person_id=person_id, purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def call_service(form: forms.BaseForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Run `service`; on a field error or a stale version put the message on the form and return
    None. Not-found and not-allowed become the 404 and 403 pages."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    except StaleVersion as error:
        form.add_error(None, error.message)
        form.stale = True  # type: ignore[attr-defined]
    except NotFound as error:
        raise Http404 from error
    except NotAllowed as error:
        raise PermissionDenied from error
    return None


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    template: str,
    context: dict[str, Any],
    save: Callable[[], T],
    success: Callable[[T], str],
    done: str | Callable[[T], str],
) -> HttpResponse:
    """A page with one form: on a valid POST, `save` (one service call); if it succeeds, say so
    and go to `done` (a URL, or a function of what was saved); otherwise show the form again
    with its errors (status 400)."""
    if request.method == "POST" and form.is_valid():
        result = call_service(form, save)
        if result is not None:
            messages.success(request, success(result))
            return redirect(done(result) if callable(done) else done)
    conflict = _conflict(form) if getattr(form, "stale", False) else []
    return render(request, template, {**context, "form": form, "conflict": conflict},
                  status=400 if form.errors else 200)


def _display(value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _conflict(form: forms.BaseForm) -> list[dict[str, str]]:
    """When someone else saved first: each field where their saved value and this person's
    differ, so nobody's work is lost and they can choose what to keep."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None or not hasattr(form, "cleaned_data"):
        return []
    saved = type(instance)._default_manager.filter(pk=instance.pk).first()
    if saved is None:
        return []
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        theirs, yours = getattr(saved, name, None), form.cleaned_data[name]
        if _display(theirs) != _display(yours):
            rows.append({"label": str(field.label), "theirs": _display(theirs),
                         "yours": _display(yours)})
    return rows
