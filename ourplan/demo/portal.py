"""The demo's portal account: Linda Ellison, Mark's mum, who is his deputy (appointed by the
Court of Protection) and the nominee who manages his direct payment. Jo, his coordinator,
invites her in both capacities and she accepts, through the same services the pages use."""

from __future__ import annotations

from typing import Any

from django.db import transaction

LINDA_EMAIL = "linda.ellison@example.com"
LINDA_SUMMARY = "Mark's mum: his deputy and the nominee for his direct payment"


@transaction.atomic
def load_demo_portal(users: dict[str, Any], password: str) -> int:
    """Returns 1 if Linda's account was added."""
    from ourplan.accounts.models import User
    from ourplan.people.models import Person
    from ourplan.portal.invitations import NewAccount, invitation_accept, invitation_send
    from ourplan.portal.models import Capacity

    if User.objects.filter(username=LINDA_EMAIL).exists():
        return 0
    mark = Person.objects.get(nhs_number="9990000026")
    linda = mark.personal_contacts.get(name="Linda Ellison")
    jo = users["jo.bennett"]
    _, link = invitation_send(actor=jo, person=mark, capacity=Capacity.REPRESENTATIVE,
                              email=LINDA_EMAIL, contact=linda)
    access = invitation_accept(raw_token=link, account=NewAccount(
        given_name="Linda", family_name="Ellison", email=LINDA_EMAIL, password=password))
    account = access.user
    _, link = invitation_send(actor=jo, person=mark, capacity=Capacity.NOMINEE,
                              email=LINDA_EMAIL, contact=linda)
    invitation_accept(raw_token=link, user=account)
    User.objects.filter(pk=account.pk).update(is_persona=True, persona_summary=LINDA_SUMMARY)
    return 1
