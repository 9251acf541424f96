"""`bangyang serve`: real server on a free loopback port, real Chromium."""

from __future__ import annotations

import http.client
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator import express as express_module
from generator import serve as serve_module
from generator import watch as watch_module
from generator.config import load_config
from generator.problems import Problems
from generator.serve import DevServer

PROFILE = "---\nname: {name}\ncategory: 道德模范\ndate: 2024-03-05\nsummary: {summary}\n---\n## 事迹\n\n{body}\n"


def _write_profile(
    site, name="张晓明", summary="二十年坚守公路养护一线", body="他每天清晨五点出门巡路。", rel="content/profiles/zhang/index.md"
):
    site.write(rel, PROFILE.format(name=name, summary=summary, body=body))


@pytest.fixture
def dev(site) -> Iterator[Callable[..., DevServer]]:
    servers: list[DevServer] = []

    def start(**kw) -> DevServer:
        problems = Problems(rel_to=site.root)
        config = load_config(site.root, problems)
        server = DevServer(config, port=0, log=lambda *a: None, **{"poll_timeout": 2.0, **kw})
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _get(server: DevServer, path: str) -> tuple[int, str, bytes]:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path)  # sent as is: no client-side normalisation of `..`
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type", ""), body


def _wait(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.parametrize(
    "probe",
    ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cetc/passwd", "/profiles/..%2f..%2f..%2fetc/passwd", "/%00index.html"],
    ids=["dotdot", "encoded-dots", "backslash", "encoded-slash", "nul"],
)
def test_traversal_probes_get_404(site, dev, probe):
    _write_profile(site)
    server = dev()
    status, _, body = _get(server, probe)
    assert status == 404 and b"root:" not in body


def test_files_are_served_with_their_content_types(site, dev):
    _write_profile(site)
    for name in ("a.webp", "a.avif", "a.wasm", "a.ics", "a.svg"):
        site.write_bytes(f"content/static/{name}", b"x")
    server = dev()
    types = {name: _get(server, f"/{name}")[1] for name in ("a.webp", "a.avif", "a.wasm", "a.ics", "a.svg")}
    assert types["a.webp"] == "image/webp" and types["a.avif"] == "image/avif"
    assert types["a.wasm"] == "application/wasm" and types["a.ics"].startswith("text/calendar")
    assert types["a.svg"] == "image/svg+xml"
    assert _get(server, "/")[1] == "text/html; charset=utf-8"


def test_the_site_is_served_under_its_base_path(site, dev):
    site.write("site.toml", 'base_url = "https://example.gov.cn/wenming/"\n')
    _write_profile(site)
    server = dev()
    assert server.url.endswith("/wenming/")
    status, _, body = _get(server, "/wenming/profiles/zhang/")
    assert status == 200 and "张晓明" in body.decode()
    assert _get(server, "/profiles/zhang/")[0] == 404
    assert _get(server, "/wenming")[0] == 301


def test_the_reload_script_is_injected_only_by_the_server(site, dev):
    _write_profile(site)
    server = dev()
    served = _get(server, "/profiles/zhang/")[2].decode()
    assert "__bangyang/reload.js" in served
    assert site.run("build") == 0
    built = site.html("profiles/zhang/index.html")
    assert "__bangyang" not in built
    assert not any("__bangyang" in p.read_text(encoding="utf-8", errors="ignore") for p in site.out.rglob("*.html"))


def test_a_burst_of_saves_causes_one_rebuild_and_temporary_files_none(site, dev):
    _write_profile(site)
    server = dev()
    before = server.rebuilder.builds
    for i in range(20):
        _write_profile(site, name=f"人{i}", rel=f"content/profiles/p{i}/index.md")
    _seen_all(server, site)
    assert server.rebuilder.builds == before + 1
    assert _get(server, "/profiles/p19/")[0] == 200
    for name in ("~$事迹.docx", ".~lock.a.md#", "a.md.swp", "4913", "~WRL0001.tmp", "Thumbs.db", "a.md~"):
        site.write_bytes(f"content/profiles/{name}", b"x")
    _seen_all(server, site)
    assert server.rebuilder.builds == before + 1


@pytest.mark.browser
def test_an_open_page_follows_edits_shows_errors_and_recovers(site, dev, page):
    _write_profile(site)
    server = dev()
    page.goto(server.url + "profiles/zhang/")
    assert "他每天清晨五点出门巡路" in page.inner_text("main")

    _write_profile(site, body="他把养护站变成了学习雷锋志愿服务站。")
    page.wait_for_function("document.querySelector('main').innerText.includes('学习雷锋志愿服务站')", timeout=10000)

    site.write("content/profiles/zhang/index.md", PROFILE.format(name="张晓明", summary="x", body="y").replace("2024-03-05", "2024-02-30"))
    overlay = page.locator("#bangyang-errors")
    overlay.wait_for(state="visible", timeout=10000)
    text = overlay.inner_text()
    assert "content/profiles/zhang/index.md:4" in text and "不存在" in text
    assert "学习雷锋志愿服务站" in page.inner_text("main")  # the last good page stays

    _write_profile(site, body="修好以后页面自动恢复。")
    page.wait_for_function("document.querySelector('main').innerText.includes('修好以后页面自动恢复')", timeout=10000)
    assert page.locator("#bangyang-errors").count() == 0


@pytest.mark.browser
def test_a_reload_keeps_the_scroll_position(site, dev, page):
    _write_profile(site, body="\n\n".join(f"第{i}段：养护工作日复一日。" for i in range(200)))
    server = dev()
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(server.url + "profiles/zhang/")
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("window.scrollY >= 1400")
    _write_profile(site, summary="改过的简介", body="\n\n".join(f"第{i}段：养护工作日复一日。" for i in range(200)))
    page.wait_for_function("document.body.innerText.includes('改过的简介')", timeout=10000)
    page.wait_for_function("window.scrollY >= 1400", timeout=5000)


def test_serve_and_build_produce_the_same_site_after_a_series_of_edits(site, dev, make_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    _write_profile(site)
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    server = dev()
    steps = [
        lambda: _write_profile(site, summary="改了简介"),
        lambda: _write_profile(site, name="王秀兰", rel="content/profiles/王秀兰.md"),
        lambda: (site.root / "content/profiles/王秀兰.md").rename(site.root / "content/profiles/王秀英.md"),
        lambda: site.write("content/activities/a/index.md", "---\ntitle: 学雷锋日\ntheme: 志愿服务\nstart: 2027-03-05 09:00\n---\n"),
        lambda: (site.root / "content/slogans/a.md").unlink(),
    ]
    for step in steps:
        before = server.rebuilder.builds
        step()
        assert _wait(lambda b=before: server.rebuilder.builds > b)
        _seen_all(server, site)  # and a possible follow-up build
    assert site.run("build") == 0
    assert _tree(server.out_dir) == _tree(site.out)


def _tree(folder: Path) -> dict[str, bytes]:
    # The Pagefind index is not byte-stable between runs (its filter files); everything else must be.
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"
    }


@pytest.mark.browser
def test_search_follows_edits_in_the_preview(site, dev, page):
    _write_profile(site)
    server = dev()
    assert (server.out_dir / "pagefind/pagefind.js").is_file()
    before = server.rebuilder.builds
    _write_profile(site, body="他发明了一种防滑桩。")
    assert _wait(lambda: server.rebuilder.builds > before)
    # The index is refreshed in the background just after the reload is announced.
    assert server.rebuilder.wait_idle()
    page.goto(server.url + "search/?q=防滑桩")
    page.wait_for_function("document.querySelector('#search-list').innerText.includes('张晓明')", timeout=10000)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the inotify event queue")
def test_reading_files_is_not_reported_to_the_watcher(site, dev, monkeypatch):
    # A build of a big site opens and closes every document for reading. Were those
    # reported, 10,000 documents would overflow the kernel's event queue (16,384)
    # and the saves that follow would be lost: only changes may be watched.
    _write_profile(site)
    many = site.root / "content/static/many"
    many.mkdir(parents=True)
    for i in range(200):
        (many / f"{i}.txt").write_bytes(b"x")
    seen: list[tuple[str, str]] = []
    real = watch_module._Events.on_any_event
    monkeypatch.setattr(
        watch_module._Events, "on_any_event", lambda self, event: (seen.append((event.event_type, event.src_path)), real(self, event))
    )
    server = dev()
    before = server.rebuilder.builds
    for path in many.iterdir():
        path.read_bytes()
    _seen_all(server, site)  # events arrive in order: whatever the reads caused came before
    assert [path for _, path in seen if "/many/" in path] == []
    assert server.rebuilder.builds == before
    _write_profile(site, body="读了很多文件之后保存的事迹。")
    assert _wait(lambda: server.rebuilder.builds > before, 15), "the save was not seen"
    assert _wait(lambda: "读了很多文件之后" in _get(server, "/profiles/zhang/")[2].decode("utf-8"), 15)
    assert not {"opened", "closed_no_write"} & {kind for kind, _ in seen}


def _settle(server: DevServer, before: int) -> None:
    """Until the build after a save (and any follow-up) is done."""
    assert _wait(lambda: server.rebuilder.builds > before), "no build after the save"
    assert server.rebuilder.wait_idle()


def _seen_all(server: DevServer, site) -> None:
    """Until the watcher has reported every change made so far and everything
    they caused is done: a file the watcher ignores (Office's lock-file name)
    is written last, and events arrive in order."""
    marker = site.root / "content" / f"~$mark{time.monotonic_ns()}.docx"
    marker.write_bytes(b"x")
    assert server.rebuilder.wait_observed(marker), "the watcher did not report the marker"
    assert server.rebuilder.wait_idle()


def test_an_edit_is_shown_first_by_the_express_path(site, dev, monkeypatch):
    _write_profile(site)
    _write_profile(site, name="李晓红", rel="content/profiles/li/index.md")
    server = dev()
    seen: dict[str, bytes] = {}
    real_build = watch_module.build
    zhang = server.out_dir / "profiles/zhang/index.html"

    def build_after_express(*args, **kwargs):
        seen.setdefault("express", zhang.read_bytes())  # what the express path published
        result = real_build(*args, **kwargs)
        seen["full"] = zhang.read_bytes()
        return result

    monkeypatch.setattr(watch_module, "build", build_after_express)
    epoch, before = server.state.epoch, server.rebuilder.builds
    _write_profile(site, body="新的事迹：他修好了进山的路。")
    _settle(server, before)
    assert server.rebuilder.expressed == 1
    assert "新的事迹" in seen["express"].decode()
    assert seen["express"] == seen["full"]  # the full build makes the very same page
    # The express epoch names the page; the full build's epoch does not name it again.
    assert server.state.changes[epoch + 1] == {"/profiles/zhang/"}
    full = server.state.changes[epoch + 2]
    assert full is not None and "/profiles/zhang/" not in full
    assert server.state.wait_newer(epoch + 2, 0, since=epoch)["changed"] == sorted({"/profiles/zhang/"} | full)
    assert "新的事迹" in _get(server, "/profiles/zhang/")[2].decode()


def test_a_text_edit_is_rendered_from_the_last_site_model_and_other_edits_relate_the_site_again(site, dev, monkeypatch):
    _write_profile(site)
    for i, name in enumerate(("李晓红", "王秀兰", "赵刚")):
        _write_profile(site, name=name, rel=f"content/profiles/p{i}/index.md")  # related to 张晓明: same category
    server = dev()
    related: list[int] = []
    real_model = express_module.build_site_model
    monkeypatch.setattr(express_module, "build_site_model", lambda *a, **k: related.append(1) or real_model(*a, **k))
    seen: dict[str, bytes] = {}
    real_build = watch_module.build
    zhang = server.out_dir / "profiles/zhang/index.html"

    def build_after_express(*args, **kwargs):
        seen["express"] = zhang.read_bytes()
        result = real_build(*args, **kwargs)
        seen["full"] = zhang.read_bytes()
        return result

    monkeypatch.setattr(watch_module, "build", build_after_express)
    edits = [
        (lambda: _write_profile(site, body="只改了正文的字。"), "只改了正文的字", 0),
        (lambda: _write_profile(site, body="只改了正文的字。", summary="换了一句简介"), "换了一句简介", 0),
        # A field other pages show too (the card on the related profiles' pages): the site is related again.
        (lambda: _write_profile(site, name="张晓明同志", body="只改了正文的字。", summary="换了一句简介"), "张晓明同志", 1),
    ]
    for number, (edit, text, relate) in enumerate(edits, 1):
        before, related[:] = server.rebuilder.builds, []
        edit()
        _settle(server, before)
        assert server.rebuilder.expressed == number
        assert len(related) == relate
        assert text in seen["express"].decode()
        assert seen["express"] == seen["full"]  # the related profiles, the category: all as the full build makes them
        assert "李晓红" in seen["express"].decode() and seen["express"].decode().count('class="pcard"') == 3


def test_new_files_templates_and_settings_take_the_full_path(site, dev):
    _write_profile(site)
    site.write("templates/404.html", '{% extends "base.html" %}{% block main %}<p>找不到</p>{% endblock %}\n')
    server = dev()
    steps = [
        lambda: _write_profile(site, name="王秀兰", rel="content/profiles/wang.md"),  # a new document
        lambda: (_write_profile(site, body="和新文件一起保存。"), _write_profile(site, name="赵刚", rel="content/profiles/zhao.md")),
        lambda: site.write("templates/404.html", '{% extends "base.html" %}{% block main %}<p>没有这个页面</p>{% endblock %}\n'),
        lambda: site.write("site.toml", 'title = "十堰文明网"\n'),
        lambda: (site.root / "content/profiles/wang.md").rename(site.root / "content/profiles/wang-xiu-lan.md"),
    ]
    for step in steps:
        before = server.rebuilder.builds
        step()
        _settle(server, before)
    assert server.rebuilder.expressed == 0
    assert "没有这个页面" in _get(server, "/nowhere/")[2].decode()
    assert "和新文件一起保存" in _get(server, "/profiles/zhang/")[2].decode()


def test_a_document_with_an_error_is_not_express_published(site, dev):
    _write_profile(site)
    site.write("content/pages/about.md", "---\ntitle: 关于\n---\n见[张晓明的事迹](../profiles/zhang/index.md#事迹)。\n")
    server = dev()
    assert server.state.ok
    # An error in the document itself.
    before = server.rebuilder.builds
    site.write(
        "content/profiles/zhang/index.md", PROFILE.format(name="张晓明", summary="x", body="错的日期").replace("2024-03-05", "2024-02-30")
    )
    _settle(server, before)
    assert not server.state.ok and server.rebuilder.expressed == 0
    assert "错的日期" not in _get(server, "/profiles/zhang/")[2].decode()
    # Fixed: the build after a failed one is a full one.
    before = server.rebuilder.builds
    _write_profile(site, body="改好了。")
    _settle(server, before)
    assert server.state.ok and "改好了" in _get(server, "/profiles/zhang/")[2].decode()
    # Valid by itself, but another document links to the heading it drops.
    before = server.rebuilder.builds
    site.write("content/profiles/zhang/index.md", PROFILE.format(name="张晓明", summary="x", body="没有小标题").replace("## 事迹\n", ""))
    _settle(server, before)
    assert not server.state.ok and server.rebuilder.expressed == 0
    assert "没有小标题" not in _get(server, "/profiles/zhang/")[2].decode()


def _two_profiles_in_two_tabs(site, dev, page, first: str, second: str):
    """Two role models served; `page` shows `first`, a second tab of the same browser `second`."""
    _write_profile(site)
    _write_profile(site, name="李晓红", rel="content/profiles/li/index.md")
    server = dev()
    page.goto(server.url + first)
    other = page.context.new_page()
    other.goto(server.url + second)
    return server, other


@pytest.mark.browser
def test_a_save_reloads_the_open_page_once_and_other_pages_not_at_all(site, dev, page):
    server, other = _two_profiles_in_two_tabs(site, dev, page, "profiles/zhang/", "profiles/li/")
    loads: list[str] = []
    updates: list[str] = []  # updated in place, without a reload
    page.on("load", lambda *_: loads.append("zhang"))
    other.on("load", lambda *_: loads.append("li"))
    page.context.expose_function("noteUpdate", lambda name: updates.append(name))
    for pg, name in ((page, "zhang"), (other, "li")):
        pg.evaluate(f"document.addEventListener('bangyang:updated', () => window.noteUpdate('{name}'))")
    page.wait_for_timeout(300)  # both pages are polling
    before = server.rebuilder.builds
    _write_profile(site, body="保存一次，页面只刷新一次。")
    page.wait_for_function("document.querySelector('main').innerText.includes('页面只刷新一次')", timeout=10000)
    _settle(server, before)
    page.wait_for_timeout(500)
    assert server.rebuilder.expressed == 1
    assert loads + updates == ["zhang"]


def test_a_killed_serves_search_scratch_folder_is_removed(site, dev):
    _write_profile(site)
    cache = site.root / ".bangyang-cache"
    dead = cache / ".serve-search-999999999-abcd"  # no such process
    (dead / "profiles").mkdir(parents=True)
    (dead / "profiles/index.html").write_text("<p>旧的</p>", encoding="utf-8")
    server = dev()
    server.rebuilder.wait_search()
    assert not dead.exists()
    assert not list(cache.glob(".serve-search-*"))  # this serve's own scratch folder is gone too


ACTIVITY = """---
title: 世界读书日·书香公路读书分享会
theme: 全民阅读
start: 2026-04-23 15:00
location: 十堰市公路事业发展中心职工书屋
gallery: [{photos}]
---
4月23日，中心在职工书屋举办“书香公路”读书分享会。

{more}
"""
READING = "content/activities/shuxiang/index.md"


def _write_activity(site, more="## 活动回顾\n\n分享会上，大家交流读书心得。", photos=("1.jpg", "2.jpg")):
    for i, name in enumerate(photos):
        if not (site.root / "content/activities/shuxiang" / name).exists():
            site.image(f"content/activities/shuxiang/{name}", color=("#c8102e", "#1d4ed8", "#15803d")[i % 3])
    site.write(READING, ACTIVITY.format(photos=", ".join(photos), more=more))


def _open_for_updates(page, url: str) -> list[str]:
    """Opens `url`; returns the list its loads are recorded in. The page counts
    its in-place updates in window.updates and keeps a marker a reload would lose."""
    loads: list[str] = []
    page.goto(url)
    page.on("load", lambda *_: loads.append(page.url))
    page.evaluate(
        "window.kept = 'same document'; window.updates = 0;document.addEventListener('bangyang:updated', () => { window.updates += 1; })"
    )
    # The reload script fetches the HTML this page was served as once it has loaded.
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(e => e.initiatorType === 'xmlhttprequest' && e.name === location.href)"
    )
    return loads


@pytest.mark.browser
def test_a_save_updates_the_open_page_in_place_and_keeps_what_its_scripts_did(site, dev, page):
    _write_activity(site)
    server = dev()
    page.set_viewport_size({"width": 800, "height": 600})
    loads = _open_for_updates(page, server.url + "activities/shuxiang/")
    page.click("#large-toggle")  # 大字版: the theme's script sets a class and the button's text
    assert page.evaluate("document.documentElement.classList.contains('large')")
    page.evaluate("window.scrollTo(0, 200)")
    # A changed sentence, a new paragraph, a new heading and a list: plain content.
    _write_activity(
        site,
        more="## 活动回顾\n\n分享会上，职工们交流读书心得。\n\n## 参与方式\n\n- 到工会登记\n- 每月一书\n\n读书会后，大家在书屋合影留念。",
    )
    page.wait_for_function("document.querySelector('main').innerText.includes('大家在书屋合影留念')", timeout=10000)
    main = page.inner_text("main")
    assert "职工们交流读书心得" in main and "大家交流读书心得" not in main
    assert page.locator("main h2", has_text="参与方式").get_attribute("id")  # the heading keeps its anchor
    assert page.locator("main li", has_text="每月一书").count() == 1
    assert page.evaluate("window.kept") == "same document" and loads == []
    assert page.evaluate("window.updates") == 1
    assert page.evaluate("document.documentElement.classList.contains('large')")
    assert page.inner_text("#large-toggle") == "标准版"
    assert page.evaluate("window.scrollY") >= 150
    # The lightbox the script built for the gallery still works.
    page.locator(".gallery a").first.click()
    page.locator("dialog[open]").wait_for(state="visible", timeout=5000)
    assert page.evaluate("document.querySelectorAll('dialog.lightbox, dialog[open]').length") >= 1
    page.keyboard.press("Escape")
    # The same page and a second edit: the in-place update compares with what it showed last.
    _write_activity(site, more="## 活动回顾\n\n第二次修改后的回顾。")
    page.wait_for_function("document.querySelector('main').innerText.includes('第二次修改后的回顾')", timeout=10000)
    assert "参与方式" not in page.inner_text("main")
    assert page.evaluate("window.kept") == "same document" and page.evaluate("window.updates") == 2


@pytest.mark.browser
def test_a_change_a_script_may_have_hooked_reloads_the_page(site, dev, page):
    _write_activity(site)
    server = dev()
    loads = _open_for_updates(page, server.url + "activities/shuxiang/")
    assert page.locator(".gallery a").count() == 2
    # A third photo: the gallery's links carry data-* attributes the lightbox read when it started.
    _write_activity(site, photos=("1.jpg", "2.jpg", "3.jpg"))
    page.wait_for_function("document.querySelectorAll('.gallery a').length === 3", timeout=15000)
    assert page.evaluate("window.kept") is None and len(loads) >= 1
    page.locator(".gallery a").nth(2).click()
    assert page.locator(".lightbox-count").inner_text() == "第 3 张，共 3 张"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a shell script stands in for Pagefind; /proc tells it ended")
def test_a_save_stops_a_running_search_refresh_instead_of_waiting_for_it(site, dev, monkeypatch, tmp_path):
    _write_profile(site)
    server = dev()
    state = dict(server.rebuilder.search_state)
    index = sorted(p.relative_to(server.out_dir).as_posix() for p in (server.out_dir / "pagefind").rglob("*"))
    assert state and index
    # From now on "Pagefind" takes half a minute: what a big site's shard costs on a slow PC.
    pidfile = tmp_path / "pagefind.pid"
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f'#!/bin/sh\necho $$ > "{pidfile}"\nexec sleep 30\n')
    slow.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))
    before = server.rebuilder.builds
    _write_profile(site, body="第一次保存。")
    assert _wait(lambda: pidfile.exists(), 15), "the search refresh did not start after the first save"
    pid = int(pidfile.read_text())
    started = time.monotonic()
    _write_profile(site, body="第二次保存：不必等搜索索引。")
    assert _wait(lambda: "不必等搜索索引" in _get(server, "/profiles/zhang/")[2].decode(), 10)
    assert time.monotonic() - started < 10
    assert _wait(lambda: server.rebuilder.builds >= before + 2, 10)
    # The stopped Pagefind is gone; the live index and the keys it was made with are unchanged.
    assert _wait(lambda: not _alive(pid), 5)
    assert sorted(p.relative_to(server.out_dir).as_posix() for p in (server.out_dir / "pagefind").rglob("*")) == index
    assert server.rebuilder.search_state == state
    assert not list(server.out_dir.parent.glob(".serve-search-*"))  # its scratch folder is removed


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


NAMES = ["张晓明", "李晓红", "王秀兰", "陈建国", "孙晓梅", "马小龙", "郑永红", "刘德胜"]


@pytest.mark.browser
def test_many_open_tabs_share_one_poll_so_none_waits_to_load_and_each_follows_its_edits(site, dev, page):
    # A browser opens at most six connections to a host and a long poll holds one:
    # with a poll per tab a seventh tab would not load until some poll ended.
    for i, name in enumerate(NAMES):
        _write_profile(site, name=name, rel=f"content/profiles/p{i}/index.md")
    server = dev(poll_timeout=30.0)
    tabs = []
    for i in range(len(NAMES)):
        tab = page if i == 0 else page.context.new_page()
        started = time.monotonic()
        tab.goto(server.url + f"profiles/p{i}/", timeout=10000)
        assert time.monotonic() - started < 5, f"tab {i + 1} waited for a connection"
        tab.evaluate("window.kept = 1; window.updates = 0; document.addEventListener('bangyang:updated', () => { window.updates += 1; })")
        tabs.append(tab)
    page.wait_for_timeout(500)  # every tab has fetched what it shows
    for round_, i in enumerate((7, 0)):
        _write_profile(
            site, name=NAMES[i], body=f"第{round_ + 1}次修改：他把养护站变成了志愿服务站。", rel=f"content/profiles/p{i}/index.md"
        )
        tabs[i].wait_for_function(f"document.querySelector('main').innerText.includes('第{round_ + 1}次修改')", timeout=10000)
        assert tabs[i].evaluate("[window.kept, window.updates]") == [1, 1]  # updated in place, once
        if round_ == 0:
            tabs[0].close()  # opened first, it most often polls for the others: then another takes over
            tabs[0] = page = tabs[1].context.new_page()
            page.goto(server.url + "profiles/p0/")
            page.evaluate(
                "window.kept = 1; window.updates = 0; document.addEventListener('bangyang:updated', () => { window.updates += 1; })"
            )
            page.wait_for_timeout(500)
    page.wait_for_timeout(500)
    assert [tab.evaluate("window.updates") for tab in tabs[1:7]] == [0] * 6  # the others did not change


@pytest.mark.browser
def test_an_open_page_follows_a_restarted_server_without_polling_it_in_a_loop(site, dev, page):
    _write_profile(site)
    first = dev()
    page.goto(first.url + "profiles/zhang/")
    for i in range(3):  # the first server's epochs run ahead of a new one's
        _write_profile(site, body=f"第{i + 1}次保存。")
        page.wait_for_function(f"document.querySelector('main').innerText.includes('第{i + 1}次保存')", timeout=10000)
    second = _restart(first, site)
    try:
        _write_profile(site, body="重启以后的修改。")
        page.wait_for_function("document.querySelector('main').innerText.includes('重启以后的修改')", timeout=20000)
        polls: list[str] = []
        page.on("request", lambda request: polls.append(request.url) if "__bangyang/poll" in request.url else None)
        page.wait_for_timeout(3000)  # idle: a long poll or two, not one request after another
        assert len(polls) <= 3, polls[:5]
    finally:
        second.stop()


HOLD_LONG_POLLS = """() => {
  const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.held = /__bangyang[/]poll[?]epoch=(?!-1)/.test(url);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) { if (!this.held) { return send.apply(this, args); } };
}"""


@pytest.mark.browser
def test_a_tab_coming_into_view_catches_up_when_the_polling_tab_is_held_back(site, dev, page):
    first, other = _two_profiles_in_two_tabs(site, dev, page, "profiles/li/", "profiles/zhang/")
    page.wait_for_timeout(300)
    # A hidden tab's timers run once a minute: whichever tab polls for both, its
    # retries after the server goes do not come within this test. Its long polls
    # are held back; what a tab asks at once (epoch=-1) still goes out.
    for tab in (page, other):
        tab.evaluate(HOLD_LONG_POLLS)
    second = _restart(first, site)
    try:
        _write_profile(site, body="回到这个标签页时看到的修改。")
        page.wait_for_timeout(1500)
        assert "回到这个标签页" not in other.inner_text("main")  # nobody told it yet
        other.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the clerk switches to it
        other.wait_for_function("document.querySelector('main').innerText.includes('回到这个标签页')", timeout=10000)
    finally:
        second.stop()


def _restart(server: DevServer, site) -> DevServer:
    """Stop `server` and start a new one on its port, as `bangyang serve` run again would."""
    port = server.httpd.server_address[1]
    server.stop()
    # A moment with no server, as with a restart by hand: what the browser retries
    # by itself of the requests cut off (below any script) meets none.
    time.sleep(1.0)
    again = DevServer(load_config(site.root, Problems(rel_to=site.root)), port=port, poll_timeout=2.0, log=lambda *a: None)
    again.start()
    return again


def test_a_dropped_connection_is_quiet_and_a_handler_error_is_one_line(capsys):
    # A browser that goes away mid-answer is normal; a fault in the handler is not,
    # and the clerk sees one line instead of a traceback or nothing at all.
    for exc, said in ((BrokenPipeError(32, "Broken pipe"), False), (ConnectionResetError(104, "reset"), False), (KeyError("x"), True)):
        try:
            raise exc
        except Exception:
            serve_module.DevHTTPServer.handle_error(None, None, ("127.0.0.1", 1))  # type: ignore[arg-type]
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert ("request failed: KeyError" in err) is said, err


def _get_as(server: DevServer, path: str, host_header: str) -> tuple[int, bytes]:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host_header)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def test_a_request_for_another_host_name_is_refused(site, dev):
    # DNS rebinding: a page of evil.example, its name now resolving to 127.0.0.1,
    # must not read the preview (the editor will write through this server).
    _write_profile(site)
    server = dev()
    port = server.httpd.server_address[1]
    for name in (f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{port + 1}", ""):
        status, body = _get_as(server, "/profiles/zhang/", name)
        assert status == 421 and "张晓明" not in body.decode(), name
    for name in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, body = _get_as(server, "/profiles/zhang/", name)
        assert status == 200 and "张晓明" in body.decode(), name
