"""axe-core in the page: every page a journey visits must have no WCAG 2.2 A or AA violations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# axe-core tags WCAG 2.2's A criteria "wcag22a" should it gain rules for them; none yet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TARGETS_SHOWN = 3


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now and fail on any WCAG A or AA violation."""
    assert AXE.exists(), f"{AXE} is missing: run `make test`, which runs `npm ci`"
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # Only the violations come back: passes and the rest are large and slow to serialise.
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})
                     .then(result => result.violations)""",
        WCAG_TAGS,
    )
    assert not violations, f"Accessibility violations on {page.url}:\n" + "\n".join(
        _describe(v) for v in violations
    )


def _describe(violation: dict) -> str:
    nodes = violation["nodes"]
    targets = ", ".join(" ".join(node["target"]) for node in nodes[:TARGETS_SHOWN])
    more = f" and {len(nodes) - TARGETS_SHOWN} more" if len(nodes) > TARGETS_SHOWN else ""
    return (
        f"- {violation['id']} ({violation['impact']}): {violation['help']}"
        f" at {targets}{more} [{violation['helpUrl']}]"
    )
