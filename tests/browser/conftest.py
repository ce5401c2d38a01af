"""Real-browser journeys: Playwright drives Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    # A conftest's collection hook sees every item in the run, so only this folder's are marked.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs "
                    "Debian's chromium package (never `playwright install`)")
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls are still
    # synchronous and safe, so Django's async guard is lifted while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db, settings):
    from ourplan.demo.data import load_demo

    settings.PERSONAS_ENABLED = True
    load_demo()


def new_page(browser, live_server, **options):
    """A page in a fresh context that can reach the live server and nothing else."""
    context = browser.new_context(base_url=live_server.url, **options)
    # NHS.UK frontend's CSS fetches its fonts from assets.nhs.uk; with no network the lookups
    # can stall page loads by seconds, so requests to other hosts fail at once. (A pattern that
    # also caught non-http URLs stopped htmx swapping its responses in.)
    context.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"),
                  lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser, live_server, demo):
    page = new_page(browser, live_server, viewport={"width": 1280, "height": 800})
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser, live_server, demo):
    page = new_page(browser, live_server, viewport={"width": 390, "height": 844},
                    is_mobile=True, has_touch=True)
    yield page
    page.context.close()
