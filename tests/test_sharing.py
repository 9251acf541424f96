"""Sharing: canonical URL, Open Graph and a share image on every page; QR codes
that encode the page's own address; an A4 poster of each role model that
prints on exactly one sheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from generator.environment import encode_qr

SITE = "https://wenming.example.gov.cn/"  # the example site's base_url


class _Head(HTMLParser):
    """<meta>/<link> of a page, and every inline QR code <svg> with its path data."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.qr_paths: list[str] = []
        self.qr_titles: list[str] = []
        self._in_qr = self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "svg" and "qr" in a.get("class", "").split():
            self._in_qr = True
        elif tag == "path" and self._in_qr and a.get("class") == "qrline":
            self.qr_paths.append(a["d"])
        elif tag == "title" and self._in_qr:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_qr = False
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.qr_titles.append(data)


def _parse(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def _site_pages(output: Path) -> list[Path]:
    """Every page of the public site (the kiosk screens are not shared: they have their own tests)."""
    return [p for p in sorted(output.rglob("*.html")) if not p.relative_to(output).as_posix().startswith("kiosk/")]


def qr_modules(d: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) drawn by a QR SVG path ("M2 2.5h7M12 2.5h2…")."""
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(x) + i, int(y)))
            x += float(a)
    return dark


def qr_text(d: str) -> str:
    """What a phone reads from the code: the modules drawn as an image and
    decoded by a QR reader, independent of how the site encoded them."""
    dark = qr_modules(d)
    side = max(max(x for x, _ in dark), max(y for _, y in dark)) + 1 + 4  # + quiet zone
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    for x, y in dark:
        image.paste(0, ((x + 2) * scale, (y + 2) * scale, (x + 3) * scale, (y + 3) * scale))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "no QR code found in the drawing"
    return found[0].text


def test_the_qr_reader_reads_the_codes_the_site_draws():
    for url in ("https://example.gov.cn/x/", "https://example.gov.cn/wenming/profiles/zhang-xiao-ming/"):
        svg = encode_qr(url)
        d = re.search(r'class="qrline"[^>]*d="([^"]+)"', svg)
        assert qr_text(d.group(1)) == url
    assert qr_text(re.search(r'd="([^"]+)"', encode_qr("https://example.gov.cn/y/").split("qrline")[1]).group(1)) != (
        "https://example.gov.cn/x/"
    )


def test_every_page_has_a_canonical_url_description_and_open_graph_tags(example_output):
    pages = _site_pages(example_output)
    assert len(pages) > 40
    for path in pages:
        rel = path.relative_to(example_output).as_posix()
        head = _parse(path)
        url = SITE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        if rel == "404.html":
            assert canonical == [] and head.meta.get("robots") == "noindex"
        else:
            assert canonical == [url], rel
            assert head.meta["og:url"] == url, rel
        assert head.meta["description"], rel
        for key in ("og:title", "og:description", "og:type", "og:site_name", "og:image", "og:image:width", "og:image:height"):
            assert head.meta.get(key), (rel, key)
        assert head.meta["og:locale"] == "zh_CN"
        image = head.meta["og:image"]
        assert image.startswith(SITE), (rel, image)
        # The image is published and its size is what the tags say.
        with Image.open(example_output / urlsplit(image).path.lstrip("/")) as im:
            assert (str(im.width), str(im.height)) == (head.meta["og:image:width"], head.meta["og:image:height"]), rel
        # The Atom feed is announced on every page.
        feeds = [link for link in head.links if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]
        # Relative to the page (the site browses from disk), but 404.html's, which is sent at any depth.
        feed = "/feed.xml" if rel == "404.html" else ("../" * rel.count("/") or "./") + "feed.xml"
        assert [link["href"] for link in feeds] == [feed], rel
        assert feeds[0]["title"] == "十堰公路文明网"


def test_pages_without_a_photo_share_the_site_card(example_output):
    head = _parse(example_output / "honors" / "index.html")
    assert head.meta["og:image"] == SITE + "assets/share.png"
    with Image.open(example_output / "assets" / "share.png") as im:
        assert im.size == (1200, 630)
    # A role model with a photo shares the photo itself.
    head = _parse(example_output / "profiles" / "chen-jianguo" / "index.html")
    assert head.meta["og:image"].startswith(SITE + "media/")
    assert head.meta["og:image:alt"]


@pytest.mark.parametrize("section", ["profiles", "activities"])
def test_role_model_and_activity_pages_show_a_qr_code_of_their_own_address(example_output, section):
    pages = [p for p in sorted((example_output / section).glob("*/index.html")) if p.parent.name not in ("category", "theme")]
    assert len(pages) >= 5
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert "手机扫码阅读" in html
        head = _parse(path)
        url = f"{SITE}{section}/{path.parent.name}/"
        assert len(head.qr_paths) == 1, path
        assert qr_text(head.qr_paths[0]) == url, path
        assert head.qr_titles and head.qr_titles[0].startswith("本页二维码："), path


def test_profiles_link_to_their_poster_and_activities_to_their_calendar_file(example_output):
    html = (example_output / "profiles" / "chen-jianguo" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="button-link" href="\.\./\.\./profiles/chen-jianguo/poster/">打印海报</a>', html)
    html = (example_output / "activities" / "shuxiang-gonglu-2026" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a class="button-link" href="\.\./\.\./activities/shuxiang-gonglu-2026/event\.ics" type="text/calendar">加入日历</a>', html
    )
    assert (example_output / "activities" / "shuxiang-gonglu-2026" / "event.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_a_poster_has_photo_name_category_unit_honors_summary_qr_and_site_title(example_output):
    path = example_output / "profiles" / "chen-jianguo" / "poster" / "index.html"
    html = path.read_text(encoding="utf-8")
    poster = html[html.index('<article class="poster"') : html.index("</article>")]
    for text in (
        "陈建国",
        "最美公路人",
        "茅箭公路分中心大川养护站",
        "养护班班长",
        "荣誉称号",
        "十堰好人",
        "十堰公路文明网",
        "扫码阅读陈建国的先进事迹",
    ):
        assert text in poster, text
    assert "在国道316线守了二十六年路" in poster  # the summary
    assert re.search(r'<img [^>]*loading="eager"', poster)  # printed at once, not lazily
    head = _parse(path)
    assert qr_text(head.qr_paths[0]) == SITE + "profiles/chen-jianguo/"


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF without a PDF library: its page objects."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.browser
def test_every_poster_prints_on_exactly_one_a4_page(page, example_output, serve):
    base = serve(example_output)
    slugs = sorted(p.parent.parent.name for p in (example_output / "profiles").glob("*/poster/index.html"))
    assert len(slugs) >= 10
    for slug in slugs:
        page.goto(f"{base}profiles/{slug}/poster/", wait_until="load")
        pdf = page.pdf(format="A4", print_background=True)
        assert _pdf_pages(pdf) == 1, slug
        # A4 portrait in points, as the page asked for (@page size: A4).
        [box] = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
        assert 594 < float(box[0]) < 597 and 841 < float(box[1]) < 844, (slug, box)
    # In print only the poster is shown, filling the page; the site around it is hidden.
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-nav", ".site-footer", ".poster-toolbar", ".crumbs"):
        assert not page.locator(selector).is_visible(), selector
    box = page.locator(".poster").bounding_box()
    assert box["x"] == 0 and box["y"] == 0


@pytest.mark.browser
def test_the_poster_looks_like_the_printed_page_on_screen_and_offers_a_print_button(page, example_output, serve):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(serve(example_output) + "profiles/chen-jianguo/poster/")
    box = page.locator(".poster").bounding_box()
    assert box["height"] / box["width"] == pytest.approx(297 / 210, rel=0.01)
    assert page.locator(".poster img").evaluate("i => i.complete && i.naturalWidth > 0")
    button = page.get_by_role("button", name="打印海报")
    assert button.is_visible()
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    button.click()
    assert page.evaluate("window.__printed") == 1
    # Nothing in the poster spills out of the sheet.
    overflow = page.evaluate(
        """() => { const sheet = document.querySelector('.poster').getBoundingClientRect();
             return Array.from(document.querySelectorAll('.poster *')).filter(e => {
               const r = e.getBoundingClientRect();
               return r.width && (r.bottom > sheet.bottom + 0.5 || r.right > sheet.right + 0.5);
             }).map(e => e.className || e.tagName); }"""
    )
    assert overflow == []
