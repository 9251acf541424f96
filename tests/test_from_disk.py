"""The output opened from disk (file://, a USB stick) and served under a
sub-path: every page links to the site relative to itself; what needs a web
server says so on the page. The public addresses (canonical, Open Graph, QR
codes) stay absolute."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.links import relative_to_page

BASE = "https://example.gov.cn/wenming/"
LINK_ATTRS = re.compile(r'\s(href|src|action|poster|data-bundle|data-base)="([^"]*)"')
SRCSET = re.compile(r'\ssrcset="([^"]*)"')
SCRIPT_TEXT = re.compile(r"(<script\b[^>]*>).*?</script>", re.S)


def _write_site(site) -> None:
    site.write(
        "site.toml",
        f"""
        title = "测试文明网"
        base_url = "{BASE}"
        [[kiosk]]
        name = "lobby"
        title = "一楼大厅"
        show = ["slogans", "profiles", "activities"]
    """,
    )
    site.image("content/profiles/zhang-san/portrait.jpg", (600, 800), "#3366aa")
    site.write(
        "content/profiles/zhang-san/index.md",
        """
        ---
        name: 张三
        category: 身边好人
        date: 2024-03-05
        photo: portrait.jpg
        tags: [爱岗敬业]
        featured: true
        ---
        二十年坚守公路养护一线，和[李四](../li-si.md#事迹)一起。

        ![张三在养护现场](portrait.jpg)
    """,
    )
    site.write(
        "content/profiles/li-si.md",
        """
        ---
        name: 李四
        category: 身边好人
        date: 2024-04-01
        featured: true
        ---
        ## 事迹

        照顾孤寡老人十年。
    """,
    )
    site.image("content/activities/lei-feng/cover.jpg", (1200, 800), "#aa3333")
    site.image("content/activities/lei-feng/photo-1.jpg", (800, 600), "#33aa55")
    site.write(
        "content/activities/lei-feng/index.md",
        """
        ---
        title: 学雷锋志愿服务
        theme: 志愿服务
        start: 2099-03-05 09:00
        cover: cover.jpg
        gallery: [photo-1.jpg]
        tags: [爱岗敬业]
        ---
        活动正文。
    """,
    )
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\nmenu: true\n---\n关于。\n")


@pytest.fixture
def built(site):
    _write_site(site)
    assert site.run("build") == 0
    return site


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<a href="/wenming/profiles/">', '<a href="../../profiles/">'),
        ('<a href="/wenming/">', '<a href="../../">'),
        (
            '<img src="/wenming/media/a-960.jpg" srcset="/wenming/media/a-480.jpg 480w, /wenming/media/a-960.jpg 960w">',
            '<img src="../../media/a-960.jpg" srcset="../../media/a-480.jpg 480w, ../../media/a-960.jpg 960w">',
        ),
        ('<form action="/wenming/search/" method="get">', '<form action="../../search/" method="get">'),
        ('<link rel="canonical" href="/wenming/profiles/zhang/">', '<link rel="canonical" href="/wenming/profiles/zhang/">'),
        ('<meta property="og:url" content="/wenming/profiles/zhang/">', '<meta property="og:url" content="/wenming/profiles/zhang/">'),
        ('<a href="/other/">', '<a href="/other/">'),  # outside the site: left as written
        ('<code>&lt;a href="/wenming/x/"&gt;</code>', '<code>&lt;a href="/wenming/x/"&gt;</code>'),  # text, not a tag
    ],
)
def test_a_pages_links_under_base_urls_path_and_nothing_else_become_relative(before, after):
    assert relative_to_page(before, "profiles/zhang/index.html", "/wenming/") == after


def test_a_link_to_another_host_without_a_scheme_stays_as_it_is():
    html = '<a href="//example.org/x">外链</a> <a href="/about/">关于</a>'
    assert relative_to_page(html, "index.html", "/") == '<a href="//example.org/x">外链</a> <a href="./about/">关于</a>'


def _markup(page: Path) -> str:
    """A page's HTML without the text of its scripts (a kiosk's runtime writes markup)."""
    return SCRIPT_TEXT.sub(r"\1</script>", page.read_text(encoding="utf-8"))


def _links_from_the_root(html: str) -> list[str]:
    """Links and resources of a page that start with "/" (srcset: each entry)."""
    found = [f"{m.group(1)}={m.group(2)}" for m in LINK_ATTRS.finditer(html) if m.group(2).startswith("/")]
    for m in SRCSET.finditer(html):
        found += [f"srcset={entry.strip()}" for entry in m.group(1).split(",") if entry.strip().startswith("/")]
    return found


def _pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if p.relative_to(output).as_posix() != "404.html")


@pytest.mark.parametrize("which", ["example", "sub-path"])
def test_no_page_but_404_links_to_the_site_from_its_root(which, example_output, built):
    output = example_output if which == "example" else built.out
    pages = _pages(output)
    assert len(pages) > 10 and any("kiosk" in p.parts for p in pages) and any(p.parts[-2] == "search" for p in pages)
    found = {p.relative_to(output).as_posix(): links for p in pages if (links := _links_from_the_root(_markup(p)))}
    assert found == {}


def test_links_are_relative_to_each_page_and_reach_the_right_files(built):
    out = built.out
    profile = built.html("profiles/zhang-san/index.html")
    assert 'href="../../assets/site.css?v=' in profile
    assert '<a href="../../">' in profile  # the brand link home
    assert 'action="../../search/"' in profile
    assert 'href="../../profiles/li-si/#事迹"' in profile  # a body's link to another Markdown file
    assert re.search(r'srcset="\.\./\.\./media/portrait-\w+-480\.webp 480w, \.\./\.\./media/portrait-\w+-\d+\.webp \d+w"', profile)
    home = built.html("index.html")
    assert 'href="./assets/site.css?v=' in home and 'href="./profiles/zhang-san/"' in home
    # Every relative link and resource of every page names a file of the build.
    for page in _pages(out):
        html = _markup(page)
        urls = [(m.group(1), m.group(2)) for m in LINK_ATTRS.finditer(html)]
        urls += [("srcset", e.strip().split(" ")[0]) for m in SRCSET.finditer(html) for e in m.group(1).split(",")]
        for attr, url in urls:
            parts = urlsplit(url)
            if parts.scheme or not parts.path or url.startswith(("#", "//")):
                continue
            target = (page.parent / parts.path).resolve()
            if attr == "data-bundle":  # the search index's folder
                target /= "pagefind.js"
            elif target.is_dir():
                target /= "index.html"
            assert target.is_file() and target.is_relative_to(out.resolve()), f"{page.relative_to(out)}: {attr}={url}"


def test_public_addresses_stay_absolute(built):
    html = built.html("profiles/zhang-san/index.html")
    assert f'<link rel="canonical" href="{BASE}profiles/zhang-san/">' in html
    assert f'<meta property="og:url" content="{BASE}profiles/zhang-san/">' in html
    assert re.search(rf'<meta property="og:image" content="{BASE}media/portrait-\w+-\d+\.jpg">', html)
    assert f"{BASE}profiles/zhang-san/" in built.html("profiles/zhang-san/poster/index.html")  # printed under the QR code
    assert f"<code>{BASE}kiosk/lobby/</code>" in built.html("kiosk/index.html")
    feed = (built.out / "feed.xml").read_text(encoding="utf-8")
    assert f"{BASE}profiles/zhang-san/" in feed and 'href="../' not in feed and 'src="../' not in feed


def test_the_404_page_links_from_base_urls_path(built):
    # A web server answers a missing address at any depth with it: relative links would miss.
    html = built.html("404.html")
    assert 'href="/wenming/assets/site.css?v=' in html and 'href="/wenming/profiles/"' in html
    assert 'href="../' not in html and 'href="./' not in html


def test_the_build_says_how_to_look_at_the_result(built, capsys):
    assert built.run("build") == 0
    line = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert line.startswith("完成：")
    assert f"bangyang serve --site {built.root}" in line and str(built.out / "index.html") in line


# --- in Chromium --------------------------------------------------------------------


def _styled(page) -> bool:
    """site.css applied: the header has its gradient (unstyled, it has none)."""
    return page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundImage") != "none"


def _images_loaded(page) -> bool:
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return page.evaluate("document.images.length > 0 && Array.from(document.images).every(i => i.naturalWidth > 0)")


@pytest.mark.browser
def test_the_home_page_opened_from_disk_is_styled_and_its_links_open_pages(built, page):
    page.goto((built.out / "index.html").as_uri())
    assert _styled(page)
    assert _images_loaded(page)
    page.locator("main a[href*='profiles/zhang-san/']").first.click()
    page.wait_for_load_state("load")
    assert page.url == (built.out / "profiles" / "zhang-san" / "index.html").as_uri()
    assert page.locator("h1").inner_text() == "张三"
    assert _styled(page)
    assert _images_loaded(page)
    # Back home by the brand link, and on to a section from the menu.
    page.locator(".brand a").click()
    page.wait_for_load_state("load")
    assert page.url == (built.out / "index.html").as_uri()
    page.locator(".site-nav a", has_text="主题活动").click()
    page.wait_for_load_state("load")
    assert page.url == (built.out / "activities" / "index.html").as_uri()
    assert _styled(page)


@pytest.mark.browser
def test_the_search_page_opened_from_disk_says_it_needs_a_web_server(built, page):
    page.goto((built.out / "index.html").as_uri())
    page.locator("#site-search-q").fill("张三")
    page.locator(".site-search button").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.endswith("/search/index.html")
    note = page.locator("#search-offline")
    note.wait_for(state="visible")
    assert "搜索需要通过网站服务器访问" in note.inner_text() and "bangyang serve" in note.inner_text()
    assert page.locator("#search-form").is_hidden()  # no box that cannot search
    assert _styled(page)


@pytest.mark.browser
def test_a_kiosk_screen_opened_from_disk_plays_and_says_it_will_not_update(built, page):
    page.goto((built.out / "kiosk" / "lobby" / "index.html").as_uri())
    page.locator(".k-offline").wait_for(state="visible")
    assert "不会自动更新" in page.locator(".k-offline").inner_text()
    page.evaluate("window.bangyangKiosk.pollNow()")
    assert page.evaluate("window.bangyangKiosk.state().net") == "从本地文件播放"


@pytest.mark.browser
def test_the_site_served_under_a_sub_path_is_styled_and_its_links_open_pages(built, page, serve):
    base = serve(built.out, "/wenming/")
    outside: list[str] = []
    page.on("request", lambda r: None if urlsplit(r.url).path.startswith("/wenming/") else outside.append(r.url))
    page.goto(base)
    assert _styled(page)
    assert _images_loaded(page)
    page.locator("main a[href*='profiles/zhang-san/']").first.click()
    page.wait_for_load_state("load")
    assert page.url == base + "profiles/zhang-san/"  # clean addresses on a web server
    assert _styled(page)
    assert _images_loaded(page)
    assert page.locator(".k-offline").count() == 0
    page.goto(base + "kiosk/lobby/")
    assert page.locator(".k-offline").is_hidden()
    assert outside == []
