"""Conformance: the W3C Nu HTML checker finds no error in any page of the
example site, and axe-core finds no serious or critical accessibility
violation on the main page types (in real Chromium, after scripts ran).

The Nu checker is vnu-jar from npm run by Java; scripts/test.sh installs both
and sets BANGYANG_VNU_JAR. In CI a missing checker is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent


def _vnu_jar() -> Path | None:
    for candidate in (
        os.environ.get("BANGYANG_VNU_JAR", ""),
        str(REPO / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    jar, java = _vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        message = "the Nu HTML checker needs Java and vnu.jar (scripts/test.sh installs both)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # A big stack (the schema is deep; too small a stack fails at random) and the
    # quick JIT tier: a one-shot run over ~100 pages is twice as fast that way.
    return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar)]


def test_every_page_passes_the_nu_html_checker(vnu, example_output, tmp_path):
    # A broken page checked in the same run proves the checker really looks.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><html lang="zh-CN"><title>x</title><p><div></p>', encoding="utf-8")
    pages = sorted(example_output.rglob("*.html"))
    assert len(pages) > 40
    done = subprocess.run(
        [*vnu, "--errors-only", "--skip-non-html", "--format", "json", str(example_output), str(control)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        where = Path(unquote(urlsplit(message.get("url", "")).path))
        where = where.relative_to(example_output).as_posix() if where.is_relative_to(example_output) else where.name
        errors.setdefault(where, []).append(f"{message.get('lastLine', '?')}: {message['message']}")
    assert errors.pop("control.html", None), "the checker did not report the broken control page"
    assert errors == {}


AXE_PAGES = {
    "home": "",
    "profile": "profiles/chen-jianguo/",
    "honors": "honors/",
    "activities": "activities/",
    "activity": "activities/shuxiang-gonglu-2026/",
    "slogans": "slogans/",
    "search": "search/?q=%E5%85%BB%E6%8A%A4",
    "page": "about/",
    "poster": "profiles/chen-jianguo/poster/",
}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _serious(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("path", list(AXE_PAGES.values()), ids=list(AXE_PAGES))
def test_axe_finds_no_serious_violations(page, example_output, serve, axe, path):
    page.goto(serve(example_output) + path, wait_until="load")
    if path.startswith("search/"):
        page.wait_for_function("() => /共找到/.test(document.getElementById('search-status').textContent)")
    assert _serious(axe.run(page)) == []


@pytest.mark.browser
@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_axe_finds_no_serious_violations_in_the_open_lightbox_or_on_a_phone(page, example_output, serve, axe, large):
    base = serve(example_output)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(base)
    if large:
        page.evaluate("localStorage.setItem('bangyang-large', '1')")
    page.goto(base + AXE_PAGES["activity"])
    page.locator(".gallery a").first.click()
    page.wait_for_function("() => document.querySelector('dialog[open] .lightbox-stage img')")
    assert _serious(axe.run(page)) == []
