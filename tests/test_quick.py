"""A command-line build that finds nothing changed answers from file stamps
(quick.py) — and only when a full build would indeed change nothing."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import generator.build

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 3, 15, 0, tzinfo=SHANGHAI)  # the activity below


def _epoch(moment: datetime) -> str:
    return str(int(moment.timestamp()))


@pytest.fixture
def small(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)))
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n二十年坚守公路养护一线。\n")
    site.write("content/activities/reading.md", "---\ntitle: 读书分享会\ntheme: 全民阅读\nstart: 2026-12-03 15:00\n---\n共读一本书。\n")
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    assert site.run("build") == 0
    return site


@pytest.fixture
def full_builds(monkeypatch):
    """Counts the builds that ran the pipeline (the quick path never calls it)."""
    calls = []
    real = generator.build.build

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(generator.build, "build", counting)
    return calls


def _files(folder):
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_nothing_changed_is_answered_without_running_the_pipeline(small, full_builds, capsys):
    before = _files(small.out)
    capsys.readouterr()
    assert small.run("build") == 0
    out = capsys.readouterr().out
    assert full_builds == []
    pages = json.loads((small.out / "build.json").read_text(encoding="utf-8"))["counts"]["html"]
    assert f"没有改动，{pages} 个页面都是最新的" in out and "nothing changed" in out
    assert _files(small.out) == before


def test_an_edit_a_template_a_setting_or_an_option_runs_the_build(small, full_builds, capsys):
    small.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n三十年坚守。\n")
    assert small.run("build") == 0
    assert len(full_builds) == 1
    assert "三十年坚守" in small.html("profiles/zhang-xiao-ming/index.html")
    assert small.run("build") == 0 and len(full_builds) == 1  # and then nothing again

    small.write("templates/partials/footer-extra.html", "<p>本地补充</p>\n")  # a new file in templates/
    assert small.run("build") == 0 and len(full_builds) == 2

    small.write("site.toml", 'title = "十堰公路文明网"\n')
    assert small.run("build") == 0 and len(full_builds) == 3
    assert "十堰公路文明网" in small.html("index.html")

    assert small.run("build", "--base-url", "https://wenming.example.gov.cn/sub/") == 0
    assert len(full_builds) == 4
    assert "/sub/" in small.html("index.html")

    small.write("content/slogans/b.md", "---\ntext: 文明交通 安全出行\n---\n")  # a new file
    assert small.run("build") == 0 and len(full_builds) == 5


def test_an_output_file_changed_by_hand_is_made_again(small, full_builds):
    page = small.out / "profiles/zhang-xiao-ming/index.html"
    good = page.read_bytes()
    page.write_bytes(b"<p>hand edit</p>")
    assert small.run("build") == 0
    assert len(full_builds) == 1 and page.read_bytes() == good
    (small.out / "feed.xml").unlink()
    assert small.run("build") == 0
    assert len(full_builds) == 2 and (small.out / "feed.xml").is_file()


def test_the_clock_passing_a_moment_a_document_names_runs_the_build(small, full_builds, monkeypatch):
    page = "activities/reading/index.html"
    assert "即将开始" in small.html(page)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(datetime(2026, 12, 3, 14, 59, tzinfo=SHANGHAI)))
    assert small.run("build") == 0 and full_builds == []  # same day, before the start
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(datetime(2026, 12, 3, 15, 1, tzinfo=SHANGHAI)))
    assert small.run("build") == 0 and len(full_builds) == 1
    assert "即将开始" not in small.html(page)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(datetime(2026, 12, 4, 0, 1, tzinfo=SHANGHAI)))
    assert small.run("build") == 0 and len(full_builds) == 2  # a new day: feed and sitemap dates
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI)))
    assert small.run("build") == 0 and len(full_builds) == 3  # a clock set back


def test_a_damaged_or_foreign_manifest_means_a_full_build(small, full_builds, capsys):
    (manifest,) = (small.root / ".bangyang-cache").glob("*.quick.json")
    for text in ("", "{", '{"key": 1}', json.dumps({**json.loads(manifest.read_text()), "files": "x"}), "\x00" * 40):
        manifest.write_text(text, encoding="utf-8")
        assert small.run("build") == 0
    assert len(full_builds) == 5
    assert "Traceback" not in capsys.readouterr().err
    assert small.run("build") == 0 and len(full_builds) == 5  # each full build wrote a good one again


def test_warnings_are_reported_again_when_nothing_changed(small, full_builds, capsys):
    small.write("content/profiles/李强.md", "---\nname: 李强\ncategory: 道德模范\ndate: 2024-03-05\n---\n<script>alert(1)</script>事迹。\n")
    small.write("content/杂项/说明.txt", "不是内容")
    assert small.run("build") == 0
    first = [line for line in capsys.readouterr().err.splitlines() if "警告" in line]
    assert len(first) == 2, "the sample must raise two warnings"
    assert small.run("build") == 0
    assert len(full_builds) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if "警告" in line] == first


def test_files_office_and_editors_leave_behind_are_no_change(small, full_builds, capsys):
    # Word's lock file while 事迹.docx is open, an editor's swap file, Windows'
    # thumbnails: the build never reads them, so they must not cost a build either.
    for name in ("content/profiles/~$事迹.docx", "content/profiles/.张晓明.md.swp", "content/Thumbs.db", "content/profiles/张晓明.md~"):
        small.write_bytes(name, b"x")
    capsys.readouterr()
    assert small.run("build") == 0
    assert full_builds == []
    assert "没有改动" in capsys.readouterr().out


def test_a_real_edit_beside_temporary_files_is_still_seen(small, full_builds):
    small.write_bytes("content/profiles/~$事迹.docx", b"x")
    small.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n三十年坚守公路养护一线。\n")
    assert small.run("build") == 0
    assert full_builds == [1]
    assert "三十年坚守" in small.html("profiles/zhang-xiao-ming/index.html")
