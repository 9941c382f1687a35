"""Browser tests: Debian's Chromium driven by Playwright against Django's live_server.

Playwright cannot download its own browser here, so the system Chromium is launched; `make test` installs it.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The ORM is called from the test thread while Playwright's event loop runs there too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs Chromium from the system packages."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site(transactional_db, live_server):
    """The Kumamoto plan and an ended plan, published, their files built (publish_both_plans)."""
    from tests.browser.test_public_pages import publish_both_plans

    publish_both_plans()
    return live_server.url
