"""Simple pictures for the easy read, one beside each section, drawn here as small SVGs.

Easy read (NHS, Mencap) puts a clear picture beside each heading or idea: picture on the left,
short words on the right. These are our own drawings: thick dark outlines, a few strong colours,
no text, fonts, external files or network. Each is under MAX_BYTES.

The page shows each as <img src="data:image/svg+xml;base64,..." alt="...">: WeasyPrint tags an
<img> with its alt as a PDF/UA Figure, and an HTML reader gets the same alt. The alt says in plain
words what the picture shows.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property

MAX_BYTES = 1500

INK = "#212b32"  # NHS dark grey, for outlines
BLUE = "#005eb8"
GREEN = "#007f3b"
RED = "#d5281b"
YELLOW = "#ffb81c"
WHITE = "#ffffff"


def _svg(title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" '
            f'height="64" role="img"><title>{title}</title><g stroke="{INK}" stroke-width="4" '
            f'stroke-linecap="round" stroke-linejoin="round">{body}</g></svg>')


_THUMB = ("M8 28h10v28H8z",
          "M18 30 28 12a5 5 0 0 1 9 4l-3 10h16a5 5 0 0 1 5 6l-4 20a5 5 0 0 1-5 4H18z")


@dataclass(frozen=True)
class Picture:
    name: str
    alt: str
    body: str

    @cached_property
    def svg(self) -> str:
        return _svg(self.alt, self.body)

    @cached_property
    def src(self) -> str:
        """The picture as a data: URL, for <img src>; nothing is fetched."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


_PICTURES = (
    Picture("person", "A person",
            f'<circle cx="32" cy="19" r="11" fill="{BLUE}"/>'
            f'<path d="M12 58v-6a14 14 0 0 1 14-14h12a14 14 0 0 1 14 14v6z" fill="{BLUE}"/>'),
    Picture("heart", "A heart",
            f'<path d="M32 54C12 41 6 30 9 21a11 11 0 0 1 23-3 11 11 0 0 1 23 3c3 9-3 20-23 33z"'
            f' fill="{RED}"/>'),
    Picture("thumbs_up", "A thumbs up",
            "".join(f'<path d="{d}" fill="{GREEN}"/>' for d in _THUMB)),
    Picture("thumbs_down", "A thumbs down",
            '<g transform="matrix(1 0 0 -1 0 66)">'
            + "".join(f'<path d="{d}" fill="{RED}"/>' for d in _THUMB) + "</g>"),
    Picture("health", "A health sign: a cross in a circle",
            f'<circle cx="32" cy="32" r="27" fill="{BLUE}"/>'
            f'<path d="M26 14h12v12h12v12H38v12H26V38H14V26h12z" fill="{WHITE}"/>'),
    Picture("target", "A target, for my goals",
            f'<circle cx="32" cy="32" r="27" fill="{WHITE}"/>'
            f'<circle cx="32" cy="32" r="17" fill="{BLUE}"/>'
            f'<circle cx="32" cy="32" r="7" fill="{RED}"/>'),
    Picture("two_people", "Two people",
            f'<circle cx="20" cy="20" r="8" fill="{BLUE}"/>'
            f'<circle cx="44" cy="20" r="8" fill="{GREEN}"/>'
            f'<path d="M6 56v-8a10 10 0 0 1 10-10h8a10 10 0 0 1 10 10v8z" fill="{BLUE}"/>'
            f'<path d="M30 56v-8a10 10 0 0 1 10-10h8a10 10 0 0 1 10 10v8z" fill="{GREEN}"/>'),
    Picture("shield", "A shield, for keeping safe",
            f'<path d="M32 5 54 13v17c0 14-9 24-22 29C19 54 10 44 10 30V13z" fill="{BLUE}"/>'
            f'<path d="M21 32l8 8 14-16" stroke="{WHITE}" stroke-width="6" fill="none"/>'),
    Picture("phone", "A phone",
            f'<rect x="17" y="4" width="30" height="56" rx="5" fill="{INK}"/>'
            f'<rect x="22" y="11" width="20" height="34" fill="{WHITE}" stroke="none"/>'
            f'<circle cx="32" cy="52" r="3" fill="{WHITE}" stroke="none"/>'),
    Picture("money", "A pound coin",
            f'<circle cx="32" cy="32" r="27" fill="{YELLOW}"/>'
            f'<path d="M41 24c0-9-14-9-14 1v19c0 3-2 5-5 5h20M21 35h14" fill="none"'
            f' stroke-width="5"/>'),
    Picture("calendar", "A calendar",
            f'<rect x="8" y="12" width="48" height="44" rx="4" fill="{WHITE}"/>'
            f'<path d="M8 16a4 4 0 0 1 4-4h40a4 4 0 0 1 4 4v9H8z" fill="{BLUE}"/>'
            f'<path d="M20 6v12M44 6v12"/>'
            f'<path d="M22 40l7 7 13-13" stroke="{GREEN}" stroke-width="6" fill="none"/>'),
)

PICTURES: dict[str, Picture] = {p.name: p for p in _PICTURES}

# The easy read's sections (headings in ourplan.exports.easy_read.WORDS) and the pictures beside
# them, in the order they are shown.
SECTION_PICTURES: dict[str, tuple[str, ...]] = {
    "about": ("person",),
    "important": ("heart",),
    "working": ("thumbs_up",),
    "kind_not_working": ("thumbs_down",),
    "outcomes": ("target",),
    "money": ("money",),
    "health": ("health",),
    "risks": ("shield",),
    "contingencies": ("phone",),
    "people": ("two_people",),
    "next": ("calendar",),
}


def pictures_for(section: str) -> list[Picture]:
    return [PICTURES[name] for name in SECTION_PICTURES[section]]
