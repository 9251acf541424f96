"""Scheduled publishing: a build run by cron / Task Scheduler publishes what is due
without anyone acting, and `check` says what is scheduled and when."""

from __future__ import annotations

import json

import pytest

TODAY = 1795838400  # 2026-11-28 12:00 +08:00
TOMORROW = TODAY + 86400  # 2026-11-29 12:00 +08:00


@pytest.fixture
def scheduled_site(site):
    site.write("content/profiles/王秀兰.md", "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2026-11-01\n---\n已经公开。\n")
    site.write("content/profiles/张明.md", "---\nname: 张明\ncategory: 身边好人\ndate: 2026-11-29\nfeatured: true\n---\n明天公开。\n")
    site.write("content/slogans/常年.md", "---\ntext: 讲文明 树新风\n---\n")
    site.write("content/slogans/雷锋.md", "---\ntext: 学习雷锋 奉献他人\nfrom: 2026-11-29\nuntil: 2026-12-05\n---\n")
    site.write("content/slogans/草稿.md", "---\ntext: 还没定稿的标语\nfrom: 2026-12-01\ndraft: true\n---\n")
    return site


def _build_at(site, monkeypatch, epoch: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    assert site.run("build") == 0


def _slogan_item(html: str, slug: str) -> str:
    start = html.index(f'id="{slug}"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


def test_a_profile_dated_tomorrow_appears_with_tomorrows_scheduled_build(scheduled_site, monkeypatch):
    _build_at(scheduled_site, monkeypatch, TODAY)
    assert not (scheduled_site.out / "profiles/zhang-ming").exists()
    assert [p["name"] for p in json.loads(scheduled_site.html("api/profiles.json"))["items"]] == ["王秀兰"]
    assert "张明" not in scheduled_site.html("index.html") and "张明" not in scheduled_site.html("profiles/index.html")

    _build_at(scheduled_site, monkeypatch, TOMORROW)  # the same command, run by the scheduler a day later
    assert "<h1>张明</h1>" in scheduled_site.html("profiles/zhang-ming/index.html")
    assert [p["name"] for p in json.loads(scheduled_site.html("api/profiles.json"))["items"]] == ["张明", "王秀兰"]
    assert "张明" in scheduled_site.html("index.html")


def test_a_slogan_window_opening_tomorrow_is_shown_after_tomorrows_build(scheduled_site, monkeypatch):
    _build_at(scheduled_site, monkeypatch, TODAY)
    slogans = {s["slug"]: s for s in json.loads(scheduled_site.html("api/slogans.json"))["items"]}
    assert slogans["lei-feng"]["current"] is False and slogans["chang-nian"]["current"] is True
    item = _slogan_item(scheduled_site.html("slogans/index.html"), "lei-feng")
    assert "slogan-off" in item and "未开始" in item
    assert "学习雷锋 奉献他人" not in scheduled_site.html("index.html")

    _build_at(scheduled_site, monkeypatch, TOMORROW)
    slogans = {s["slug"]: s for s in json.loads(scheduled_site.html("api/slogans.json"))["items"]}
    assert slogans["lei-feng"]["current"] is True
    item = _slogan_item(scheduled_site.html("slogans/index.html"), "lei-feng")
    assert "slogan-off" not in item and "展示中" in item
    assert "学习雷锋 奉献他人" in scheduled_site.html("index.html")


def test_check_lists_what_is_scheduled_and_when(scheduled_site, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(TODAY))
    assert scheduled_site.run("check") == 0
    out = capsys.readouterr().out
    assert "检查通过：先进典型 1" in out
    lines = out[out.index("计划发布") :].splitlines()
    assert "（2）" in lines[0]
    assert lines[1].split() == ["2026-11-29", "先进典型", "张明", "content/profiles/张明.md"]
    assert lines[2].split() == ["2026-11-29", "宣传标语", "学习雷锋", "奉献他人（展示到", "2026-12-05）", "content/slogans/雷锋.md"]
    assert "还没定稿" not in out  # a draft waits for a person, not for a date
    assert not scheduled_site.out.exists()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(TOMORROW))
    assert scheduled_site.run("check") == 0
    assert "计划发布" not in capsys.readouterr().out
