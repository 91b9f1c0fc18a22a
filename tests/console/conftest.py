"""Browser tests of the web console: Debian's Chromium driven by Playwright, on a real server.

They skip when ``/usr/bin/chromium`` is missing (``apt-get install chromium``; ``.ci/run`` installs
it, and there a skip fails). Playwright's own browser downloads are never used.
With ``LOOKSMITH_CONSOLE_SCREENSHOTS=docs/console`` the workflow test saves the README's
screenshots there.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.deployment import Deployment, embedded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install 'looksmith[test]')")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module's tests."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One embedded ``looksmith serve`` process for the module (tests use keys of their own)."""
    _require_browser()
    with embedded(tmp_path_factory.mktemp("console") / "data") as deployment:
        yield deployment


@dataclass
class Tab:
    """A browser page with what it logged: console errors and uncaught exceptions."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def wait_until(self, expression: str, timeout_s: float = 30.0) -> None:
        """Poll a JavaScript expression until it is true.

        ``page.wait_for_function`` evaluates its predicate with ``eval`` inside the page, which
        the console's policy rightly forbids; ``page.evaluate`` runs over the DevTools protocol.
        """
        deadline = time.monotonic() + timeout_s
        while not self.page.evaluate(expression):
            assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
            self.page.wait_for_timeout(100)

    def record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A fresh browser context (own session storage) at laptop size."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    opened = Tab(page)
    page.on("console", opened.record)
    page.on("pageerror", lambda error: opened.errors.append(f"pageerror: {error}"))
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def screenshots() -> Path | None:
    """Where to save the README's screenshots, when asked to."""
    folder = os.environ.get("LOOKSMITH_CONSOLE_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
