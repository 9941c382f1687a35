"""Every public page, in Japanese and in English, is valid HTML according to the Nu Html Checker (npm package
vnu-jar)."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.browser.test_english_pages import ENGLISH_PAGES
from tests.browser.test_public_pages import PAGES, publish_both_plans

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_public_page_is_valid_html(client, db, tmp_path):
    publish_both_plans()
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `make test`, which installs vnu-jar with npm.")
    files = []
    for name, url in (PAGES | {f"english-{name}": url for name, url in ENGLISH_PAGES.items()}).items():
        response = client.get(url)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))

    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )

    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    problems = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert problems == []
