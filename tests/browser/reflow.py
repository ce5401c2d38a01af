"""Reflow (WCAG 1.4.10): nothing runs off the side of a phone's screen, nor off a 320px one."""

from __future__ import annotations

from playwright.sync_api import Page

REFLOW_WIDTH = 320  # WCAG 1.4.10: content reflows, with no scrolling sideways, at 320 CSS px
TOO_WIDE = """() => {
    const width = window.screen.width;  // on a phone, innerWidth grows to fit what is too wide
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > width + 0.5
                     && !e.closest("thead, .nhsuk-u-visually-hidden"))
        .slice(0, 6)
        .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (typeof e.className === "string" && e.className.trim()
                     ? "." + e.className.trim().split(/\\s+/).join(".") : "")
                  + " (right edge at " + Math.round(e.getBoundingClientRect().right) + "px)");
}"""

NEXT_FRAMES = """() => new Promise(done => requestAnimationFrame(
    () => requestAnimationFrame(() => requestAnimationFrame(done))))"""


def fits_the_screen(page: Page) -> None:
    """Nothing runs off the side of the phone's screen, nor off a 320px one (WCAG 1.4.10
    reflow); if something does, say what. Checked once the page's scripts have run: the header
    moves the links that do not fit behind its "More" button."""
    page.wait_for_load_state("load")
    phone = page.viewport_size
    assert phone is not None
    for width in (phone["width"], REFLOW_WIDTH):
        page.set_viewport_size({"width": width, "height": phone["height"]})
        # The header fits its links to the new width on the next animation frame.
        page.evaluate(NEXT_FRAMES)
        too_wide = page.evaluate(TOO_WIDE)
        assert not too_wide, (f"Content runs off a {width}px wide screen on {page.url}: "
                              + ", ".join(too_wide))
    page.set_viewport_size(phone)
    page.evaluate(NEXT_FRAMES)


def check_page(page: Page) -> None:
    """Every page a journey visits: it fits the screen and has no WCAG 2.2 A or AA violations."""
    from tests.browser.axe import check_accessibility

    fits_the_screen(page)
    check_accessibility(page)
