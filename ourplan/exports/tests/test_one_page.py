"""The one-page summary fits one A4 page in every format (standard, large print, easy read) for
the demo people and for as many words as each format's page holds at its own text size; when the
person's words are longer it runs on to the next page cleanly: every word there, no heading left
at the foot of a page. Real PDFs, read with pypdf."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from ourplan.demo.data import load_demo
from ourplan.exports.easy_read import WORDS
from ourplan.exports.plans import export
from ourplan.plans import services as plan_services
from ourplan.plans.models import Plan
from ourplan.testing.factories import PersonFactory, TeamAllocationFactory, UserFactory
from ourplan.testing.governance import named_coordinator
from ourplan.testing.pdfs import figures
from ourplan.testing.reviews import plan_in_action

pytestmark = pytest.mark.django_db

STANDARD, LARGE_PRINT, EASY_READ = "one-page-pdf", "one-page-large-print", "one-page-easy-read"
FORMATS = (STANDARD, LARGE_PRINT, EASY_READ)

# How many characters in each of the three sections (what people like about me, what matters
# to me, how to support me, with a short health line) still fit one A4 page, at each format's
# own text size: 11pt, large print 18pt, easy read 16pt with a picture beside each section and
# its fixed sentences around the person's words. Measured with the longest fixed words (a plan
# agreed, with a review date and a named coordinator's phone number).
HOLDS = {STANDARD: 600, LARGE_PRINT: 300, EASY_READ: 125}
# The smallest text each format may use, the page number included.
SMALLEST = {LARGE_PRINT: 18, EASY_READ: 16}
LONG = 4000  # more than any format's page holds

# The headings of each format's one-page summary: none may be the last line of a page.
HEADINGS = {
    STANDARD: ("About me", "What people appreciate about me", "What is important to me",
               "How best to support me", "My health, in brief"),
    EASY_READ: tuple(WORDS[k] for k in ("about", "appreciated", "important", "support",
                                        "health_summary", "next")),
}
HEADINGS[LARGE_PRINT] = HEADINGS[STANDARD]

# Sentences a person might write in each section of their one-page profile.
SAID = {
    "appreciated": (
        "People say I am kind, patient and funny, and that I always remember birthdays.",
        "I am a good listener and friends ring me when they need to talk things through.",
        "I worked as a school cook for twenty years and I still love feeding people.",
        "I am proud of my garden, which I planted myself, and neighbours ask me about roses.",
        "I am honest and straightforward, and I will tell you if something is not right.",
        "My grandchildren say I tell the best stories, especially about growing up by the sea.",
        "I keep going when things are hard, and I make the best of every day I have.",
        "I am good at fixing things around the house and I like to be useful.",
    ),
    "important": (
        "My husband Bernard and our two children, Grace and Daniel, and our grandchildren.",
        "Talking to my sisters every Sunday evening on the phone for an hour.",
        "Going to church every Sunday morning and having coffee with my friends afterwards.",
        "My own routine: getting up slowly, tea in my china cup, then the radio news.",
        "Keeping my independence and making my own choices, even small ones like what to wear.",
        "Staying in my own home, where I have lived for thirty years.",
        "Having my hair done every Friday at the salon on the corner of our road.",
        "Sitting in my garden when it is warm, with the birds and the roses.",
    ),
    "support": (
        "Please give me time to answer: since my stroke my words come slowly.",
        "Speak to me, and not only to Bernard.",
        "I am unsteady on my feet, so remind me to use my walker, especially at night.",
        "Help me put my CPAP mask on properly at bedtime.",
        "Let me do what I can for myself and offer help before taking over.",
        "I get tired in the afternoon, so plan important things for the morning.",
        "If I seem low, sit with me and talk about my family; it helps.",
        "Tell me who you are each time you come, and what you are going to do.",
        "Please knock and wait before you come in.",
        "Keep my walker within reach.",
    ),
}
HEALTH = "Stroke two years ago. I use a walker and a CPAP machine at night. I have a stoma."


def _about(section: str, length: int) -> str:
    """About `length` characters of whole sentences for `section` (never more)."""
    text = ""
    for sentence in SAID[section]:
        if len(text) + len(sentence) + 1 > length:
            break
        text = f"{text} {sentence}".strip()
    return text


def _long(length: int) -> str:
    """`length` characters of the person's own words, each sentence different, so a dropped
    line would show."""
    sentences = [f"On day {n} what matters to me is {s[0].lower()}{s[1:]}"
                 for n, s in enumerate(SAID["important"] * 40, start=1)]
    return " ".join(sentences)[:length].rsplit(" ", 1)[0] + "."


def _pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text, without the page number in the margin."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged (PDF/UA)
    return [[line.strip() for line in page.extract_text().splitlines()
             if line.strip() and not re.fullmatch(r"Page \d+ of \d+", line.strip())]
            for page in reader.pages]


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def agreed(planner, team):
    """An agreed plan with a review date and a named coordinator with a phone number: the
    easy read's "what happens next" at its longest."""
    person = PersonFactory(given_name="Bernadette", family_name="Okonkwo-Fairweather")
    TeamAllocationFactory(team=team, person=person)
    plan, _ = plan_in_action(planner, person)
    named_coordinator(person, name="", phone="01632 960 010",
                      user=UserFactory(first_name="Sam", last_name="Okafor"))
    return plan


def _write(planner, plan: Plan, **about: str) -> Plan:
    plan.refresh_from_db()
    plan_services.about_me_update(actor=planner, plan=plan, version=plan.about_me.version,
                                  data=about)
    plan.refresh_from_db()
    return plan


def _smallest_text(pdf: bytes) -> float:
    """The size, in points, of the smallest text drawn anywhere in the PDF."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(abs(size * tm[3] * cm[3]))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return round(min(sizes), 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_demo_persons_summary_fits_one_page(fmt):
    load_demo()

    pages = {plan.person.full_name: len(_pages(export(plan, fmt)[0]))
             for plan in Plan.objects.select_related("person")}

    assert "Cecilia Adeyemi" in pages
    assert pages == dict.fromkeys(pages, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_summary_of_usual_length_fits_one_page(planner, agreed, fmt):
    about = {name: _about(name, HOLDS[fmt]) for name in SAID}
    plan = _write(planner, agreed, **about, health_summary=HEALTH)

    pages = _pages(export(plan, fmt)[0])

    assert len(pages) == 1
    text = _squeezed(" ".join(pages[0]))
    for words in (*about.values(), HEALTH):
        assert _squeezed(words) in text


def test_the_standard_summary_holds_600_characters_in_each_section(planner, agreed):
    about = {name: _about(name, 600) for name in SAID}
    plan = _write(planner, agreed, **about, health_summary=HEALTH)

    assert all(len(words) > 550 for words in about.values())
    assert len(_pages(export(plan, STANDARD)[0])) == 1


@pytest.mark.parametrize("fmt", [LARGE_PRINT, EASY_READ])
def test_the_text_is_not_made_smaller_to_fit(planner, agreed, fmt):
    plan = _write(planner, agreed, **{name: _about(name, HOLDS[fmt]) for name in SAID},
                  health_summary=HEALTH)

    pdf = export(plan, fmt)[0]

    assert len(_pages(pdf)) == 1
    assert _smallest_text(pdf) >= SMALLEST[fmt]


def test_the_easy_read_summary_keeps_a_picture_beside_its_sections(planner, agreed):
    plan = _write(planner, agreed, **{name: _about(name, HOLDS[EASY_READ]) for name in SAID},
                  health_summary=HEALTH)

    pdf = export(plan, EASY_READ)[0]

    assert len(_pages(pdf)) == 1
    assert figures(pdf) == ["A person", "A heart", "A calendar"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("section", ["appreciated", "important", "support", "health_summary"])
def test_longer_words_run_on_to_the_next_page_whole(planner, agreed, fmt, section):
    about = {name: _about(name, 300) for name in SAID} | {"health_summary": HEALTH}
    about[section] = _long(LONG)
    plan = _write(planner, agreed, **about)

    pages = _pages(export(plan, fmt)[0])

    assert len(pages) > 1
    text = _squeezed(" ".join(line for page in pages for line in page))
    for words in about.values():
        assert _squeezed(words) in text  # nothing cut off or left out
    for page in pages[:-1]:
        assert page[-1] not in HEADINGS[fmt], page[-3:]  # no heading alone at the foot
