"""Demo organisations, teams, personas and people, drawn from the seed stories.

Every organisation, team and user is keyed by its ODS code or username, and every person by NHS
number, so loading twice changes nothing. People, circles and care teams are added through the
same services the pages use (so the demo has a true audit trail)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ourplan.accounts.models import (
    HubModel,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    TeamKind,
    User,
)
from ourplan.demo.budgets import load_demo_budgets
from ourplan.demo.governance import load_delegated_authority, load_demo_sign_off
from ourplan.demo.portal import load_demo_portal
from ourplan.people import services
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import Plan
from ourplan.reviews.services import review_schedule_refresh

ORGANISATIONS = [
    ("QRV", "NHS Riverside Integrated Care Board", OrganisationKind.ICB, None),
    ("RVLA1", "Riverside Borough Council", OrganisationKind.LOCAL_AUTHORITY, None),
    ("RVT", "Riverside Community Health NHS Trust", OrganisationKind.NHS_PROVIDER, "QRV"),
    ("Y99001", "Brookside Surgery", OrganisationKind.GP_PRACTICE, "QRV"),
    ("VC001", "Riverside Carers and Independent Support", OrganisationKind.VCSE, None),
]

TEAMS = [
    # (name, organisation ODS code, kind, hub model)
    ("Riverside Integrated Care Hub", "QRV", TeamKind.MDT_HUB, HubModel.VIRTUAL),
    ("Personal Health Budgets Team", "QRV", TeamKind.PHB, ""),
    ("Risk Enablement Panel", "QRV", TeamKind.PANEL, ""),
    ("Adult Social Care North", "RVLA1", TeamKind.SERVICE, ""),
]

HUB, PHB, PANEL, SOCIAL_CARE = (t[0] for t in TEAMS)

# (username, first, last, role, organisation, teams, job title, summary)
PERSONAS = [
    ("priya.shah", "Priya", "Shah", Role.PRACTITIONER, "RVT", [HUB], "District nurse",
     "Visits Cecilia at home; on the hub"),
    ("sam.okafor", "Sam", "Okafor", Role.NAMED_COORDINATOR, "RVLA1", [HUB, SOCIAL_CARE],
     "Social worker", "Cecilia's named coordinator"),
    ("jo.bennett", "Jo", "Bennett", Role.CARE_COORDINATOR, "QRV", [PHB],
     "PHB care coordinator", "Coordinates Mark's personal health budget"),
    ("alex.morgan", "Alex", "Morgan", Role.BROKER, "VC001", [PHB],
     "Independent support broker", "Helps people employ personal assistants"),
    ("helen.price", "Helen", "Price", Role.TEAM_MANAGER, "QRV", [HUB, PHB],
     "Hub team manager", "Manages the integrated care hub"),
    ("david.clarke", "David", "Clarke", Role.COMMISSIONER, "QRV", [PHB],
     "PHB commissioner", "Signs off plans and budgets for the ICB"),
    ("nadia.khan", "Nadia", "Khan", Role.CLINICAL_DIRECTOR, "QRV", [PHB],
     "Clinical director", "Signs off plans with high risk or a large budget"),
    ("ruth.evans", "Ruth", "Evans", Role.PANEL_MEMBER, "QRV", [PANEL],
     "Risk enablement panel member", "Hears hard decisions at panel"),
    ("tom.hughes", "Tom", "Hughes", Role.ADMINISTRATOR, "QRV", [],
     "Information governance administrator", "Sees who looked at records"),
]

DEMO_PASSWORD = "ourplan-demo-password"

PEOPLE: list[dict[str, Any]] = [
    {
        "team": HUB, "by": "sam.okafor",
        "person": {
            "nhs_number": "9990000018", "given_name": "Cecilia", "family_name": "Adeyemi",
            "preferred_name": "Cece", "date_of_birth": dt.date(1956, 4, 12), "sex": "female",
            "address_line_1": "14 Willow Walk", "town": "Riverside", "postcode": "RV1 2AB",
            "phone": "01632 960 001", "first_language": "English",
            "information_formats": ["large_print"], "marital_status": "married",
            "communication_needs": (
                "Since my stroke I get tired in long conversations. Short visits, one thing at "
                "a time, and large print letters help."
            ),
        },
        "circle": [
            {"name": "Bernard Adeyemi", "relationship": "Husband (married 36 years)",
             "contact_types": ["carer", "next_of_kin", "emergency_contact"],
             "phone": "01632 960 002"},
            {"name": "Grace Adeyemi", "relationship": "Daughter",
             "contact_types": ["emergency_contact"], "phone": "07700 900 123",
             "email": "grace.adeyemi@example.com",
             "notes": "Lives two hours away; hard to visit often"},
            {"name": "Daniel Adeyemi", "relationship": "Son", "contact_types": []},
            {"name": "Florence Okoro", "relationship": "Sister",
             "contact_types": [], "notes": "They call each other every week"},
        ],
        # Prepared: her one-page profile, working / not working and health are done.
        "plan": {
            "kind": "full",
            "support": {"confidence": 3,
                        "involved": "My husband Bernard, my daughter Grace and Sam, my named "
                                    "coordinator"},
            # Her one-page profile and working / not working, from the NCL training seed.
            "about_me": {
                "appreciated": "Funny, organised, a good listener, I like to talk to people, "
                               "positive.",
                "important": "My husband and my 2 children. Keeping in touch with my sisters: "
                             "we call each other once a week. My high school friends: we used "
                             "to meet up once a month for lunch. I love a good cup of tea (fine "
                             "bone china cups only).",
                "support": "I am unsteady on my feet. I use a walker but sometimes forget I "
                           "need it. CPAP, medication, and help with physical tasks since my "
                           "stroke.",
                "health_summary": "Stroke. I use a walker and a CPAP machine at night. I have "
                                  "a stoma.",
                "written_with": "Sam Okafor, my named coordinator",
            },
            "working": [
                ("working", "Live with my husband: we have been married for 36 years"),
                ("working", "Speak with my sisters weekly"),
                ("working", "Excellent specialists and consultants know me really well"),
                ("working", "New stoma service provider is brilliant: much more confident now"),
                ("not_working", "I can't go out for lunch with my friends: often waiting for "
                                "the district nurse. I feel left out"),
                ("not_working", "I miss being able to keep the garden nice"),
                ("not_working", "It's difficult to see my daughter"),
                ("not_working", "Lots of medication changes have left me confused and out of "
                                "routine. I used to manage them really well"),
                ("not_working", "I can't make a cup of tea on my own any more, and new carers "
                                "never know how I like it"),
                ("strength", "Funny, organised and a good listener"),
            ],
            "outcomes": [
                ({"need": "Help with physical tasks since my stroke",
                  "text": "I can make a cup of tea on my own, the way I like it, in my fine "
                          "bone china cup",
                  "barriers": "My right hand is weak and the kettle is heavy",
                  "solution_traditional": "Carers make tea at each visit",
                  "solution_different": "A kettle tipper and practice with the occupational "
                                        "therapist",
                  "rough_cost": "35.00", "importance": "high"},
                 [{"what": "Practise making tea in my own kitchen", "owner_kind": "service",
                   "owner": "Community occupational therapist"},
                  {"what": "Find a lighter kettle and a kettle tipper", "owner_kind": "circle",
                   "owner": "Bernard"}]),
                ({"need": "Social contact and wellbeing",
                  "text": "I go out for lunch with my high school friends once a month",
                  "barriers": "I am often waiting in for the district nurse",
                  "solution_different": "Agree a set visit time with the district nurses on "
                                        "lunch days",
                  "importance": "high"},
                 [{"what": "Agree a fixed visit time on the first Thursday of each month",
                   "owner_kind": "service", "owner": "District nursing team"}]),
            ],
            "entries": [
                ("conditions", {"name": "Stroke (2025)",
                                "how_it_affects_me": "My right side is weak and I get tired"}),
                ("conditions", {"name": "Sleep apnoea",
                                "how_it_affects_me": "I use a CPAP machine every night"}),
                ("medication", {"name": "Clopidogrel", "dose_and_timing": "75 mg each morning",
                                "what_for": "To prevent another stroke"}),
                ("risks", {"description": "I might fall if I forget my walker",
                           "kind": "clinical", "approach": "minimise",
                           "mitigation": "Walker kept by my chair; Bernard reminds me",
                           "owner": "Cecilia and Bernard"}),
                ("risks", {"description": "I want to walk to the corner shop on my own, even "
                                          "though I might fall",
                           "kind": "personal", "approach": "take",
                           "mitigation": "I take my walker and my mobile phone, and tell "
                                         "Bernard when I leave and get back",
                           "owner": "Cecilia"}),
                ("contingencies", {"triggers": "Bernard is ill or away overnight",
                                   "what_should_happen": "My daughter Grace stays, or the "
                                                         "hub arranges a night sitter",
                                   "who_to_contact": "Grace 07700 900 123; hub 01632 960 010"}),
            ],
            "completed": ["about_me", "working", "health"],
            "moves": ["prepare", "hold_conversation"],
        },
        "care_team": [
            {"user": "sam.okafor", "role": "Social worker", "team": HUB,
             "is_named_coordinator": True},
            {"user": "priya.shah", "role": "District nurse", "team": HUB},
            {"name": "Dr Amina Yusuf", "role": "GP", "organisation": "Y99001"},
            {"name": "Stoma care service", "role": "Specialist nurse", "organisation": "RVT"},
        ],
    },
    {
        "team": PHB, "by": "jo.bennett",
        "person": {
            "nhs_number": "9990000026", "given_name": "Mark", "family_name": "Ellison",
            "date_of_birth": dt.date(1998, 9, 3), "sex": "male",
            "address_line_1": "2 Station Road", "town": "Riverside", "postcode": "RV3 7QT",
            "first_language": "English", "information_formats": ["easy_read"],
            "communication_needs": (
                "I use some words and lots of signs. My mum and my PAs know what I mean."
            ),
        },
        "circle": [
            {"name": "Linda Ellison", "relationship": "Mum",
             "contact_types": ["carer", "next_of_kin", "representative", "nominee"],
             "representative_basis": "court_deputy", "phone": "07700 900 456",
             "email": "linda.ellison@example.com"},
            {"name": "Chris Ellison", "relationship": "Brother",
             "contact_types": ["emergency_contact"]},
        ],
        # Earlier on: his plan is being prepared.
        "plan": {"kind": "full", "support": {}, "completed": ["about_me"],
                 "moves": ["prepare"]},
        "care_team": [
            {"user": "jo.bennett", "role": "PHB care coordinator", "team": PHB,
             "is_named_coordinator": True},
            {"user": "alex.morgan", "role": "Independent support broker"},
            {"name": "Dr Amina Yusuf", "role": "GP", "organisation": "Y99001"},
        ],
    },
    {
        "team": HUB, "by": "priya.shah",
        "person": {
            "nhs_number": "9990000034", "given_name": "Gwen", "family_name": "Roberts",
            "date_of_birth": dt.date(1941, 1, 30), "sex": "female",
            "address_line_1": "Flat 3, Mill Court", "town": "Riverside", "postcode": "RV2 5DD",
            "first_language": "Welsh", "information_formats": ["telephone"],
            "communication_needs": "Prefers a phone call to a letter.",
        },
        "circle": [
            {"name": "Megan Roberts", "relationship": "Granddaughter (aged 16)",
             "contact_types": ["young_carer"]},
        ],
        "care_team": [{"user": "priya.shah", "role": "District nurse", "team": HUB}],
    },
    {
        "team": SOCIAL_CARE, "by": "sam.okafor",
        "person": {
            "nhs_number": "9990000042", "given_name": "Harold", "family_name": "Jenkins",
            "date_of_birth": dt.date(1950, 11, 2), "sex": "male",
            "address_line_1": "9 Canal Street", "town": "Riverside", "postcode": "RV4 1HE",
            "first_language": "English",
        },
        "circle": [
            {"name": "Riverside Advocacy", "relationship": "Independent advocate",
             "contact_types": ["advocate"]},
        ],
        "care_team": [],
    },
    {
        "team": PHB, "by": "jo.bennett",
        "person": {
            "nhs_number": "9990000069", "given_name": "Margaret", "family_name": "Hale",
            "date_of_birth": dt.date(1947, 2, 8), "sex": "female",
            "address_line_1": "5 Weir Cottages", "town": "Riverside", "postcode": "RV2 8LP",
            "first_language": "English",
        },
        "circle": [
            {"name": "Peter Hale", "relationship": "Husband",
             "contact_types": ["carer", "next_of_kin"]},
        ],
        "care_team": [{"user": "jo.bennett", "role": "PHB care coordinator", "team": PHB,
                       "is_named_coordinator": True}],
    },
    {
        "team": PHB, "by": "jo.bennett",
        "person": {
            "nhs_number": "9990000050", "given_name": "Leo", "family_name": "Ahmed",
            "date_of_birth": dt.date(2015, 6, 14), "sex": "male",
            "address_line_1": "31 Orchard Rise", "town": "Riverside", "postcode": "RV5 3JN",
            "first_language": "English",
            "communication_needs": "Leo uses a few words and a communication book.",
        },
        "circle": [
            {"name": "Samira Ahmed", "relationship": "Mum",
             "contact_types": ["carer", "next_of_kin", "representative"],
             "representative_basis": "parent", "phone": "07700 900 789"},
        ],
        "care_team": [
            {"user": "jo.bennett", "role": "PHB care coordinator", "team": PHB,
             "is_named_coordinator": True},
        ],
    },
]


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create whatever of the demo is missing. Returns how many of each were added."""
    added = {"organisations": 0, "teams": 0, "personas": 0, "people": 0, "budgets": 0,
             "authority levels": 0, "plans waiting for sign-off": 0, "portal accounts": 0}
    orgs: dict[str, Organisation] = {}
    for code, name, org_kind, parent in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(
            ods_code=code, defaults={"name": name, "kind": org_kind,
                                     "parent": orgs.get(parent) if parent else None},
        )
        orgs[code] = org
        added["organisations"] += created
    added["authority levels"] = load_delegated_authority(orgs["QRV"])
    teams: dict[str, Team] = {}
    for name, code, kind, hub_model in TEAMS:
        team, created = Team.objects.get_or_create(
            name=name, organisation=orgs[code], defaults={"kind": kind, "hub_model": hub_model}
        )
        teams[name] = team
        added["teams"] += created
    users: dict[str, User] = {}
    for username, first, last, role, code, team_names, title, summary in PERSONAS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "role": role,
                      "organisation": orgs[code], "job_title": title, "is_persona": True,
                      "persona_summary": summary, "email": f"{username}@riverside.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.teams.set([teams[t] for t in team_names])
        users[username] = user
        added["personas"] += created

    for story in PEOPLE:
        if Person.objects.filter(nhs_number=story["person"]["nhs_number"]).exists():
            continue
        actor = users[story["by"]]
        data = {"gp_practice": orgs["Y99001"], **story["person"]}
        person = services.person_create(actor=actor, data=data, team=teams[story["team"]])
        for contact in story["circle"]:
            services.personal_contact_add(actor=actor, person=person, data=contact)
        for member in story["care_team"]:
            fields = dict(member)
            if "user" in fields:
                fields["user"] = users[fields["user"]]
            if "team" in fields:
                fields["team"] = teams[fields["team"]]
            if "organisation" in fields:
                fields["organisation"] = orgs[fields["organisation"]]
            services.care_team_member_add(actor=actor, person=person, data=fields)
        if "plan" in story:
            _demo_plan(actor, person, story["plan"])
        added["people"] += 1
    added["budgets"] = load_demo_budgets(users)
    added["plans waiting for sign-off"] = load_demo_sign_off(users)
    added["portal accounts"] = load_demo_portal(users, DEMO_PASSWORD)
    # Next review dates, as the nightly refresh would set them.
    for plan in Plan.objects.select_related("person"):
        review_schedule_refresh(plan=plan)
    return added


def _demo_plan(actor: User, person: Person, spec: dict[str, Any]) -> None:
    plan = plan_services.plan_start(actor=actor, person=person, kind=spec["kind"])
    if spec["support"]:
        plan = plan_services.plan_record_support_needs(actor=actor, plan=plan,
                                                       version=plan.version,
                                                       data=spec["support"])
    if spec.get("about_me"):
        plan_services.about_me_update(actor=actor, plan=plan, version=1, data=spec["about_me"])
    for kind, text in spec.get("working", []):
        plan_services.working_entry_add(actor=actor, plan=plan,
                                        data={"kind": kind, "text": text})
    for slug, entry in spec.get("entries", []):
        plan_services.entry_add(actor=actor, plan=plan, kind=ENTRY_KINDS_BY_SLUG[slug],
                                data=entry)
    for outcome_data, actions in spec.get("outcomes", []):
        outcome = plan_services.outcome_add(actor=actor, plan=plan, data=outcome_data)
        for action in actions:
            plan_services.action_add(actor=actor, plan=plan,
                                     data={**action, "outcome": outcome})
    plan.refresh_from_db()
    for section in spec["completed"]:
        plan = plan_services.plan_section_set_status(actor=actor, plan=plan,
                                                     version=plan.version, section=section,
                                                     status="completed")
    for move in spec["moves"]:
        plan = plan_services.TRANSITION_SERVICES[move](actor=actor, plan=plan,
                                                       version=plan.version)
