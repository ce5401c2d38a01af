"""Harold agrees his plan himself, on his phone: his coordinator has changed the plan since he
agreed it, so it is ready to agree again; he reads it, forgets to tick the statements, then
ticks them and agrees. axe-core and the reflow check on every page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.models import AgreedBy, PlanVersion
from ourplan.testing.portal import the_person
from tests.browser.reflow import check_page

PASSWORD = "Allotment-dog-walk-1948"


def test_harold_agrees_his_changed_plan_on_his_phone(phone_page: Page):
    page = phone_page
    harold = Person.objects.get(nhs_number="9990000042")
    plan = harold.plan
    staff = next(u for u in User.objects.filter(is_active=True)
                 if not u.is_portal_user and u.has_perm("plans.change_plan", harold))
    plan_services.about_me_update(actor=staff, plan=plan, version=plan.about_me.version,
                                  data={"important": "Walking Bess on the common every morning"})
    account = the_person(harold)
    account.set_password(PASSWORD)
    account.save()

    page.goto("/sign-in/")
    page.get_by_label("Username", exact=False).first.fill(account.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_role("heading", name="The plan is ready to agree")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree your plan")
    expect(page.get_by_text("Since the plan was last agreed")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="I agree to this plan").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator(".nhsuk-error-message")).to_contain_text("Tick each statement")
    check_page(page)
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="I agree to this plan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_text("The plan is agreed (version 2)")).to_be_visible()
    expect(page.get_by_role("heading", name="The plan is ready to agree")).to_have_count(0)
    check_page(page)
    agreed = PlanVersion.objects.get(plan=plan, number=2)
    assert (agreed.agreed_by, agreed.recorded_by) == (AgreedBy.PERSON, account)
