"""The built-in theme in real Chromium: 大字版, phone layout, no outside requests,
sub-path deployment, print style.

Every check reads the rendered DOM (computed styles, element attributes,
network requests), never the template source.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}

# Everything a page loads by itself (not <a> links, not canonical/alternate <link>s).
RESOURCE_URLS_JS = """
() => {
  const out = [];
  const add = (v) => { if (v) out.push(v); };
  const srcset = (v) => (v || "").split(",").map(s => s.trim().split(/\\s+/)[0]).filter(Boolean);
  for (const l of document.querySelectorAll("link[href]")) {
    const rel = (l.getAttribute("rel") || "").toLowerCase().split(/\\s+/);
    if (!rel.includes("canonical") && !rel.includes("alternate")) add(l.href);
  }
  for (const s of document.querySelectorAll("script[src]")) add(s.src);
  for (const i of document.querySelectorAll("img[src]")) add(i.src);
  for (const e of document.querySelectorAll("img[srcset], source[srcset]")) {
    for (const u of srcset(e.getAttribute("srcset"))) add(new URL(u, document.baseURI).href);
  }
  for (const e of document.querySelectorAll("video[src], audio[src], iframe[src], object[data], embed[src]")) add(e.src || e.data);
  return out;
}
"""

LINK_URLS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def _html_pages(output: Path) -> list[str]:
    """Site-relative URLs of every HTML page in a build."""
    urls = []
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        urls.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return urls


def _first_page(output: Path, section: str) -> str:
    """The first document page of a section (a profile, an activity), skipping taxonomy folders."""
    pages = sorted(p.parent.name for p in (output / section).glob("*/index.html") if p.parent.name not in ("category", "theme"))
    assert pages, f"the example site has no {section} pages"
    return f"{section}/{pages[0]}/"


def _paragraph_font_size(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")


def _toggle(page):
    return page.locator("#large-toggle")


def test_large_text_toggle_enlarges_text_and_is_remembered_across_pages_and_reloads(page, example_output, serve):
    base = serve(example_output)
    page.goto(base)
    toggle = _toggle(page)
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.inner_text().strip() == "大字版"
    normal = _paragraph_font_size(page)

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text().strip() == "标准版"
    large = _paragraph_font_size(page)
    assert large >= normal * 1.2, (normal, large)

    # Another page: the choice is applied (from localStorage) without a click.
    page.goto(base + "profiles/")
    assert _toggle(page).get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.classList.contains('large')")
    page_large = _paragraph_font_size(page)
    page.reload()
    assert _toggle(page).get_attribute("aria-pressed") == "true"
    assert _paragraph_font_size(page) == pytest.approx(page_large)

    # And back.
    _toggle(page).click()
    assert _toggle(page).get_attribute("aria-pressed") == "false"
    assert _toggle(page).inner_text().strip() == "大字版"
    standard = _paragraph_font_size(page)
    assert standard * 1.2 <= page_large
    page.reload()
    assert _toggle(page).get_attribute("aria-pressed") == "false"
    assert _paragraph_font_size(page) == pytest.approx(standard)


def test_large_text_choice_is_applied_before_first_paint(page, example_output, serve):
    """The class is on <html> before any stylesheet or deferred script runs (no flash)."""
    base = serve(example_output)
    page.goto(base)
    page.evaluate("localStorage.setItem('bangyang-large', '1')")
    # Record the state as the very first thing the parser sees after <head> starts.
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (document.readyState === 'interactive') window.__largeAtInteractive = document.documentElement.classList.contains('large'); });"
    )
    page.goto(base + "honors/")
    assert page.evaluate("window.__largeAtInteractive") is True


def test_large_text_toggle_works_without_errors_when_local_storage_throws(page, example_output, serve):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script("Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });")
    base = serve(example_output)
    page.goto(base)
    normal = _paragraph_font_size(page)
    _toggle(page).click()
    assert _toggle(page).get_attribute("aria-pressed") == "true"
    assert _paragraph_font_size(page) >= normal * 1.2
    assert errors == []


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_no_main_page_scrolls_horizontally_on_a_375px_phone(page, example_output, serve, large):
    base = serve(example_output)
    paths = [
        "",
        "profiles/",
        _first_page(example_output, "profiles"),
        "honors/",
        "activities/",
        _first_page(example_output, "activities"),
        "slogans/",
        "tags/",
        "about/",
        "404.html",
    ]
    # Every profile and activity too: long names, tables and galleries live there.
    paths += [p for p in _html_pages(example_output) if p.startswith(("profiles/", "activities/")) and p not in paths]
    for path in paths:
        assert (example_output / (path + "index.html" if path.endswith("/") or not path else path)).is_file(), path
    page.set_viewport_size(PHONE)
    page.goto(base)
    if large:
        page.evaluate("localStorage.setItem('bangyang-large', '1')")
    too_wide = {}
    for path in paths:
        page.goto(base + path, wait_until="load")
        assert page.evaluate("document.documentElement.classList.contains('large')") is large
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}


def test_pages_request_nothing_from_other_hosts(page, example_output, serve):
    base = serve(example_output)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    pages = _html_pages(example_output)
    assert len(pages) > 10
    pointing_out: dict[str, list[str]] = {}
    for path in pages:
        page.goto(base + path, wait_until="load")
        # Make lazy images load too, and wait for them.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function("Array.from(document.images).every(i => i.complete)")
        resources = page.evaluate(RESOURCE_URLS_JS)
        outside = [u for u in resources if urlsplit(u).hostname not in ("127.0.0.1", None)]
        if outside:
            pointing_out[path] = outside
    assert pointing_out == {}
    assert requested, "no request was recorded"
    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if urlsplit(u).hostname != "127.0.0.1")


def _write_subpath_site(site) -> None:
    site.write(
        "site.toml",
        """
        title = "测试文明网"
        base_url = "https://example.gov.cn/wenming/"
        [footer]
        organizer = "测试主办单位"
        icp = "鄂ICP备00000000号-1"
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
        unit: 茅箭公路分中心
        honors:
          - {title: 十堰好人, year: 2023, level: 市级}
        tags: [爱岗敬业]
        featured: true
        ---
        二十年坚守公路养护一线。

        ![张三在现场](portrait.jpg)
    """,
    )
    site.write(
        "content/profiles/li-si.md",
        """
        ---
        name: 李四
        category: 身边好人
        date: 2024-04-01
        tags: [爱岗敬业]
        featured: true
        ---
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
        tags: [爱岗敬业]
        ---
        活动正文。
    """,
    )
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\nmenu: true\n---\n关于。\n")


def _check_links_and_assets(page, base: str) -> list[str]:
    """Fetch every same-host link and asset of the current page; returns the failures."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    urls = set(page.evaluate(RESOURCE_URLS_JS)) | set(page.evaluate(LINK_URLS_JS))
    internal = sorted({u.split("#", 1)[0] for u in urls if u.startswith(origin)})
    assert internal, "no internal links found"
    failures = []
    for u in internal:
        if not urlsplit(u).path.startswith("/wenming/"):
            failures.append(f"outside the sub-path: {u}")
            continue
        status = page.request.get(u).status
        if status != 200:
            failures.append(f"{status} {u}")
    return failures


def test_site_under_a_sub_path_has_no_broken_links_or_assets(page, site, serve):
    _write_subpath_site(site)
    assert site.run("build") == 0
    base = serve(site.out, "/wenming/")

    page.goto(base)
    assert page.locator("link[rel=canonical]").get_attribute("href") == "https://example.gov.cn/wenming/"
    assert page.locator("meta[property='og:url']").get_attribute("content") == "https://example.gov.cn/wenming/"
    failures = _check_links_and_assets(page, base)
    # The stylesheet really applied (a broken asset URL would leave the page unstyled).
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundImage") != "none"

    profile_link = page.locator("main a[href*='/profiles/zhang-san/']").first
    profile_link.click()
    page.wait_for_load_state("load")
    assert page.url == base + "profiles/zhang-san/"
    assert page.locator("link[rel=canonical]").get_attribute("href") == "https://example.gov.cn/wenming/profiles/zhang-san/"
    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert og_image.startswith("https://example.gov.cn/wenming/media/")
    failures += _check_links_and_assets(page, base)
    # The photo was actually decoded, not just linked.
    assert page.evaluate("Array.from(document.querySelectorAll('main img')).every(i => i.complete && i.naturalWidth > 0)")
    assert failures == []


def test_404_page_links_work_at_any_depth(page, site, serve):
    _write_subpath_site(site)
    assert site.run("build") == 0
    base = serve(site.out, "/wenming/")
    # A web server answers a deep missing URL with 404.html: its links must not be relative.
    html = (site.out / "404.html").read_text(encoding="utf-8")
    deep = site.out / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "index.html").write_text(html, encoding="utf-8")
    page.goto(base + "a/b/c/")
    assert page.locator("h1").inner_text() == "页面未找到"
    assert _check_links_and_assets(page, base) == []


def test_print_style_hides_the_navigation_and_the_toggle(page, example_output, serve):
    base = serve(example_output)
    page.goto(base)
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.is_visible()
    assert _toggle(page).is_visible()
    page.emulate_media(media="print")
    assert not nav.is_visible()
    assert not _toggle(page).is_visible()
    assert page.locator("main").is_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_navigation_marks_the_current_section(page, example_output, serve):
    base = serve(example_output)
    expectations = {
        "": "首页",
        "profiles/": "先进典型",
        _first_page(example_output, "profiles"): "先进典型",
        "honors/": "荣誉榜",
        _first_page(example_output, "activities"): "主题活动",
        "slogans/": "宣传标语",
    }
    for path, title in expectations.items():
        page.goto(base + path)
        current = page.locator("nav[aria-label='主导航'] a[aria-current='page']")
        assert current.count() == 1, path
        assert current.inner_text().strip() == title, path
    page.goto(base + "404.html")
    assert page.locator("nav[aria-label='主导航'] a[aria-current='page']").count() == 0


def test_skip_link_is_the_first_focusable_element_and_reaches_main(page, example_output, serve):
    page.goto(serve(example_output) + "honors/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["跳到正文", "#main"]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_profile_without_photo_shows_an_initial_avatar(page, site, serve):
    _write_subpath_site(site)
    assert site.run("build") == 0
    base = serve(site.out, "/wenming/")
    page.goto(base + "profiles/li-si/")
    avatar = page.locator("main .profile .avatar")
    assert avatar.is_visible()
    assert avatar.inner_text().strip() == "李"
    box = avatar.bounding_box()
    assert box["width"] >= 64 and box["height"] >= 64
    assert page.locator("main .profile img").count() == 0
