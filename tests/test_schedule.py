"""Scheduled publishing: a build run by cron / Task Scheduler publishes what is due
without anyone acting, and `check` says what is scheduled and when."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Site, output_tree
from PIL import Image

from generator.search import ZWSP

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
    assert list(slogans) == ["chang-nian"] and slogans["chang-nian"]["current"] is True
    assert 'id="lei-feng"' not in scheduled_site.html("slogans/index.html")
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


# --- a slogan is public only inside its window ----------------------------------------

AFTER_UNTIL = TODAY + 8 * 86400  # 2026-12-06 12:00 +08:00: the day after 雷锋's `until`
# The slogans of `window_site`, each by its text, its slug (file name in pinyin) and its theme.
ALWAYS = ("讲文明 树新风", "chang-nian")
INSIDE = ("全民阅读 书香满城", "yue-du")  # 2026-11-01 to 2026-11-30
AHEAD = ("学习雷锋 奉献他人", "lei-feng")  # 2026-11-29 to 2026-12-05, theme 志愿服务, a background
OVER = ("欢度国庆 山河锦绣", "guo-qing")  # 2026-10-01 to 2026-10-07, theme 节日
WINDOW_TOML = """
title = "测试文明网"
base_url = "https://wenming.example.gov.cn/"

[[kiosk]]
name = "hall"
show = ["slogans", "profiles"]

[[kiosk]]
name = "reading"
show = ["slogans:theme=全民阅读"]
"""


def _write_window_site(site: Site) -> None:
    site.write("site.toml", WINDOW_TOML)
    site.write("content/profiles/王秀兰.md", "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2026-11-01\ntags: [爱岗敬业]\n---\n已经公开。\n")
    site.write("content/activities/读书会.md", "---\ntitle: 读书分享会\ntheme: 全民阅读\nstart: 2026-11-20 15:00\n---\n共读一本书。\n")
    site.write("content/slogans/常年.md", f"---\ntext: {ALWAYS[0]}\ntheme: 文明交通\n---\n")
    site.write("content/slogans/阅读.md", f"---\ntext: {INSIDE[0]}\ntheme: 全民阅读\nfrom: 2026-11-01\nuntil: 2026-11-30\n---\n")
    site.image("content/slogans/leifeng.jpg", (800, 450), "#b22222")
    site.write(
        "content/slogans/雷锋.md",
        f"---\ntext: {AHEAD[0]}\ntheme: 志愿服务\nfrom: 2026-11-29\nuntil: 2026-12-05\nbackground: leifeng.jpg\n---\n说明。\n",
    )
    site.write("content/slogans/国庆.md", f"---\ntext: {OVER[0]}\ntheme: 节日\nfrom: 2026-10-01\nuntil: 2026-10-07\n---\n")


@pytest.fixture(scope="module")
def window_site(tmp_path_factory) -> Site:
    """One build at TODAY: 雷锋 is ahead, 国庆 is over (builds take a second each)."""
    site = Site(tmp_path_factory.mktemp("window") / "site")
    _write_window_site(site)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(TODAY))
        assert site.run("build") == 0
    return site


def _search_text(out: Path) -> str:
    """Everything the Pagefind index holds, its Chinese joined up again."""
    parts = []
    for path in sorted((out / "pagefind").rglob("*")):
        data = path.read_bytes() if path.is_file() else b""
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        parts.append(data.decode("utf-8", "ignore"))
    return "".join(parts).replace(ZWSP, "")


def _slogan_themes(out: Path) -> list[str]:
    """The theme groupings of the slogans page (its 按主题跳转 chips and sections)."""
    html = (out / "slogans/index.html").read_text(encoding="utf-8")
    return re.findall(r'data-search-category="([^"]*)"', html)


def _texts_of_json(out: Path) -> str:
    return " ".join(f"{s['slug']} {s['text']}" for s in json.loads((out / "api/slogans.json").read_text(encoding="utf-8"))["items"])


OUTPUTS: dict[str, Callable[[Path], str]] = {
    "the slogans page": lambda out: (out / "slogans/index.html").read_text(encoding="utf-8"),
    "the home page banner": lambda out: (out / "index.html").read_text(encoding="utf-8"),
    "api/slogans.json": _texts_of_json,
    "the search index": _search_text,
    "the theme groupings": lambda out: " ".join(_slogan_themes(out)),
}
# Outputs that never list slogans: none may start to.
NEVER_LISTING: dict[str, Callable[[Path], str]] = {
    "feed.xml": lambda out: (out / "feed.xml").read_text(encoding="utf-8"),
    "sitemap.xml": lambda out: (out / "sitemap.xml").read_text(encoding="utf-8"),
    "the tag pages": lambda out: "".join(p.read_text(encoding="utf-8") for p in sorted((out / "tags").rglob("*.html"))),
}


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_a_slogan_is_in_an_output_only_inside_its_window(window_site, output):
    text = OUTPUTS[output](window_site.out)
    if output == "the theme groupings":
        assert text.split() == ["文明交通", "全民阅读"]  # no 志愿服务 (only 雷锋), no 节日 (only 国庆)
        return
    assert ALWAYS[0] in text and INSIDE[0] in text
    assert AHEAD[0] not in text and OVER[0] not in text


@pytest.mark.parametrize("output", list(NEVER_LISTING))
def test_outputs_that_list_no_slogans_name_none_of_them(window_site, output):
    text = NEVER_LISTING[output](window_site.out)
    assert text  # the output is there
    for words, slug in (ALWAYS, INSIDE, AHEAD, OVER):
        assert words not in text and f"#{slug}" not in text


def test_no_public_file_but_a_kiosk_screen_names_a_slogan_before_its_day_or_after_its_last(window_site):
    found = {}
    for path in sorted(window_site.out.rglob("*")):
        rel = path.relative_to(window_site.out).as_posix()
        if not path.is_file() or rel.startswith("kiosk/"):
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "ignore").replace(ZWSP, "")
        found[rel] = [w for w in (AHEAD[0], AHEAD[1], OVER[0], OVER[1], "2026-11-29", "2026-10-07") if w in text]
    assert len(found) > 20 and {rel: words for rel, words in found.items() if words} == {}
    counts = json.loads(window_site.html("build.json"))["counts"]
    assert counts["slogans"] == 2
    assert "共 2 条宣传标语" in window_site.html("slogans/index.html")


def test_a_kiosk_screen_carries_a_slogan_ahead_marked_with_its_day_and_drops_one_that_is_over(window_site):
    def slides(screen: str) -> dict[str, dict]:
        html = window_site.html(f"kiosk/{screen}/index.html")
        data = json.loads(re.search(r'<script type="application/json" id="kiosk-data">(.*?)</script>', html, re.S).group(1))
        return {slide["id"]: slide for group in data["groups"] for slide in group if slide["kind"] == "slogan"}

    hall = slides("hall")
    assert list(hall) == ["slogan:chang-nian", "slogan:lei-feng", "slogan:yue-du"]  # site order; 国庆 is gone
    ahead = hall["slogan:lei-feng"]
    # The screen's script shows a slogan only from `from` on, by its own clock (kiosk.js `visible`).
    assert (ahead["from"], ahead["until"]) == ("2026-11-29T00:00:00+08:00", "2026-12-06T00:00:00+08:00")
    assert ahead["text"] == AHEAD[0]
    background = ahead["image"]["src"]
    with Image.open((window_site.out / "kiosk/hall" / background).resolve()) as picture:  # its picture, for the screen alone
        assert picture.format in ("JPEG", "PNG") and picture.width == ahead["image"]["width"]
    assert list(slides("reading")) == ["slogan:yue-du"]  # a screen not showing its theme does not carry it


def test_future_includes_slogans_whose_window_opens_later_like_future_profiles(site, monkeypatch):
    _write_window_site(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(TODAY))
    assert site.run("build", "--future") == 0
    item = _slogan_item(site.html("slogans/index.html"), AHEAD[1])
    assert "slogan-off" in item and "未开始" in item
    slogans = {s["slug"]: s for s in json.loads(site.html("api/slogans.json"))["items"]}
    assert slogans[AHEAD[1]]["current"] is False and OVER[1] not in slogans  # what is over stays over
    assert AHEAD[0] not in site.html("index.html")  # the banner shows what is current


def test_cached_rebuilds_with_no_file_changed_publish_a_slogan_on_its_day_and_drop_it_after(site, make_site, monkeypatch, capsys):
    _write_window_site(site)
    steps = [
        (TODAY, False),
        (TODAY + 11 * 3600 + 59 * 60, False),  # 23:59 the same day: the cache answers "nothing changed"
        (TOMORROW - 12 * 3600 + 1, True),  # 00:00:01 on 雷锋's first day
        (AFTER_UNTIL, False),
    ]
    for i, (epoch, shown) in enumerate(steps):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        before = output_tree(site.out) if i else {}
        capsys.readouterr()
        assert site.run("build") == 0
        for output, read in OUTPUTS.items():
            if output != "the theme groupings":
                assert (AHEAD[0] in read(site.out)) is shown, (epoch, output)
        assert ("志愿服务" in _slogan_themes(site.out)) is shown
        if i == 1:
            assert "没有改动" in capsys.readouterr().out and output_tree(site.out) == before
            continue
        clean = make_site(f"clean{i}")
        shutil.copytree(site.root / "content", clean.root / "content")
        shutil.copy(site.root / "site.toml", clean.root / "site.toml")
        assert clean.run("build") == 0
        assert output_tree(site.out) == output_tree(clean.out), epoch


def test_a_slogan_starting_at_an_hour_is_published_by_the_first_build_after_it(site, monkeypatch, capsys):
    site.write("content/slogans/常年.md", f"---\ntext: {ALWAYS[0]}\n---\n")
    site.write("content/slogans/晚会.md", "---\ntext: 文明实践 共建共享\nfrom: 2026-11-28 18:00\n---\n")
    _build_at(site, monkeypatch, TODAY)
    _build_at(site, monkeypatch, TODAY + 5 * 3600)  # 17:00: nothing changed
    assert "没有改动" in capsys.readouterr().out and "文明实践" not in site.html("slogans/index.html")
    _build_at(site, monkeypatch, TODAY + 6 * 3600 + 60)  # 18:01, no file touched
    assert "文明实践" in site.html("slogans/index.html") and "文明实践" in site.html("api/slogans.json")


def test_a_link_to_a_slogan_follows_it_to_the_slogans_page_after_its_window_without_failing_the_build(site, monkeypatch, capsys):
    # A daily build nobody watches must not start failing the day a linked slogan's window
    # closes: the link goes to the slogans page, with a warning naming the file and line.
    site.write("content/slogans/雷锋.md", "---\ntext: 学习雷锋 奉献他人\nuntil: 2026-12-05\n---\n")
    site.write(
        "content/profiles/王秀兰.md",
        "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2026-11-01\n---\n她常说：[学习雷锋](../slogans/雷锋.md)。\n",
    )
    page = "profiles/wang-xiu-lan/index.html"
    _build_at(site, monkeypatch, TODAY)
    assert 'href="../../slogans/#lei-feng"' in site.html(page)
    assert "现在不在网站上" not in capsys.readouterr().err
    _build_at(site, monkeypatch, TODAY + 10 * 86400)  # after its window
    assert 'href="../../slogans/"' in site.html(page) and "lei-feng" not in site.html(page)
    err = capsys.readouterr().err
    assert "content/profiles/王秀兰.md:6: 警告 warning [正文 body]: 链接的标语 雷锋.md 现在不在网站上" in err
    # Outside the site (the feed, the JSON export) the link is absolute, to the same page.
    base = json.loads((site.out / "api/profiles.json").read_text(encoding="utf-8"))["items"][0]["url"].split("profiles/")[0]
    assert f'href="{base}slogans/"' in json.loads((site.out / "api/profiles.json").read_text(encoding="utf-8"))["items"][0]["body_html"]


def test_a_link_to_a_draft_profile_still_fails_the_build(site, capsys):
    site.write("content/profiles/草稿.md", "---\nname: 草稿人\ncategory: 道德模范\ndate: 2026-11-01\ndraft: true\n---\n")
    site.write("content/profiles/王秀兰.md", "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2026-11-01\n---\n见[草稿](草稿.md)。\n")
    assert site.run("build") == 1
    assert "没有发布" in capsys.readouterr().err
