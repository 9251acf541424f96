"""Crash-safe publishing: a killed build, a full disk or a second build at
the same time never leaves a half site in output/."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import publish, workdir
from generator.workdir import OutputLock, work_folder

EPOCH = {"SOURCE_DATE_EPOCH": "1795838400"}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"
    }


def _write_site(site, version: int) -> None:
    for i in range(30):
        site.write(
            f"content/profiles/p{i:02d}/index.md",
            f"---\nname: 先进{i}号\ncategory: 道德模范\ndate: 2024-03-05\n{'photo: p.jpg' if i < 8 else ''}\n---\n第{version}版事迹。\n"
            + "段落。\n\n" * 40,
        )
        if i < 8 and not (site.root / f"content/profiles/p{i:02d}/p.jpg").exists():
            site.image(f"content/profiles/p{i:02d}/p.jpg", (1200 + i, 900), color=f"#{(i * 37) % 256:02x}4060")


def _left_behind(site) -> list[str]:
    """Release folders left beside output/ (none may be there) or in the cache's
    working folder (its lock and the spare, the release before the live one, aside)."""
    beside = [p.name for p in site.root.iterdir() if p.name.startswith(".output")]
    work = work_folder(site.root / ".bangyang-cache", site.out)
    return beside + [p.name for p in work.iterdir() if p.name not in ("lock", "spare")]


def _build(site, out: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, "-m", "generator", "build", "--site", str(site.root)]
    if out is not None:
        args += ["--out", str(out)]
    return subprocess.Popen(args, env={**os.environ, **EPOCH}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_build_killed_at_any_moment_leaves_the_live_site_whole(site, tmp_path):
    rng = random.Random(20240305)
    _write_site(site, 0)
    assert _build(site).wait() == 0
    for run in range(1, 5):
        before = _tree(site.out)
        _write_site(site, run)
        expected = tmp_path / f"expected{run}"
        assert _build(site, expected).wait() == 0
        after = _tree(expected)
        proc = _build(site)
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        live = _tree(site.out)
        assert live in (before, after), f"run {run}: a mixed site is live"
        # The next build cleans up whatever the killed one left.
        assert _build(site).wait() == 0
        assert _tree(site.out) == after
        assert _left_behind(site) == []


def test_a_full_disk_fails_cleanly_and_changes_nothing(site, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    _write_site(site, 0)
    assert site.run("build") == 0
    before = _tree(site.out)
    _write_site(site, 1)
    calls = {"n": 0}
    real_write = publish.Release.write

    def full_disk(self, rel, data, owner):
        calls["n"] += 1
        if calls["n"] > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, rel, data, owner)

    monkeypatch.setattr(publish.Release, "write", full_disk)
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "无法写入输出文件夹" in err and "No space left" in err and "Traceback" not in err
    assert _tree(site.out) == before
    assert _left_behind(site) == []


def test_a_second_build_waits_for_the_first(site, capsys, monkeypatch):
    site.write("content/profiles/a.md", "---\nname: 甲\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    lock = OutputLock(site.out, site.root / ".bangyang-cache")
    lock.__enter__()
    threading.Timer(1.0, lambda: lock.__exit__(None, None, None)).start()
    started = time.monotonic()
    assert site.run("build") == 0
    assert time.monotonic() - started >= 0.9
    assert "等待" in capsys.readouterr().err


def test_a_build_that_cannot_get_the_lock_refuses_with_a_message(site, capsys, monkeypatch):
    site.write("content/profiles/a.md", "---\nname: 甲\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    monkeypatch.setattr(workdir, "LOCK_WAIT_SECONDS", 0.3)
    monkeypatch.setattr(OutputLock.__init__, "__defaults__", (0.3, None))
    with OutputLock(site.out, site.root / ".bangyang-cache"):
        assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "另一个生成" in err and not site.out.exists()


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_two_builds_started_together_both_finish_and_the_site_is_whole(site, tmp_path):
    _write_site(site, 0)
    first, second = _build(site), _build(site)
    assert first.wait() == 0 and second.wait() == 0
    expected = tmp_path / "expected"
    assert _build(site, expected).wait() == 0
    assert _tree(site.out) == _tree(expected)
