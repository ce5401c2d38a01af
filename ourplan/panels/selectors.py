"""Reading referrals to a risk enablement panel: scoped (`PanelReferral.objects.visible_to`) and
audited with the person. The search of past decisions and the ICB's local principles take a
fixed number of queries whatever they find."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q

from ourplan.accounts.models import User
from ourplan.core.audit import Action, audit_record, audit_record_reads
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.panels.models import PanelReferral, PanelStatusChange
from ourplan.people.models import Person

SEARCHED_FIELDS = ("question", "decision", "rationale", "principle_summary")
MOST_WORDS = 6


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def panel_referral_get(*, user: User, referral_id: Any, purpose: str = "view") -> PanelReferral:
    """The referral with its options, panel and history, if the user may see it; audited as a
    read of the person's data. Otherwise the attempt is audited and NotFound raised."""
    pk = _as_uuid(referral_id)
    referral = (
        PanelReferral.objects.visible_to(user)
        .select_related("person", "plan", "icb", "referred_by", "chosen_option", "decided_by",
                        "shared_by", "principle_marked_by")
        .prefetch_related(
            "options", "member_users",
            Prefetch("status_changes", queryset=PanelStatusChange.objects.select_related("actor")),
        )
        .filter(pk=pk).first()
    ) if pk else None
    if referral is None:
        if pk is not None:
            # Unscoped, only to attach the attempt to the right person's history.
            person_id = PanelReferral.objects.filter(pk=pk).values_list("person_id", flat=True)
            audit_record(actor=user, action=Action.PERSON_ACCESS_REFUSED,
                         person=Person.objects.filter(pk__in=person_id).first(),
                         object_type="panels.panelreferral", object_id=str(pk))
        raise NotFound()
    audit_record(actor=user, action="panel_referral.viewed", person=referral.person,
                 obj=referral, changes={"purpose": purpose})
    return referral


@dataclass(frozen=True)
class SearchResult:
    page: Page[PanelReferral]
    total: int
    query: str


def _words(query: str) -> list[str]:
    return (query or "").strip()[:200].split()[:MOST_WORDS]


def _matching(referrals: Any, query: str, fields: tuple[str, ...]) -> Any:
    """Every word in at least one of the fields (icontains: the same on SQLite and PostgreSQL)."""
    for word in _words(query):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        referrals = referrals.filter(any_field)
    return referrals


def panel_referral_search(
    *, user: User, query: str = "", status: str = "", reason: str = "",
    principles_only: bool = False, person: Person | None = None, page_number: Any = 1,
) -> SearchResult:
    """Past referrals and decisions the user may see, newest first, a page at a time. Each
    referral shown is audited as a read of its person's data (one INSERT for the page)."""
    if not user.has_perm("panels.search"):
        raise NotAllowed()
    referrals = PanelReferral.objects.visible_to(user).select_related("person")
    referrals = _matching(referrals, query, SEARCHED_FIELDS)
    if status:
        referrals = referrals.filter(status=status)
    if reason:
        referrals = referrals.filter(reason=reason)
    if principles_only:
        referrals = referrals.filter(is_local_principle=True)
    if person is not None:
        referrals = referrals.filter(person=person)
    paginator = Paginator(referrals.order_by("-referred_at", "-id"), settings.PAGE_SIZE)
    page = paginator.get_page(page_number)
    audit_record_reads(actor=user, action="panel_referral.listed",
                       people=[r.person for r in page.object_list],
                       changes={"query": " ".join(_words(query))} if query else None)
    return SearchResult(page=page, total=paginator.count, query=" ".join(_words(query)))


def local_principles(*, user: User, query: str = "", page_number: Any = 1) -> SearchResult:
    """The local principles of the user's ICB, newest first. Callers show only the summary, the
    kind of decision and when it was marked: never who it was about."""
    if not user.has_perm("panels.view_principles"):
        raise NotAllowed()
    principles = _matching(PanelReferral.objects.local_principles_for(user)
                           .only("id", "reason", "principle_summary", "principle_marked_at",
                                 "panel_date"),
                           query, ("principle_summary",))
    paginator = Paginator(principles.order_by("-principle_marked_at", "-id"), settings.PAGE_SIZE)
    return SearchResult(page=paginator.get_page(page_number), total=paginator.count,
                        query=" ".join(_words(query)))
