"""Cecilia's own plan, on a phone, in a real browser: she accepts the invitation her named
coordinator sent, reads her plan, changes her one-page summary in her own words, shares the plan
with her daughter Grace (first without saying what for, to see the message beside the field),
asks for a review, and downloads her plan in large print, her preferred format. axe-core and a
reflow check run on every page she sees."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.consent.models import ConsentGrant
from ourplan.core.models import AuditEvent
from ourplan.people.models import Person
from ourplan.plans.models import AboutMe
from ourplan.portal.invitations import invitation_send
from ourplan.portal.models import Capacity, Invitation
from ourplan.reviews.models import ReviewTrigger
from ourplan.reviews.schedule import TriggerReason
from tests.browser.reflow import check_page

PASSWORD = "Willow-walk-tea-1956"
TEA = "A good cup of tea in a fine bone china cup with Bernard in the garden."
PURPOSE = "To help me at appointments and to know how I am"


def test_cecilia_uses_her_own_plan_on_her_phone(phone_page: Page):
    page = phone_page
    cecilia = Person.objects.get(nhs_number="9990000018")
    sam = User.objects.get(username="sam.okafor")
    _, link = invitation_send(actor=sam, person=cecilia, capacity=Capacity.SELF,
                              email="cecilia.adeyemi@example.com")

    # The invitation: she makes her account (the passwords first do not match).
    page.goto(f"/invitations/{link}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    check_page(page)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD + "x")
    page.get_by_role("button", name="Make my account").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_page(page)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()

    # Her plan, in plain words.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_text("fine bone china cups only")).to_be_visible()
    check_page(page)

    # Her one-page summary, in her own words.
    page.get_by_role("link", name="Change About me and the one-page summary").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About me")
    check_page(page)
    important = page.get_by_label("What is important to me")
    important.fill(important.input_value() + " " + TEA)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_text(TEA)).to_be_visible()
    check_page(page)
    assert TEA in AboutMe.objects.get(plan=cecilia.plan).important

    # Sharing with Grace: first without saying what for.
    page.get_by_role("link", name="Who the plan is shared with").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see the plan")
    check_page(page)
    page.get_by_role("button", name="Share the plan with someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share the plan with someone")
    check_page(page)
    page.get_by_label("Who do you want to share the plan with?").select_option(
        label="Grace Adeyemi (Daughter)")
    page.get_by_role("button", name="Share the plan").click()
    expect(page.locator(".nhsuk-error-message")).to_contain_text("Say what they may see")
    check_page(page)
    page.get_by_label("Who do you want to share the plan with?").select_option(
        label="Grace Adeyemi (Daughter)")
    page.get_by_label("What may they see the plan for?").fill(PURPOSE)
    page.get_by_role("button", name="Share the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see the plan")
    expect(page.get_by_text(PURPOSE)).to_be_visible()
    check_page(page)
    grant = ConsentGrant.objects.get(person=cecilia)
    assert grant.contact is not None
    assert grant.contact.name == "Grace Adeyemi"
    assert grant.is_current

    # She invites Grace to make an account, then thinks better of it and withdraws the link.
    page.get_by_role("link", name="Invite Grace Adeyemi to see it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invite Grace Adeyemi")
    check_page(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see the plan")
    expect(page.get_by_text("An invitation to sign in was sent to")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Withdraw the invitation").click()
    expect(page.get_by_text("The link no longer works")).to_be_visible()
    expect(page.get_by_role("link", name="Invite Grace Adeyemi to see it")).to_be_visible()
    check_page(page)
    assert Invitation.objects.get(person=cecilia, capacity=Capacity.CIRCLE).state == "withdrawn"

    # Who has looked at her plan.
    page.get_by_role("link", name=re.compile("See who has looked")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("looked")
    check_page(page)

    # A review now.
    page.goto(f"/my/{cecilia.pk}/")
    page.get_by_role("link", name="Ask for a review now").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a review now")
    check_page(page)
    page.get_by_label(re.compile("What would you like to talk about")).fill(
        "The new tablets make me sleepy in the afternoon")
    page.get_by_role("button", name="Ask for a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    check_page(page)
    asked = ReviewTrigger.objects.get(plan=cecilia.plan)
    assert asked.reason == TriggerReason.PERSON_REQUEST
    assert asked.raised_by.username == "cecilia.adeyemi@example.com"

    # Large print, her preferred format, is offered first.
    page.get_by_role("link", name="Download or print the plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Download")
    expect(page.get_by_text("Your preferred format").first).to_be_visible()
    check_page(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the whole plan")).click()
    download = download_info.value
    assert "large-print" in download.suggested_filename
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert AuditEvent.objects.filter(person=cecilia, action="plan.exported").exists()
