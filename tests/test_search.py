"""Search: the Pagefind index a build writes, and the /search/ page in real Chromium.

Chinese search words must find every page that contains them (养护 finds the
养护站 and the 养护工), results show title, type, date and excerpt, filters
narrow them, the header box leads here, and all of it works under a sub-path.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from generator import search
from generator.config import Config, load_config
from generator.problems import Problems
from generator.search import ZWSP, index_release, split_han
from generator.workdir import work_folder

# --- the index ------------------------------------------------------------------


def test_han_characters_are_split_in_text_but_never_inside_tags():
    html = '<h1 data-search-type="先进典型">张三</h1><p>学雷锋 志愿, ABC 2024年</p><!-- 注释 -->'
    staged = split_han(html)
    assert staged == (f'<h1 data-search-type="先进典型">张{ZWSP}三</h1><p>{ZWSP}学{ZWSP}雷{ZWSP}锋 志{ZWSP}愿, ABC 2024年</p><!-- 注释 -->')


def test_han_characters_are_split_where_only_tags_come_between_them():
    staged = split_han("<p>是学<b>雷</b>锋，<em>公</em>路<!-- 注 -->养护</p><dl><dt>单位</dt><dd>茅箭</dd></dl>")
    assert staged == (
        f"<p>是{ZWSP}学<b>{ZWSP}雷</b>{ZWSP}锋，<em>公</em>{ZWSP}路<!-- 注 -->{ZWSP}养{ZWSP}护</p>"
        f"<dl><dt>{ZWSP}单{ZWSP}位</dt><dd>{ZWSP}茅{ZWSP}箭</dd></dl>"
    )


def test_a_word_parted_by_tags_is_still_indexed_one_character_at_a_time(tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    page = "<p>他是学<b>雷</b>锋的榜样。</p><dl><dt>单位</dt><dd>茅箭公路</dd></dl>"
    (release / "index.html").write_text(f"<html lang='zh-CN'><body><main data-pagefind-body>{page}</main></body></html>", encoding="utf-8")
    problems = Problems()
    index_release(release, _config(tmp_path), problems)
    assert not problems
    [fragment] = (release / "pagefind" / "fragment").iterdir()
    content = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])["content"]
    # Pagefind writes a zero width space after each word: one character each, none run together.
    assert content.replace(ZWSP, "") == "他是学雷锋的榜样。 单位茅箭公路"
    assert [w for w in re.split(f"[{ZWSP} 。]+", content) if len(w) > 1] == []


def _small_site(site, base_url: str = "https://example.gov.cn/") -> None:
    site.write("site.toml", f'title = "测试文明网"\nbase_url = "{base_url}"\n')
    site.write(
        "content/profiles/zhang-san.md",
        """
        ---
        name: 张三
        category: 身边好人
        date: 2024-03-05
        unit: 茅箭公路分中心大川养护站
        summary: 二十年坚守公路养护一线
        ---
        他每天清晨巡路，是养护站的老师傅。
    """,
    )
    site.write(
        "content/profiles/li-si.md",
        """
        ---
        name: 李四
        category: 道德模范
        date: 2023-05-01
        ---
        照顾孤寡老人十年，常年参加学雷锋志愿服务。
    """,
    )
    site.write(
        "content/activities/du-shu.md",
        """
        ---
        title: 书香公路读书分享会
        theme: 全民阅读
        start: 2024-04-23 15:00
        ---
        一线职工共读一本书。
    """,
    )
    site.write("content/slogans/a.md", "---\ntext: 学习雷锋好榜样\ntheme: 学雷锋\n---\n")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\n---\n本网站由宣传办维护。\n")


def _config(tmp_path: Path) -> Config:
    return Config(site_dir=tmp_path, output_dir=tmp_path / "output")


def test_a_build_writes_a_search_index_of_the_content_pages_only(site):
    _small_site(site)
    assert site.run("build") == 0
    bundle = site.out / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # 2 profiles, 1 activity, the slogans page and 1 page; no lists, 404, search or posters.
    assert [lang["page_count"] for lang in entry["languages"].values()] == [5]
    # The published pages are untouched: the split characters exist only in the index.
    assert ZWSP not in site.html("profiles/zhang-san/index.html")


def test_the_same_content_gives_the_same_pages_in_the_index_and_the_same_build_id(site, monkeypatch):
    """The word index and the result fragments are byte-stable; Pagefind's filter
    files are not (their order varies), so build.py leaves pagefind/ out of the id."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    _small_site(site)

    def snapshot() -> dict[str, bytes]:
        bundle = site.out / "pagefind"
        files = [p for folder in ("fragment", "index") for p in sorted((bundle / folder).iterdir())]
        return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in files}

    assert site.run("build") == 0
    first, first_id = snapshot(), json.loads(site.html("build.json"))["build_id"]
    assert any(k.startswith("fragment/") for k in first) and any(k.startswith("index/") for k in first)
    assert site.run("build") == 0
    assert snapshot() == first
    assert json.loads(site.html("build.json"))["build_id"] == first_id


def test_a_content_folder_named_pagefind_is_reported_not_overwritten(tmp_path):
    release = tmp_path / "release"
    (release / "pagefind").mkdir(parents=True)
    problems = Problems()
    index_release(release, _config(tmp_path), problems)
    [problem] = problems.errors
    assert problem.message.startswith("输出文件夹 pagefind/ 已被网站内容占用")


def test_a_missing_pagefind_program_is_a_plain_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    release = tmp_path / "release"
    release.mkdir()
    (release / "index.html").write_text("<html><body><main data-pagefind-body>张三</main></body></html>", encoding="utf-8")
    problems = Problems()
    index_release(release, _config(tmp_path), problems)
    [problem] = problems.errors
    assert problem.message.startswith("无法运行搜索索引程序 Pagefind")
    assert "pip install 'pagefind[extended]'" in problem.hint


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for Pagefind")
def test_a_failing_pagefind_is_reported_with_its_last_words(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind_extended"
    fake.write_text("#!/bin/sh\necho 'Error: disk full' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    release = tmp_path / "release"
    release.mkdir()
    (release / "index.html").write_text("<html><body><main data-pagefind-body>张三</main></body></html>", encoding="utf-8")
    problems = Problems()
    index_release(release, _config(tmp_path), problems)
    [problem] = problems.errors
    assert problem.message == "生成搜索索引失败 (Pagefind failed): Error: disk full"


def test_a_failing_search_index_fails_the_build_and_keeps_the_old_output(site, tmp_path, monkeypatch, capsys):
    _small_site(site)
    assert site.run("build") == 0
    before = site.html("index.html")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    # A searchable page changes, so the index must be made again (and fails).
    site.write("content/profiles/li-si.md", "---\nname: 李四\ncategory: 身边好人\ndate: 2024-03-06\n---\n新的事迹。\n")
    assert site.run("build") != 0
    err = capsys.readouterr().err
    assert "生成搜索索引失败" in err
    assert "Traceback" not in err
    assert site.html("index.html") == before


# --- the search page in Chromium ------------------------------------------------------

STATUS_DONE = "() => /共找到|没有/.test(document.getElementById('search-status').textContent)"


def _search(page, base: str, query: str) -> list[dict[str, str]]:
    page.goto(base + "search/?q=" + quote(query))
    page.wait_for_function(STATUS_DONE)
    return _hits(page)


def _hits(page) -> list[dict[str, str]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#search-list .search-hit'), li => ({
             title: li.querySelector('h2').textContent.trim(),
             href: li.querySelector('h2 a').getAttribute('href'),
             type: (li.querySelector('.hit-kind') || {}).textContent || '',
             date: (li.querySelector('.search-hit-meta .meta') || {}).textContent || '',
             excerpt: li.querySelector('.search-excerpt').innerHTML,
           }))"""
    )


def _all_hits(page) -> list[dict[str, str]]:
    while page.locator("#search-more").is_visible():
        count = page.locator("#search-list > li").count()
        page.locator("#search-more").click()
        page.wait_for_function(f"document.querySelectorAll('#search-list > li').length > {count}")
    return _hits(page)


@pytest.mark.browser
@pytest.mark.parametrize(
    "query, first, expected",
    [
        ("雷锋", "学雷锋日志愿服务进社区", {"学雷锋日志愿服务进社区", "孙晓梅", "马小龙"}),  # its slogans start in February
        ("养护", None, {"陈建国", "王秀兰", "马小龙", "郑永红", "张德胜", "王磊", "孙晓梅", "李文君"}),
        ("读书", "世界读书日·书香公路读书分享会", {"世界读书日·书香公路读书分享会", "李文君", "王秀兰"}),
    ],
    ids=["leifeng", "yanghu", "dushu"],
)
def test_chinese_words_find_every_page_that_contains_them(page, example_output, serve, query, first, expected):
    base = serve(example_output)
    hits = _search(page, base, query)
    assert hits, f"nothing found for {query}"
    if first:
        assert hits[0]["title"] == first
    titles = {h["title"] for h in _all_hits(page)}
    assert expected <= titles, expected - titles
    assert page.locator("#search-status").inner_text() == f"“{query}”共找到 {len(titles)} 条结果。"
    for hit in _hits(page):
        # Each result: a link into the site, a type, and an excerpt with the word marked.
        assert hit["href"].startswith("/") and "index.html" not in hit["href"]
        assert hit["type"] in {"先进典型", "主题活动", "标语", "页面"}
        # (a space between two characters does not part them: 阅读 书香 has 读书 too)
        assert f"<mark>{query}</mark>" in re.sub(r"\s+", "", hit["excerpt"])
        assert ZWSP not in hit["title"] + hit["excerpt"]


@pytest.mark.browser
def test_results_show_type_and_date_and_lead_to_the_page(page, example_output, serve):
    base = serve(example_output)
    hits = _search(page, base, "读书分享会")
    activity = next(h for h in hits if h["title"] == "世界读书日·书香公路读书分享会")
    assert activity["type"] == "主题活动"
    assert activity["date"] == "2026年4月23日"
    with page.expect_navigation():
        page.get_by_role("link", name="世界读书日·书香公路读书分享会").first.click()
    assert urlsplit(page.url).path == "/activities/shuxiang-gonglu-2026/"


@pytest.mark.browser
def test_a_word_that_is_nowhere_says_so(page, example_output, serve):
    base = serve(example_output)
    assert _search(page, base, "不存在的词语") == []
    assert "没有找到与“不存在的词语”相关的内容" in page.locator("#search-status").inner_text()


@pytest.mark.browser
def test_filters_narrow_the_results_and_are_kept_in_the_address(page, example_output, serve):
    base = serve(example_output)
    _search(page, base, "养护")
    everything = _all_hits(page)
    assert {h["type"] for h in everything} >= {"先进典型", "主题活动"}
    page.get_by_role("group", name="类型").get_by_label("主题活动").check()
    page.wait_for_function("() => Array.from(document.querySelectorAll('#search-list .hit-kind')).every(k => k.textContent === '主题活动')")
    page.wait_for_function(STATUS_DONE)
    narrowed = _all_hits(page)
    assert narrowed and len(narrowed) < len(everything)
    assert {h["type"] for h in narrowed} == {"主题活动"}
    assert "%E7%B1%BB%E5%9E%8B=" in page.url  # 类型=… in the address: the search can be shared

    # Reloading the address gives the same narrowed search; clearing gives everything back.
    page.reload()
    page.wait_for_function(STATUS_DONE)
    assert {h["title"] for h in _all_hits(page)} == {h["title"] for h in narrowed}
    assert page.get_by_role("group", name="类型").get_by_label("主题活动").is_checked()
    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function(f"() => document.getElementById('search-status').textContent.includes('共找到 {len(everything)}')")


@pytest.mark.browser
def test_filters_alone_list_a_category(page, example_output, serve):
    base = serve(example_output)
    page.goto(base + "search/?" + quote("分类") + "=" + quote("最美家庭"))
    page.wait_for_function(STATUS_DONE)
    hits = _all_hits(page)
    assert {h["title"] for h in hits} == {"李德全家庭", "何德厚家庭"}


@pytest.mark.browser
def test_the_header_search_box_leads_to_the_search_page_with_the_words_filled_in(page, example_output, serve):
    base = serve(example_output)
    page.goto(base + "honors/")
    box = page.get_by_role("search").get_by_role("searchbox", name="搜索关键词")
    box.fill("读书")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_function(STATUS_DONE)
    assert page.locator("#search-q").input_value() == "读书"
    assert _hits(page)[0]["title"] == "世界读书日·书香公路读书分享会"
    # The search page has no second box in its header.
    assert page.get_by_role("searchbox").count() == 1


@pytest.mark.browser
def test_search_works_from_the_keyboard_alone(page, example_output, serve):
    base = serve(example_output)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "search/")
    page.wait_for_function("() => !document.getElementById('search-filters').hidden")
    page.locator("#search-q").focus()
    page.keyboard.type("养护")
    page.keyboard.press("Enter")
    page.wait_for_function(STATUS_DONE)
    # Tab on: past the button and the filters (Space ticks one) to the first result.
    reached_checkbox = reached_result = False
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({type: document.activeElement.type, value: document.activeElement.value,"
            " inList: !!document.activeElement.closest('#search-list')})"
        )
        if focused["type"] == "checkbox" and focused["value"] == "先进典型" and not reached_checkbox:
            reached_checkbox = True
            page.keyboard.press("Space")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('#search-list .hit-kind')).every(k => k.textContent === '先进典型')"
            )
        if focused["inList"]:
            reached_result = True
            break
    assert reached_checkbox and reached_result
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.startswith("/profiles/")


@pytest.mark.browser
def test_search_works_under_a_sub_path(page, site, serve):
    _small_site(site, "https://example.gov.cn/wenming/")
    assert site.run("build") == 0
    base = serve(site.out, "/wenming/")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not urlsplit(r.url).path.startswith("/wenming/") else None)
    hits = _search(page, base, "养护")
    assert [h["title"] for h in hits] == ["张三"]
    assert hits[0]["href"] == "/wenming/profiles/zhang-san/"
    assert hits[0]["date"] == "2024年3月5日"
    hits = _search(page, base, "雷锋")
    assert {h["title"] for h in hits} == {"李四", "宣传标语"}
    with page.expect_navigation():
        page.get_by_role("link", name="李四").click()
    assert page.url == base + "profiles/li-si/"
    assert outside == []


def _shard_pages(bundle: Path) -> list[int]:
    counts = []
    for folder in [bundle, *sorted(p for p in bundle.iterdir() if p.name.isdigit())]:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts.append(sum(lang["page_count"] for lang in entry["languages"].values()))
    return counts


def test_a_big_site_is_indexed_in_shards_and_an_edit_indexes_one_again(site, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 5 searchable pages: 3 shards
    _small_site(site)
    assert site.run("build") == 0
    bundle = site.out / "pagefind"
    assert sum(_shard_pages(bundle)) == 5 and len(_shard_pages(bundle)) == 3
    assert json.loads((bundle / "shards.json").read_text(encoding="utf-8")) == {"shards": ["1/", "2/"]}
    runs = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(a[2]) or real(*a))
    site.write("content/slogans/a.md", "---\ntext: 学习雷锋好榜样 奉献友爱互助\ntheme: 学雷锋\n---\n")
    assert site.run("build") == 0
    assert len(runs) == 1  # the shard holding the slogans page; the other two were linked from the live index
    assert sum(_shard_pages(bundle)) == 5


@pytest.mark.browser
def test_a_search_finds_pages_in_every_shard(page, site, serve, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    _small_site(site, "https://example.gov.cn/wenming/")
    assert site.run("build") == 0
    assert len(_shard_pages(site.out / "pagefind")) == 3
    base = serve(site.out, "/wenming/")
    hits = _search(page, base, "雷锋")
    assert {h["title"] for h in hits} == {"李四", "宣传标语"}
    hits = _search(page, base, "养护")
    assert [h["href"] for h in hits] == ["/wenming/profiles/zhang-san/"]
    titles = {h["title"] for h in _search(page, base, "书")}
    assert {"书香公路读书分享会"} <= titles
    # Filters come from every shard: the type filter offers all the kinds indexed.
    kinds = page.evaluate("() => Array.from(document.querySelectorAll('#search-filters input'), i => i.value)")
    assert {"先进典型", "主题活动", "标语", "页面"} <= set(kinds)


def test_serve_refreshes_only_the_search_shards_whose_pages_changed(site, monkeypatch):
    from generator.watch import refresh_search_index

    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    _small_site(site)
    assert site.run("build") == 0
    live = site.out
    pages = sorted((p.relative_to(live).as_posix(), "v1") for p in live.rglob("*.html") if b"data-pagefind-body" in p.read_bytes())
    config = load_config(site.root, Problems())
    state = refresh_search_index(live, config, Problems(), lambda *a: None, pages, {})
    assert state is not None and len(state["keys"]) == 3 and state["base"] == dict(pages) and state["recent"] == {}
    runs = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(a[1]) or real(*a))
    changed = [(path, "v2" if path.startswith("slogans/") else digest) for path, digest in pages]
    again = refresh_search_index(live, config, Problems(), lambda *a: None, changed, state)
    assert runs == [["slogans/index.html"]]  # the changed page alone, into recent/
    assert again == {"keys": state["keys"], "base": state["base"], "recent": {"slogans/index.html": "v2"}}
    assert sum(_shard_pages(live / "pagefind")) == 5 and (live / "pagefind/recent/pagefind-entry.json").is_file()
    # Past the limit: the shard holding it is indexed again and recent/ goes.
    monkeypatch.setattr(search, "RECENT_PAGES", 0)
    runs.clear()
    third = refresh_search_index(live, config, Problems(), lambda *a: None, changed, again)
    assert len(runs) == 1 and "slogans/index.html" in runs[0] and len(runs[0]) < 5  # one shard of three
    assert third is not None and third["base"] == dict(changed) and third["recent"] == {}
    assert not (live / "pagefind/recent").exists() and sum(_shard_pages(live / "pagefind")) == 5


def test_shards_are_indexed_side_by_side_only_as_cores_and_free_memory_allow(monkeypatch):
    def memory(gib: float):
        def sysconf(name: str) -> int:
            return {"SC_PAGE_SIZE": 4096, "SC_AVPHYS_PAGES": int(gib * (1 << 30) / 4096)}[name]

        return sysconf

    monkeypatch.setattr(search.os, "cpu_count", lambda: 8)
    monkeypatch.setattr(search.os, "sysconf", memory(16))
    assert search.shard_workers(10) == 8
    assert search.shard_workers(3) == 3
    assert search.shard_workers(10, jobs=2) == 2
    monkeypatch.setattr(search.os, "sysconf", memory(2.5))
    assert search.shard_workers(10) == 2
    monkeypatch.setattr(search.os, "sysconf", memory(0.3))
    assert search.shard_workers(10) == 1

    def unknown(name: str) -> int:
        raise ValueError(name)

    monkeypatch.setattr(search.os, "sysconf", unknown)
    assert search.shard_workers(10) == 1


def test_pages_are_staged_for_pagefind_inside_the_release_and_removed_after(site, monkeypatch):
    site.write("content/profiles/a.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n学雷锋。\n")
    staged: list[Path] = []
    real_run = search.subprocess.run

    def run(command, **kwargs):
        staged.append(Path(command[command.index("--site") + 1]))
        assert any(staged[-1].rglob("index.html"))  # the pages are there while Pagefind runs
        return real_run(command, **kwargs)

    monkeypatch.setattr(search.subprocess, "run", run)
    assert site.run("build") == 0
    (folder,) = staged
    # In the release folder (in the site's cache while it is written): a killed
    # build leaves it with the release, which the next build removes.
    assert folder.parent.parent.parent == work_folder(site.root / ".bangyang-cache", site.out)
    assert folder.parent.parent.name.startswith("new-")
    assert not folder.parent.exists()
    assert not [p for p in site.out.rglob("*") if "-pages" in p.name]


# --- edits go into a small recent index --------------------------------------------

LI_SI_EDITED = "---\nname: 李四\ncategory: 道德模范\ndate: 2023-05-01\n---\n照顾孤寡老人十年，传承焦裕禄精神。\n"
WANG_WU = "---\nname: 王五\ncategory: 身边好人\ndate: 2024-06-01\n---\n社区里的学雷锋志愿者。\n"


def _edit_small_site(site) -> None:
    """李四 no longer mentions 雷锋, the about page is gone, 王五 is new: the page count stays 5."""
    site.write("content/profiles/li-si.md", LI_SI_EDITED)
    (site.root / "content/pages/about.md").unlink()
    site.write("content/profiles/wang-wu.md", WANG_WU)


def _searchable(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()}


def _titles(page, base: str, query: str) -> set[str]:
    _search(page, base, query)
    return {h["title"] for h in _all_hits(page)}


def _type_counts(page, base: str) -> dict[str, str]:
    page.goto(base + "search/?q=" + quote("雷锋"))
    page.wait_for_function(STATUS_DONE)
    page.get_by_role("button", name="清除筛选").wait_for()
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("#search-filters input[name='类型']"),
             i => [i.value, document.querySelector("label[for='" + i.id + "'] [data-filter-count]").getAttribute('data-total')]))"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("laid_over", [False, True], ids=["whole release", "laid over"])
def test_changed_pages_are_indexed_apart_and_search_shows_only_their_new_version(page, site, make_site, serve, monkeypatch, laid_over):
    from generator import publish

    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 5 searchable pages: 3 shards
    # Laid over the live output (as an edit of a big site is), the shards stay where they are.
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 1.0 if laid_over else 0.0)
    _small_site(site)
    assert site.run("build") == 0
    bundle = site.out / "pagefind"
    bundle_folder = bundle.stat().st_ino
    shards_before = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file() and p.name != "shards.json"}
    pages_before = _searchable(site.out)
    runs: list[list[str]] = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(sorted(a[1])) or real(*a))
    _edit_small_site(site)
    assert site.run("build") == 0
    # Pagefind read the changed pages only (李四, 王五, and 张三 whose related profiles changed);
    # the three shards are the ones the last build made.
    pages_after = _searchable(site.out)
    changed = sorted(path for path, data in pages_after.items() if pages_before.get(path) != data)
    assert {"profiles/li-si/index.html", "profiles/wang-wu/index.html"} <= set(changed) and len(changed) < len(pages_after)
    assert runs == [changed]
    for rel, data in shards_before.items():
        assert (bundle / rel).read_bytes() == data, rel
    assert (bundle.stat().st_ino == bundle_folder) == laid_over
    listing = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert listing["recent"] == "recent/" and listing["filter"] == search.VERSION_FILTER
    assert len(listing["stale"]) == len(changed)  # the old versions of the changed pages but 王五, and the about page

    # The same searches on a clean build of the same content find the same pages.
    clean = make_site("clean")
    _small_site(clean)
    _edit_small_site(clean)
    assert clean.run("build") == 0
    assert "recent" not in json.loads((clean.out / "pagefind/shards.json").read_text(encoding="utf-8"))
    edited, fresh = serve(site.out), serve(clean.out)
    expected = {"雷锋": {"王五", "宣传标语"}, "焦裕禄": {"李四"}, "宣传办": set(), "养护": {"张三"}}
    for query, titles in expected.items():
        assert _titles(page, edited, query) == titles, query
        assert _titles(page, fresh, query) == titles, query
    # The type filter counts each page once: the old 李四 and the about page are not counted.
    assert _type_counts(page, edited) == _type_counts(page, fresh) == {"先进典型": "3", "主题活动": "1", "标语": "1"}


def test_laid_over_with_no_searchable_page_changed_the_live_index_is_left_as_it_is(site, monkeypatch):
    from generator import publish

    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 1.0)
    _small_site(site)
    site.write("content/static/docs/guide.txt", "指南")
    assert site.run("build") == 0
    site.write("content/profiles/li-si.md", LI_SI_EDITED)
    assert site.run("build") == 0
    bundle = site.out / "pagefind"
    before = {p.relative_to(bundle).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in bundle.rglob("*") if p.is_file()}
    assert "recent/pagefind-entry.json" in before
    runs: list[list[str]] = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(sorted(a[1])) or real(*a))
    site.write("content/static/docs/guide.txt", "新指南")  # no page changes
    assert site.run("build") == 0
    assert (site.out / "docs/guide.txt").read_text(encoding="utf-8") == "新指南"
    after = {p.relative_to(bundle).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in bundle.rglob("*") if p.is_file()}
    assert runs == [] and after == before  # not indexed, not even linked again


def test_past_the_limit_the_shards_are_made_again_and_recent_goes(site, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    monkeypatch.setattr(search, "RECENT_PAGES", 2)
    _small_site(site)
    assert site.run("build") == 0
    site.write("content/profiles/li-si.md", LI_SI_EDITED)
    assert site.run("build") == 0
    bundle = site.out / "pagefind"
    assert (bundle / "recent/pagefind-entry.json").is_file()
    runs: list[list[str]] = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(sorted(a[1])) or real(*a))
    # Three pages changed since the shards were made (李四 still counts): past the limit of two.
    site.write("content/slogans/a.md", "---\ntext: 学习雷锋好榜样 奉献友爱互助\ntheme: 学雷锋\n---\n")
    site.write(
        "content/activities/du-shu.md", "---\ntitle: 书香公路读书分享会\ntheme: 全民阅读\nstart: 2024-04-23 15:00\n---\n共读一本书。\n"
    )
    assert site.run("build") == 0
    # The shards holding the changed pages were indexed again, whole.
    indexed = {p for paths in runs for p in paths}
    assert {"profiles/li-si/index.html", "slogans/index.html", "activities/du-shu/index.html"} <= indexed
    count = search.shard_count(5)
    assert all(len({search.shard_of(p, count) for p in paths}) == 1 for paths in runs)
    assert not (bundle / "recent").exists()
    assert json.loads((bundle / "shards.json").read_text(encoding="utf-8")) == {"shards": ["1/", "2/"]}
    assert sum(_shard_pages(bundle)) == 5


@pytest.mark.browser
def test_a_page_gone_with_nothing_else_changed_is_left_out_without_indexing_anything(page, site, serve, monkeypatch):
    from generator.watch import refresh_search_index

    monkeypatch.setattr(search, "SHARD_PAGES", 3)  # 5 pages or 4: two shards either way
    _small_site(site)
    assert site.run("build") == 0
    live = site.out
    pages = sorted((path, "v1") for path in _searchable(live))
    config = load_config(site.root, Problems())
    state = refresh_search_index(live, config, Problems(), lambda *a: None, pages, {})
    base = serve(live)
    assert _titles(page, base, "宣传办") == {"关于我们"}
    runs: list[list[str]] = []
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(sorted(a[1])) or real(*a))
    left = [(path, digest) for path, digest in pages if path != "about/index.html"]
    again = refresh_search_index(live, config, Problems(), lambda *a: None, left, state)
    listing = json.loads((live / "pagefind/shards.json").read_text(encoding="utf-8"))
    assert runs == [] and again is not None and again["recent"] == {}
    assert "recent" not in listing and len(listing["stale"]) == 1
    assert _titles(page, base, "宣传办") == set()  # its page is still served, but no longer found
    assert _titles(page, base, "雷锋") == {"李四", "宣传标语"}
