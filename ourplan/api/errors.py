"""Domain errors as HTTP answers. Every field error names its field; nothing is a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from ourplan.budgets.services import BudgetNotReady
from ourplan.core.errors import DomainError, NotAllowed, NotFound, StaleVersion
from ourplan.governance.services import NotReady
from ourplan.plans.services import TransitionRefused

INVALID_JSON = "The request body is not valid JSON"
CHECK_FIELDS = "Check the fields named in errors"
_LOCATIONS = {"body", "payload", "query", "path", "data"}


def _field_from_loc(loc: Any) -> str:
    parts = [str(p) for p in loc if str(p) not in _LOCATIONS and not isinstance(p, int)]
    return ".".join(parts) or "body"


def _friendly(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "This field is required"
    if kind == "extra_forbidden":
        return "This field is not recognised"
    return str(error.get("msg", "This value is not valid"))


def register(api: NinjaAPI) -> None:
    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field if field != "__all__" else "body", "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "body", "message": m} for m in exc.messages]
        return api.create_response(request, {"detail": CHECK_FIELDS, "errors": errors},
                                   status=422)

    def schema_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": _field_from_loc(e.get("loc", ())), "message": _friendly(e)}
                  for e in exc.errors]
        return api.create_response(request, {"detail": CHECK_FIELDS, "errors": errors},
                                   status=422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            return api.create_response(
                request,
                {"detail": INVALID_JSON, "errors": [{"field": "body", "message": INVALID_JSON}]},
                status=422,
            )
        if isinstance(exc, AuthenticationError):
            return api.create_response(
                request, {"detail": "Sign in or send a bearer token"}, status=401
            )
        return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found"}, status=404)

    def not_allowed(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": exc.message}, status=403)

    def stale(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": exc.message, "errors": [{"field": "version", "message": exc.message}],
             # What is saved now, beside what the caller sent: both versions, nothing lost.
             "current": exc.current},
            status=409,
        )

    def transition_refused(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": f"sections.{s.value}", "message": f"Complete “{s.label}” first"}
                  for s in exc.missing]
        return api.create_response(request, {"detail": exc.message, "errors": errors},
                                   status=409)

    def budget_not_ready(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": "budget", "message": problem} for problem in exc.problems]
        return api.create_response(request, {"detail": exc.message, "errors": errors},
                                   status=409)

    def not_ready(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": "readiness", "message": item} for item in exc.missing]
        return api.create_response(request, {"detail": exc.message, "errors": errors},
                                   status=409)

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        """Any other domain refusal: the request was understood but cannot be done now."""
        return api.create_response(request, {"detail": exc.message}, status=409)

    api.add_exception_handler(DomainError, refused)
    api.add_exception_handler(NotReady, not_ready)
    api.add_exception_handler(DjangoValidationError, validation)
    api.add_exception_handler(BudgetNotReady, budget_not_ready)
    api.add_exception_handler(TransitionRefused, transition_refused)
    api.add_exception_handler(SchemaValidationError, schema_validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(NotAllowed, not_allowed)
    api.add_exception_handler(StaleVersion, stale)
