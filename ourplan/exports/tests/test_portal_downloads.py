"""The person's downloads at /my/<person>/download/: the plan and the one-page summary as
standard, large-print and easy-read PDFs, their preferred format first; nobody else's plan."""

from __future__ import annotations

import io
import re
from html import unescape

import pypdf
import pytest
from django.utils import timezone

from ourplan.core.audit import Action
from ourplan.core.models import AuditEvent
from ourplan.demo.data import load_demo
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.testing.factories import PersonFactory, TeamAllocationFactory, UserFactory
from ourplan.testing.governance import named_coordinator
from ourplan.testing.portal import (
    circle_member_of,
    contact_of,
    nominee_of,
    representative_of,
    the_person,
)
from ourplan.testing.reviews import plan_in_action

pytestmark = pytest.mark.django_db

FORMATS = ("pdf", "large-print", "easy-read", "one-page-pdf", "one-page-large-print",
           "one-page-easy-read")


@pytest.fixture
def plan(planner, person):
    return plan_in_action(planner, person)[0]


def _list(client, person):
    return client.get(f"/my/{person.pk}/download/")


def _file(client, person, fmt):
    return client.get(f"/my/{person.pk}/download/{fmt}/")


def _links(html: str) -> list[str]:
    """The formats linked from the page, in order (the button first)."""
    return re.findall(r'/download/([a-z-]+)/"', html)


def _preferred_marks(html: str) -> list[str]:
    """Which link each "preferred format" tag follows."""
    return re.findall(r'/download/([a-z-]+)/"[^<]*(?:<span[^>]*>[^<]*</span>)?</a>\s*'
                      r'<strong class="nhsuk-tag[^"]*">[^<]*preferred format', html)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _refusals(user) -> int:
    return AuditEvent.objects.filter(actor=user, action=Action.PERSON_ACCESS_REFUSED).count()


@pytest.mark.parametrize(("recorded", "first", "one_page_first"), [
    (["large_print"], "large-print", "one-page-large-print"),
    (["easy_read"], "easy-read", "one-page-easy-read"),
    (["telephone", "easy_read", "large_print"], "easy-read", "one-page-easy-read"),
    ([], "pdf", "one-page-pdf"),
    (["braille"], "pdf", "one-page-pdf"),
])
def test_the_preferred_format_comes_first_and_is_marked(client, person, plan, recorded, first,
                                                        one_page_first):
    person.information_formats = recorded
    person.save()
    client.force_login(the_person(person))

    response = _list(client, person)
    html = response.content.decode()

    assert response.status_code == 200
    links = _links(html)
    assert links[0] == first  # the button: the whole plan in the preferred format
    assert links[1] == first  # and first in the whole plan's list
    assert links[4] == one_page_first
    assert sorted(links[1:]) == sorted(FORMATS)
    assert _preferred_marks(html) == [first, one_page_first]
    assert html.count("Your preferred format</strong>") == 2
    for label in ("Standard PDF", "Large print PDF", "Easy read PDF"):
        assert html.count(label) >= 2
    assert "PDF, under 500 KB" in html
    assert "PDF, under 100 KB" in html


def test_someone_acting_for_the_person_sees_the_persons_preference(client, person, plan):
    person.information_formats = ["easy_read"]
    person.save()
    client.force_login(representative_of(person, basis="lpa_health_welfare"))

    html = _list(client, person).content.decode()

    assert f"{person.known_as}'s preferred format</strong>" in unescape(html)
    assert html.count("preferred format</strong>") == 2
    assert "Your preferred format" not in html
    assert _links(html)[0] == "easy-read"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_person_downloads_each_file_and_it_is_audited(client, person, plan, fmt):
    user = the_person(person)
    client.force_login(user)

    response = _file(client, person, fmt)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert person.full_name in _text(response.content)
    event = AuditEvent.objects.filter(action="plan.exported", actor=user).get()
    assert event.person == person
    assert event.changes == {"format": fmt}


def test_the_file_has_a_clear_name(client, planner, team):
    person = TeamAllocationFactory(
        team=team, person=PersonFactory(given_name="Siân", family_name="O'Neill")).person
    plan_services.plan_start(actor=planner, person=person)
    client.force_login(the_person(person))

    large = _file(client, person, "large-print")
    summary = _file(client, person, "one-page-easy-read")
    standard = _file(client, person, "pdf")

    assert large["Content-Disposition"] == 'attachment; filename="sian-oneill-plan-large-print.pdf"'
    assert summary["Content-Disposition"] == (
        'attachment; filename="sian-oneill-one-page-summary-easy-read.pdf"')
    assert standard["Content-Disposition"] == 'attachment; filename="sian-oneill-plan.pdf"'


def test_cecilia_downloads_large_print_on_her_phone(client):
    load_demo()
    cecilia = Person.objects.get(nhs_number="9990000018")
    client.force_login(the_person(cecilia))

    page = _list(client, cecilia).content.decode()
    files = {fmt: _file(client, cecilia, fmt).content for fmt in FORMATS}

    assert _links(page)[0] == "large-print"  # her record asks for large print
    assert 'name="viewport"' in page
    assert "Cecilia Adeyemi" in _text(files["large-print"])
    assert "fine bone china" in _text(files["large-print"])
    # The size hints on the page hold for a full plan with a budget.
    for fmt, content in files.items():
        assert len(content) < (100 if fmt.startswith("one-page") else 500) * 1024, fmt


def test_an_unknown_or_staff_only_format_is_not_found(client, person, plan):
    client.force_login(the_person(person))

    for fmt in ("docx", "json", "html", "one-page"):
        assert _file(client, person, fmt).status_code == 404
    assert not AuditEvent.objects.filter(action="plan.exported").exists()


def test_before_there_is_a_plan_the_page_says_so(client, person):
    client.force_login(the_person(person))

    page = _list(client, person)

    assert page.status_code == 200
    assert "There is no plan to download yet." in page.content.decode()
    assert _links(page.content.decode()) == []
    assert _file(client, person, "pdf").status_code == 404


def test_someone_elses_plan_is_not_found_and_the_attempt_is_audited(client, planner, person,
                                                                     plan):
    someone_else = the_person(PersonFactory())
    client.force_login(someone_else)

    assert _list(client, person).status_code == 404
    assert _file(client, person, "pdf").status_code == 404
    assert _refusals(someone_else) == 2
    assert AuditEvent.objects.filter(actor=someone_else,
                                     action=Action.PERSON_ACCESS_REFUSED,
                                     person=person).count() == 2
    assert not AuditEvent.objects.filter(action="plan.exported").exists()


def test_a_nominee_manages_the_budget_but_cannot_download_the_plan(client, person, plan):
    nominee = nominee_of(person)
    client.force_login(nominee)

    assert _list(client, person).status_code == 404
    assert _file(client, person, "large-print").status_code == 404
    assert _refusals(nominee) == 2
    assert not AuditEvent.objects.filter(action="plan.exported").exists()


def test_staff_use_the_plan_page_not_the_persons_downloads(client, planner, person, plan):
    outsider = UserFactory()
    for user in (outsider, planner):
        client.force_login(user)
        assert _list(client, person).status_code == 404
        assert _file(client, person, "pdf").status_code == 404
        assert _refusals(user) == 2
    assert not AuditEvent.objects.filter(action="plan.exported").exists()


def test_family_the_plan_is_shared_with_get_the_plan_without_the_persons_contacts(
        client, person, plan):
    contact_of(person, name="Bernard Adeyemi", phone="01632 960 002")
    named_coordinator(person, name="Sam Okafor")
    daughter, contact = circle_member_of(person)
    client.force_login(daughter)

    standard = _text(_file(client, person, "pdf").content)
    easy = _text(_file(client, person, "easy-read").content)

    assert person.full_name in standard
    assert "Bernard Adeyemi" not in standard
    assert "01632 960 002" not in standard
    assert "Bernard Adeyemi" not in easy
    assert "Sam Okafor" not in easy
    assert "Ask me who they are." in easy

    contact.consent_grants.update(withdrawn_at=timezone.now())
    assert _file(client, person, "pdf").status_code == 404


def test_the_page_is_audited_as_a_read_and_its_headings_are_in_order(client, person, plan):
    user = the_person(person)
    client.force_login(user)

    html = _list(client, person).content.decode()

    main = html[html.index("<main"):html.index("</main>")]
    assert re.findall(r"<h(\d)", main) == ["1", "2", "2", "2"]
    viewed = AuditEvent.objects.filter(actor=user, person=person, action=Action.PERSON_VIEWED)
    assert viewed.get().changes == {"purpose": "downloads"}
    assert AuditEvent.objects.filter(actor=user, action="plan.viewed", person=person).exists()
