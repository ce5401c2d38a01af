"""The easy-read plan and one-page summary: plain, short fixed sentences around the person's own
words (never changed), headings in order, a picture beside each section, what happens next, and
real tagged PDFs."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pypdf
import pytest
from django.core.management import call_command

from ourplan.accounts.models import User
from ourplan.core.models import AuditEvent
from ourplan.core.presenters import format_date
from ourplan.demo.data import load_demo
from ourplan.exports.easy_read import MAX_WORDS, WORDS
from ourplan.exports.pictures import MAX_BYTES, PICTURES, SECTION_PICTURES
from ourplan.exports.plans import easy_read_html, export, plan_pdf
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS
from ourplan.reviews.inputs import review_due_now
from ourplan.testing import budgets as make_budget
from ourplan.testing.governance import named_coordinator
from ourplan.testing.pdfs import figures
from ourplan.testing.reviews import plan_in_action

pytestmark = pytest.mark.django_db

OWN_WORDS = ("I like my tea strong & hot, with 2 sugars; don't rush me!\n"
             "Sometimes I need a long time to say what I mean, and that is fine, because I get "
             "there in the end if you wait for me and listen carefully to what I say.")


@pytest.fixture
def cecilia():
    load_demo()
    return Person.objects.get(nhs_number="9990000018")


@pytest.fixture
def agreed(planner, person):
    """An agreed plan with the person's own words, an action, a budget, a contingency and a
    named coordinator."""
    plan, (outcome,) = plan_in_action(planner, person)
    plan_services.about_me_update(actor=planner, plan=plan, version=plan.about_me.version,
                                  data={"important": OWN_WORDS})
    plan_services.action_add(actor=planner, plan=plan, data={
        "outcome": outcome, "what": "Practise in my own kitchen", "owner_kind": "person"})
    contingencies = next(k for k in ENTRY_KINDS if k.slug == "contingencies")
    plan_services.entry_add(actor=planner, plan=plan, kind=contingencies, data={
        "triggers": "Bernard is away overnight", "what_should_happen": "Grace stays with me"})
    budget = make_budget.budget(planner, plan)
    make_budget.line(planner, budget, outcome)
    named_coordinator(person, name="", phone="01632 960 010",
                      user=User.objects.create(username="sam", first_name="Sam",
                                               last_name="Okafor"))
    plan.refresh_from_db()
    return plan


class _Page(HTMLParser):
    """Headings and paragraphs of a page, with the text of the plan (marked data-own-words)
    kept apart from our own fixed words; the pictures, and the pictures beside each heading
    (in the same two-column row, class "row")."""

    BLOCKS = ("h1", "h2", "h3", "h4", "p")
    VOID = ("br", "meta", "img")

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.fixed: list[str] = []  # our own words, one block at a time
        self.own: list[str] = []  # the plan's words, one element at a time
        self.images: list[dict[str, str | None]] = []
        self.beside: dict[str, list[str | None]] = {}  # h2/h3 text: alts of pictures beside it
        self._stack: list[tuple[str, bool, list[str | None] | None]] = []
        self._block: list[str] | None = None
        self._heading: list[str] | None = None

    def _row(self) -> list[str | None] | None:
        return next((row for _, _, row in reversed(self._stack) if row is not None), None)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
            if (row := self._row()) is not None:
                row.append(dict(attrs).get("alt"))
        if tag in self.VOID:
            return
        own = any(name == "data-own-words" for name, _ in attrs)
        row = [] if "row" in (dict(attrs).get("class") or "").split() else None
        self._stack.append((tag, own, row))
        if own:
            self.own.append("")
        if tag in self.BLOCKS and not own:
            self._block = []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(tag)
        if tag in ("h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        popped_tag, _, _ = self._stack.pop()
        assert popped_tag == tag, (popped_tag, tag)
        if tag in self.BLOCKS and self._block is not None:
            self.fixed.append("".join(self._block).strip())
            self._block = None
        if tag in ("h2", "h3") and self._heading is not None:
            self.beside[" ".join("".join(self._heading).split())] = self._row() or []
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        if any(own for _, own, _ in self._stack):
            self.own[-1] += data
        elif self._block is not None and "style" not in [t for t, _, _ in self._stack]:
            self._block.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+", " ".join(text.split())) if s]


def _read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _text(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_every_fixed_sentence_is_short():
    for key, words in WORDS.items():
        filled = words.format(amount="£20,000.00", date="29 November 2026", name="Sam Okafor",
                              phone="01632 960 010")
        for sentence in _sentences(filled):
            assert len(sentence.split()) <= MAX_WORDS, (key, sentence)


@pytest.mark.parametrize("one_page", [False, True])
def test_the_page_keeps_its_own_sentences_short_and_its_headings_in_order(agreed, one_page):
    page = _page(easy_read_html(agreed, one_page=one_page))

    assert page.headings[0] == "h1"
    assert page.headings.count("h1") == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert int(after[1]) <= int(before[1]) + 1, page.headings
    assert page.fixed
    for block in page.fixed:
        for sentence in _sentences(block):
            assert len(sentence.split()) <= MAX_WORDS, sentence


def test_the_persons_own_words_are_shown_exactly_as_written(agreed):
    page = _page(easy_read_html(agreed))

    assert OWN_WORDS in page.own  # not shortened, reworded or split
    assert "Practise in my own kitchen" in page.own
    assert agreed.outcomes.get().text in page.own


def test_what_happens_next_names_the_review_date_and_the_coordinator(agreed):
    html = easy_read_html(agreed)
    due = review_due_now(agreed)

    assert due is not None
    assert f"My plan will be checked again by {format_date(due.due_on)}." in html
    assert "My named coordinator is Sam Okafor." in html
    assert "Their phone number is 01632 960 010." in html


def test_a_plan_not_yet_agreed_says_so(planner, person):
    plan = plan_services.plan_start(actor=planner, person=person)

    html = easy_read_html(plan)

    assert "My plan is not agreed yet." in html
    assert "I do not have a named coordinator yet." in html
    assert "checked again by" not in html


def test_the_budget_is_money_for_my_care_and_named_as_a_personal_health_budget(agreed):
    html = easy_read_html(agreed)

    assert "<h2>Money for my care</h2>" in html
    assert "This is called a personal health budget." in html
    assert f"The money for my care is £{Decimal('20000.00'):,} a year." in html
    assert "Perching stool" in html


def test_the_one_page_summary_is_about_me_and_what_happens_next(agreed):
    html = easy_read_html(agreed, one_page=True)

    assert "What is important to me" in html
    assert "What happens next" in html
    assert "What I want to happen" not in html
    assert "Money for my care" not in html


def test_easy_read_is_big_and_spacious(agreed):
    html = easy_read_html(agreed)

    body = re.search(r"body \{([^}]*)\}", html)
    assert body is not None
    size = re.search(r"font-size: (\d+)pt", body.group(1))
    assert size is not None
    assert int(size.group(1)) >= 16
    assert "line-height: 1.6" in body.group(1)


def test_the_easy_read_pdf_is_tagged_titled_and_carries_the_persons_words(cecilia):
    reader = _read(export(cecilia.plan, "easy-read")[0])
    text = _text(reader)

    assert len(reader.pages) >= 1
    assert reader.metadata.title == "Cecilia Adeyemi: my plan in easy read"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Cecilia Adeyemi" in text
    assert "I love a good cup of tea (fine bone china cups only)" in text
    assert "What happens next" in text


def test_the_one_page_easy_read_pdf(cecilia):
    reader = _read(export(cecilia.plan, "one-page-easy-read")[0])

    assert reader.metadata.title == "Cecilia Adeyemi: my one-page summary in easy read"
    assert "Cecilia Adeyemi" in _text(reader)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_large_print_pdfs_render_with_the_persons_name(cecilia):
    whole = _read(plan_pdf(cecilia.plan, large_print=True))
    one_page = _read(export(cecilia.plan, "one-page-large-print")[0])

    for reader in (whole, one_page):
        assert len(reader.pages) >= 1
        assert "Cecilia Adeyemi" in _text(reader)
    assert one_page.metadata.title == "Cecilia Adeyemi: one-page summary"


def test_staff_download_easy_read_from_the_plan_page_and_it_is_audited(client, cecilia):
    sam = User.objects.get(username="sam.okafor")
    client.force_login(sam)

    page = client.get(f"/people/{cecilia.pk}/plan/")
    response = client.get(f"/people/{cecilia.pk}/plan/export/easy-read/")
    one_page = client.get(f"/people/{cecilia.pk}/plan/export/one-page-easy-read/")

    assert f"/people/{cecilia.pk}/plan/export/easy-read/" in page.content.decode()
    assert response["Content-Type"] == "application/pdf"
    assert (response["Content-Disposition"]
            == 'attachment; filename="plan-9990000018-easy-read.pdf"')
    assert "Cecilia Adeyemi" in _text(_read(response.content))
    assert one_page["Content-Disposition"].endswith('-one-page-easy-read.pdf"')
    formats = [e.changes["format"] for e in
               AuditEvent.objects.filter(action="plan.exported", actor=sam)]
    assert sorted(formats) == ["easy-read", "one-page-easy-read"]


@pytest.mark.parametrize("fmt", ["easy-read", "one-page-easy-read"])
def test_the_command_writes_easy_read(cecilia, tmp_path, fmt):
    out = tmp_path / "plan.pdf"

    call_command("export_plan", "999 000 0018", "--format", fmt, "--out", str(out))

    reader = _read(out.read_bytes())
    assert "easy read" in reader.metadata.title
    assert "Cecilia Adeyemi" in _text(reader)
    assert AuditEvent.objects.filter(action="plan.exported", person=cecilia,
                                     channel="command").get().changes == {"format": fmt}


def test_each_picture_is_small_simple_and_drawn_by_us():
    assert len(PICTURES) >= 10
    for name, picture in PICTURES.items():
        svg = picture.svg
        assert len(svg.encode()) <= MAX_BYTES, (name, len(svg.encode()))
        tags = set(re.findall(r"<(\w+)", svg))
        assert tags <= {"svg", "title", "g", "path", "circle", "rect"}, name  # shapes only
        for outside in ("href", "url(", "font", "<text"):
            assert outside not in svg, (name, outside)
        assert svg.count("http") == 1  # the SVG namespace, nothing fetched
        assert picture.alt.strip(), name
        assert len(picture.alt.split()) <= 8, name
        assert base64.b64decode(picture.src.split(",", 1)[1]).decode() == svg
    for names in SECTION_PICTURES.values():
        assert all(name in PICTURES for name in names)


def test_every_section_heading_has_its_picture_with_alt_text(cecilia):
    sam = User.objects.get(username="sam.okafor")
    make_budget.line(sam, make_budget.budget(sam, cecilia.plan), cecilia.plan.outcomes.first())
    page = _page(easy_read_html(cecilia.plan))

    for key in ("about", "working", "outcomes", "money", "health", "risks", "contingencies",
                "people", "next"):  # every section heading (h2)
        alts = page.beside[WORDS[key]]
        assert alts, key
        assert all(alt and alt.strip() for alt in alts), key
    for key, names in SECTION_PICTURES.items():
        assert page.beside[WORDS[key]] == [PICTURES[n].alt for n in names], key


@pytest.mark.parametrize("one_page", [False, True])
def test_pictures_are_inline_with_alt_text_and_nothing_is_fetched(agreed, one_page):
    html = easy_read_html(agreed, one_page=one_page)
    page = _page(html)

    assert page.images
    for img in page.images:
        assert (img.get("alt") or "").strip()
        src = img.get("src") or ""
        assert src.startswith("data:image/svg+xml;base64,")
        assert len(base64.b64decode(src.split(",", 1)[1])) <= MAX_BYTES
    assert not re.search(r"(?:https?:)?//", html.replace("data:image/svg+xml;base64,", ""))
    assert not re.search(r"\b(?:src|href)=\"(?!data:)", html)
    assert "url(" not in html
    assert "@import" not in html
    if one_page:
        assert page.beside[WORDS["about"]] == ["A person"]
        assert page.beside[WORDS["next"]] == ["A calendar"]


def test_the_easy_read_pdf_has_its_pictures_as_tagged_figures_with_alt_text(agreed):
    reader = _read(export(agreed, "easy-read")[0])
    one_page = _read(export(agreed, "one-page-easy-read")[0])

    assert "/StructTreeRoot" in reader.root_object
    assert reader.root_object["/MarkInfo"]["/Marked"]  # type: ignore[index]
    alts = figures(reader)
    shown = [PICTURES[n].alt for names in SECTION_PICTURES.values() for n in names]
    assert all(alt in shown for alt in alts)
    assert {"A person", "A heart", "A thumbs up", "A thumbs down", "A target, for my goals",
            "A pound coin", "A phone", "Two people", "A calendar"} <= set(alts)
    assert figures(one_page) == ["A person", "A heart", "A calendar"]
    assert "Practise in my own kitchen" in _text(reader)
