"""Edit-to-reload through `serve`: save a Markdown file, time until the open page
shows the new text.

The server runs in its own process (`python -m benchmarks.worker serve`, a
`DevServer` on a free 127.0.0.1 port) like `bangyang serve` would; the page is
open in headless Chromium (Playwright, Debian's /usr/bin/chromium). Each edit
appends a new sentence to one profile; the clock starts just before the file
is written and stops when the page's text contains the sentence, so a figure
is the whole chain a clerk waits for: file event → debounce
(generator.watch.SETTLE_SECONDS) → incremental rebuild → the reload script's
long poll → page reload → DOM. The server's own "rebuilt in … s" lines are
collected too, to split rebuild time from the rest.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from .corpus import Mutator

CHROMIUM = os.environ.get("BANGYANG_CHROMIUM", "/usr/bin/chromium")
REBUILT = re.compile(r"rebuilt in ([0-9.]+) s")
EXPRESS = re.compile(r"express: .* in ([0-9.]+) s")
NO_EVENT_SECONDS = 30  # a save that reaches no watcher in this time never will


def measure_reload(site: Path, mutator: Mutator, page_path: str, edits: int, env: dict[str, str], repo: Path, timeout: float = 900) -> dict:
    """Median-ready lists: `latency` (s, save → new text shown, each save on an
    idle server), `back_to_back` (the same for saves 0.3 s after the last one
    showed, while serve may still build it), `rebuild` (s, the full build,
    server side) and `express` (s, the express pages, server side)."""
    from playwright.sync_api import sync_playwright

    mutator.reset()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.worker", "serve", str(site)],
        cwd=repo,
        env={**os.environ, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()
    latency: list[float] = []
    back_to_back: list[float] = []
    rebuilds: list[float] = []
    express: list[float] = []
    phases: dict[str, list[float]] = {
        "save → file event": [],
        "event → rebuild starts": [],
        "rebuild starts → first published": [],
        "published → page shows it": [],
    }
    result: dict = {}
    try:
        first = proc.stdout.readline()
        if not first:
            raise RuntimeError("the serve worker stopped: " + "".join(log[-15:]))
        started = json.loads(first)
        if not started.get("ok"):
            raise RuntimeError("the first serve build failed: " + "".join(log[-15:]))
        # The server is up; its rebuilder may still be refreshing the search index of the first build.
        _wait_until(lambda: "idle" in _marks(log), timeout)
        result["first_build_s"] = started["first_build"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(started["url"] + page_path, wait_until="load")
            for i in range(edits):
                token = f"第{i + 1:02d}次修改"
                seen = len(log)
                wall = time.time()
                t0 = time.perf_counter()
                mutator.edit_page(token)
                if not _wait_until(lambda s=seen: "event" in _marks(log[s:]), NO_EVENT_SECONDS):
                    raise TimeoutError(
                        f"serve saw no file event within {NO_EVENT_SECONDS} s of the save (its watcher is not delivering events); "
                        "serve log: " + " | ".join(x.strip() for x in log[-5:])
                    )
                try:
                    _wait_for_text(page, token, timeout=timeout)
                except TimeoutError as exc:
                    raise TimeoutError(f"{exc} within {timeout:.0f} s; serve log: " + " | ".join(x.strip() for x in log[-8:])) from None
                latency.append(time.perf_counter() - t0)
                shown = time.time()
                # The next save waits until the rebuilder is idle (serve refreshes the search
                # index after publishing) and any second file event has settled: a clerk's
                # saves are seconds apart, and each figure is one save on an idle server.
                _wait_until(lambda s=seen: "idle" in _marks(log[s:]), 600)
                time.sleep(0.3)
                rebuilds.extend(float(m.group(1)) for line in log[seen:] for m in [REBUILT.search(line)] if m)
                express.extend(float(m.group(1)) for line in log[seen:] for m in [EXPRESS.search(line)] if m)
                marks = _marks(log[seen:])
                if {"event", "start", "published"} <= marks.keys():
                    phases["save → file event"].append(marks["event"] - wall)
                    phases["event → rebuild starts"].append(marks["start"] - marks["event"])
                    phases["rebuild starts → first published"].append(marks["published"] - marks["start"])
                    phases["published → page shows it"].append(shown - marks["published"])
            # Back to back: a clerk who saves again right after looking (0.3 s after the
            # page shows the last save) while serve still builds the rest of that one.
            for i in range(max(3, edits // 2)):
                token = f"第{i + 1:02d}次连续修改"
                t0 = time.perf_counter()
                mutator.edit_page(token)
                _wait_for_text(page, token, timeout=timeout)
                back_to_back.append(time.perf_counter() - t0)
                time.sleep(0.3)
            browser.close()
    finally:
        mutator.reset()
        try:
            proc.stdin.close()
            tail = proc.stdout.read()
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            tail = ""
    for line in tail.splitlines():
        if line.startswith("{"):
            result.update(json.loads(line))
    result["latency"] = latency
    result["back_to_back"] = back_to_back
    result["rebuild"] = rebuilds
    result["express"] = express
    result["rebuilds_per_edit"] = len(rebuilds) / max(1, edits)
    # Printed with the phases: the server's own time for the express pages (inside "first published").
    result["phases"] = {**phases, "of which express pages": express}
    return result


def _marks(lines: list[str]) -> dict[str, float]:
    """The first `bench-mark NAME TIME` of each name (logged by the serve worker)."""
    out: dict[str, float] = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "bench-mark":
            out.setdefault(parts[1], float(parts[2]))
    return out


def _wait_for_text(page, token: str, timeout: float) -> None:
    """Until the page's text holds `token`; the page reloads meanwhile (a
    navigation may interrupt an evaluation: try again)."""
    script = f"() => !!document.body && document.body.textContent.includes({json.dumps(token)})"
    deadline = time.perf_counter() + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"the page never showed {token!r}")
        try:
            page.wait_for_function(script, polling="raf", timeout=remaining * 1000)
            return
        except Exception as exc:  # execution context destroyed by the reload, or a timeout
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:40]:
                raise TimeoutError(f"the page never showed {token!r}") from exc
            time.sleep(0.005)


def _wait_until(predicate, seconds: float) -> bool:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
