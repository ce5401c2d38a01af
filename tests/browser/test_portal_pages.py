"""Every page of the person's own pages, the account pages and the staff pages about a person's
access, sharing and requests, on a phone in a real browser: each page as it opens and, where it
has a form, as it answers an empty one (the messages beside the fields), with axe-core and the
reflow check every time. Cecilia's own journey is in test_portal_journey.py; this visits the
rest as Linda (Mark's deputy and the nominee for his direct payment), as Sam (Cecilia's named
coordinator) and signed out."""

from __future__ import annotations

import re

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.demo.data import DEMO_PASSWORD
from ourplan.people.models import Person
from ourplan.portal import services as portal_services
from ourplan.portal.models import ChangeProposal, CoordinatorChangeRequest
from tests.browser.reflow import check_page

LINDA = "linda.ellison@example.com"


def _visit(page: Page, url: str, *, empty_submit: str | None = None) -> None:
    """Open `url`, check it, and if it has a form, send it empty and check the answer."""
    response = page.goto(url)
    assert response is not None
    assert response.status < 500, (url, response.status)
    assert response.status != 404, url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page)
    if empty_submit:
        page.get_by_role("button", name=empty_submit, exact=True).click()
        expect(page.locator(".nhsuk-error-summary")).to_be_visible()
        check_page(page)


def _sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username", exact=False).first.fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_lindas_pages_for_mark(phone_page: Page):
    page = phone_page
    mark = Person.objects.get(nhs_number="9990000026")
    _sign_in(page, LINDA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark's plan")
    check_page(page)
    mine = f"/my/{mark.pk}"
    _visit(page, "/my/")
    _visit(page, f"{mine}/budget/")
    _visit(page, f"{mine}/about-me/")
    _visit(page, f"{mine}/working/", empty_submit="Add")
    _visit(page, f"{mine}/propose/", empty_submit="Send to my coordinator")
    _visit(page, f"{mine}/ask-for-a-review/")
    _visit(page, f"{mine}/different-coordinator/", empty_submit="Send my request")
    _visit(page, f"{mine}/download/")
    _visit(page, f"{mine}/sharing/")
    _visit(page, f"{mine}/sharing/new/", empty_submit="Share the plan")
    _visit(page, f"{mine}/who-has-looked/")
    _visit(page, "/my/account/security/")
    page.get_by_role("button", name="Set up a code").click()
    expect(page.get_by_label(re.compile("Code from your authenticator app"))).to_be_visible()
    check_page(page)
    _visit(page, "/my/account/security/password/", empty_submit="Change my password")


def test_account_pages_when_signed_out(phone_page: Page):
    page = phone_page
    linda = User.objects.get(username=LINDA)
    _visit(page, "/sign-in/forgotten-password/", empty_submit="Send the link")
    page.get_by_label(re.compile("Email address")).fill(LINDA)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page)
    link = (f"/sign-in/new-password/{urlsafe_base64_encode(force_bytes(linda.pk))}/"
            f"{default_token_generator.make_token(linda)}/")
    _visit(page, link, empty_submit="Change my password")
    _visit(page, "/sign-in/new-password/bm90LWFuLWlk/not-a-token/")
    _visit(page, "/invitations/this-link-was-never-sent-to-anyone-at-all-00000/")


def test_sams_pages_about_cecilias_access_sharing_and_requests(phone_page: Page):
    page = phone_page
    cecilia = Person.objects.get(nhs_number="9990000018")
    sam = User.objects.get(username="sam.okafor")
    linda = User.objects.get(username=LINDA)
    mark = Person.objects.get(nhs_number="9990000026")
    # Something for the requests page: Linda asks about Mark's plan, Jo's to answer; Cecilia's
    # page is Sam's, so he sees the empty list there and Mark's requests are Jo's.
    portal_services.proposal_make(actor=linda, plan=mark.plan, section="outcomes",
                                  text="Mark wants to go swimming on Saturdays too")
    portal_services.coordinator_change_ask(actor=linda, person=mark,
                                           reason="Jo is moving to another team")
    proposal = ChangeProposal.objects.get(person=mark)
    request = CoordinatorChangeRequest.objects.get(person=mark)

    _sign_in(page, sam.username)
    people = f"/people/{cecilia.pk}"
    _visit(page, f"{people}/invitations/")
    _visit(page, f"{people}/invitations/new/", empty_submit="Send the invitation")
    _visit(page, f"{people}/sharing/")
    _visit(page, f"{people}/sharing/new/", empty_submit="Record consent")
    _visit(page, f"{people}/plan/requests/")

    _sign_in_again(page, "jo.bennett")
    requests = f"/people/{mark.pk}/plan/requests"
    _visit(page, f"{requests}/")
    _visit(page, f"{requests}/proposals/{proposal.pk}/decline/",
           empty_submit="Decline the proposal")
    _visit(page, f"{requests}/coordinator/{request.pk}/decline/",
           empty_submit="Decline the request for a different coordinator")


def _sign_in_again(page: Page, username: str) -> None:
    page.goto("/sign-out/")
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, username)
