"""What a person (or someone acting for them) can download of their plan: the whole plan and the
one-page summary, each as a standard, large-print or easy-read PDF, the person's preferred
format (their Accessible Information Standard needs, `Person.information_formats`) first."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from ourplan.people.choices import InformationFormat
from ourplan.people.models import Person

STANDARD, LARGE_PRINT, EASY_READ = "standard", "large_print", "easy_read"

VARIANT_LABELS = {STANDARD: "Standard PDF", LARGE_PRINT: "Large print PDF",
                  EASY_READ: "Easy read PDF"}
VARIANT_HINTS = {
    STANDARD: "As it is written, in normal-sized text.",
    LARGE_PRINT: "Bigger text, so it is easier to read.",
    EASY_READ: "Short sentences and plain words, with big headings.",
}
# How a recorded preference is named on the page (none recorded: no sentence about it).
PREFERENCE_NAMES = {LARGE_PRINT: "large print", EASY_READ: "easy read"}
# The recorded information formats that choose a variant, in the person's own order.
FORMAT_VARIANTS = {InformationFormat.LARGE_PRINT: LARGE_PRINT,
                   InformationFormat.EASY_READ: EASY_READ}


@dataclass(frozen=True)
class Document:
    key: str
    heading: str
    filename: str
    formats: dict[str, str]  # variant -> export format (ourplan.exports.plans.FORMATS)
    size_hint: str  # the files are small; a test checks a full plan stays under this


DOCUMENTS = (
    Document("plan", "The whole plan", "plan",
             {STANDARD: "pdf", LARGE_PRINT: "large-print", EASY_READ: "easy-read"},
             "under 500 KB"),
    Document("one-page", "The one-page summary", "one-page-summary",
             {STANDARD: "one-page-pdf", LARGE_PRINT: "one-page-large-print",
              EASY_READ: "one-page-easy-read"},
             "under 100 KB"),
)
DOWNLOAD_FORMATS = {fmt: (doc, variant) for doc in DOCUMENTS
                    for variant, fmt in doc.formats.items()}


@dataclass(frozen=True)
class Download:
    fmt: str
    label: str
    hint: str
    size_hint: str
    preferred: bool


def preferred_variant(person: Person) -> str:
    """Large print or easy read if the person's record asks for it (the first of them they
    gave), else the standard PDF."""
    for recorded in person.information_formats or []:
        if recorded in FORMAT_VARIANTS:
            return FORMAT_VARIANTS[recorded]
    return STANDARD


def downloads_of(document: Document, person: Person) -> list[Download]:
    """The document's files, the person's preferred format first."""
    preferred = preferred_variant(person)
    order = [preferred, *(v for v in (STANDARD, LARGE_PRINT, EASY_READ) if v != preferred)]
    return [Download(fmt=document.formats[v], label=VARIANT_LABELS[v], hint=VARIANT_HINTS[v],
                     size_hint=f"PDF, {document.size_hint}", preferred=v == preferred)
            for v in order]


def filename_for(person: Person, fmt: str) -> str:
    """A name that says whose it is, what it is and which format: cecilia-adeyemi-plan-large-
    print.pdf. No NHS number: a phone's downloads folder is not a private place."""
    document, variant = DOWNLOAD_FORMATS[fmt]
    suffix = "" if variant == STANDARD else f"-{variant.replace('_', '-')}"
    whose = slugify(person.full_name)  # empty for a name with no Latin letters
    return f"{whose + '-' if whose else ''}{document.filename}{suffix}.pdf"
