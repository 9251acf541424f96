"""Extras: the Atom feed, sitemap, robots.txt, JSON exports and iCalendar,
each read back with a real parser."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from generator.build import check_site
from generator.config import load_config
from generator.exports import calendars
from generator.feeds import atom_feed, sitemaps
from generator.links import SiteLinks, encode_url
from generator.problems import Problems

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.gov.cn/wenming/"
EPOCH = "1713859200"  # 2024-04-23 16:00 +08:00
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def write_sample(site, base_url: str = BASE) -> None:
    """Two profiles (one with a photo and a body image), three activities
    (timed, all-day over three days, hostile title), a slogan, a draft."""
    site.write("site.toml", f'title = "文明网"\nbase_url = "{base_url}"\n')
    site.image("content/profiles/zhang-san/portrait.jpg", (2000, 1500))
    site.image("content/profiles/zhang-san/work.jpg", (1200, 900))
    site.write(
        "content/profiles/zhang-san/index.md",
        """
        ---
        name: 张三
        category: 身边好人
        date: 2024-03-05
        photo: portrait.jpg
        photo_alt: 张三在养护现场
        unit: 茅箭公路分中心
        position: 养护工
        honors:
          - {title: 十堰好人, year: 2023, level: 市级}
        summary: 二十年坚守公路养护一线
        tags: [爱岗敬业]
        featured: true
        ---
        他每天第一个上路。

        ![清扫路面](work.jpg)

        见[李四](../li-si.md)的故事，也可以看[全部典型](../)。
        """,
    )
    site.write(
        "content/profiles/li-si.md",
        """
        ---
        name: 李四 & <script>alert(1)</script>
        category: 道德模范
        date: 2024-04-01
        ---
        正文。
        """,
    )
    site.write(
        "content/profiles/draft.md",
        """
        ---
        name: 草稿
        category: 道德模范
        date: 2024-01-01
        draft: true
        ---
        """,
    )
    site.write(
        "content/activities/reading/index.md",
        """
        ---
        title: 世界读书日 & 书香公路
        theme: 全民阅读
        start: 2024-04-23 15:00
        end: 2024-04-23 17:30
        location: 十堰市图书馆
        organizer: 文明办
        summary: 共读一本书
        tags: [全民阅读]
        ---
        读书分享会。
        """,
    )
    site.write(
        "content/activities/leifeng.md",
        """
        ---
        title: 学雷锋 <script>x</script>
        theme: 志愿服务
        start: 2024-03-05
        end: 2024-03-07
        location: 社区
        ---
        """,
    )
    site.write(
        "content/activities/guoqing.md",
        """
        ---
        title: 国庆升旗
        theme: 主题教育
        start: 2024-10-01 08:00
        ---
        """,
    )
    site.write(
        "content/slogans/leifeng.md",
        """
        ---
        text: 学习雷锋 奉献他人
        theme: 志愿服务
        source: 中国文明网
        from: 2024-04-01
        until: 2024-04-30
        weight: 3
        ---
        """,
    )


@pytest.fixture
def built(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site)
    assert site.run("build") == 0
    return site


def model(site, base_url: str = BASE):
    """The site model of a sample site, without building it."""
    write_sample(site, base_url)
    config = load_config(site.root, Problems(), base_url=base_url)
    problems = Problems()
    site_model, _ = check_site(config, problems)
    assert not problems.errors
    return site_model


# --- Atom feed ----------------------------------------------------------------


def test_the_feed_lists_profiles_and_activities_newest_first_under_the_sub_path(built):
    feed = feedparser.parse((built.out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles == ["国庆升旗", "世界读书日 & 书香公路", "李四 & <script>alert(1)</script>", "学雷锋 <script>x</script>", "张三"]
    assert feed.feed.title == "文明网"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [BASE + "feed.xml"]
    for entry in feed.entries:
        assert entry.link.startswith(BASE), entry.link
        assert entry.id == entry.link
    zhang = feed.entries[-1]
    assert zhang.link == BASE + "profiles/zhang-san/"
    assert zhang.summary == "二十年坚守公路养护一线"
    assert {t.term for t in zhang.tags} == {"先进典型", "身边好人", "爱岗敬业"}


def test_feed_content_has_absolute_images_and_links_and_no_placeholders(built):
    feed = feedparser.parse((built.out / "feed.xml").read_bytes())
    content = next(e for e in feed.entries if e.title == "张三").content[0]
    assert content.type == "text/html"
    html = content.value
    assert "bangyang-image:" not in html
    images = re.findall(r"<img [^>]*\bsrc=\"([^\"]+)\"", html)
    assert len(images) == 2  # the photo, then the body image
    for src in images:
        assert src.startswith(BASE + "media/") and src.endswith(".jpg")
        assert (built.out / urlsplit(src).path.removeprefix("/wenming/")).is_file()
    assert re.search(r"portrait-\w+-1600\.jpg", images[0])  # the largest fallback
    assert f'href="{BASE}profiles/li-si/"' in html  # a link to another Markdown file
    assert f'href="{BASE}profiles/"' in html  # a relative link
    assert "bangyang-link:" not in html


def test_the_feed_follows_the_atom_structure(built):
    root = etree.fromstring((built.out / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("type") == "application/atom+xml"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = []
    updated = []
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("https://")
        stamp = entry.find(f"{ATOM}updated").text
        assert datetime.fromisoformat(stamp).tzinfo is not None  # RFC 3339 needs an offset
        ids.append(entry.find(f"{ATOM}id").text)
        updated.append(datetime.fromisoformat(stamp))
    assert len(set(ids)) == len(ids)
    assert updated == sorted(updated, reverse=True)
    assert datetime.fromisoformat(root.find(f"{ATOM}updated").text) == max(updated)


def test_a_hostile_title_stays_text_in_the_feed(built):
    raw = (built.out / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    assert "<title>李四 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</title>" in raw
    root = etree.fromstring(raw.encode())
    assert "学雷锋 <script>x</script>" in [t.text for t in root.iter(f"{ATOM}title")]


def test_the_feed_keeps_the_newest_fifty_and_can_leave_out_content(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site_model = model(site)
    links = SiteLinks.from_base_url(BASE)
    root = etree.fromstring(atom_feed(site_model, {}, links, limit=2, full_content=False))
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["国庆升旗", "世界读书日 & 书香公路"]
    assert root.find(f".//{ATOM}content") is None
    assert root.find(f".//{ATOM}summary").text == "共读一本书"


def test_without_a_host_feed_ids_are_tag_uris_and_robots_names_no_sitemap(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site, "/wenming/")
    assert site.run("build") == 0
    feed = feedparser.parse((site.out / "feed.xml").read_bytes())
    assert all(e.id.startswith("tag:bangyang,2024:/wenming/") for e in feed.entries)
    assert not any(line.startswith("Sitemap:") for line in (site.out / "robots.txt").read_text().splitlines())


def test_drafts_are_in_no_export(built):
    for rel in ("feed.xml", "sitemap.xml", "api/profiles.json"):
        text = (built.out / rel).read_text(encoding="utf-8")
        assert "草稿" not in text and "draft" not in text, rel


# --- sitemap and robots.txt ---------------------------------------------------


def sitemap_locs(out) -> list[str]:
    root = etree.fromstring((out / "sitemap.xml").read_bytes())
    assert root.tag == f"{SM}urlset"
    urls = root.findall(f"{SM}url")
    assert 0 < len(urls) <= 50_000
    for url in urls:
        assert [child.tag for child in url] == [f"{SM}loc", f"{SM}lastmod"]
        assert W3C_DATETIME.match(url.find(f"{SM}lastmod").text)
    return [u.find(f"{SM}loc").text for u in urls]


def test_the_sitemap_lists_every_public_page_and_nothing_else(built):
    locs = sitemap_locs(built.out)
    assert len(set(locs)) == len(locs)
    for loc in locs:
        parts = urlsplit(loc)
        assert parts.scheme == "https" and parts.netloc == "example.gov.cn" and parts.path.startswith("/wenming/")
        assert loc == encode_url(loc) and loc.isascii()
    paths = {urlsplit(loc).path.removeprefix("/wenming/") for loc in locs}
    expected = {
        "",
        "profiles/",
        "profiles/zhang-san/",
        "profiles/li-si/",
        "activities/",
        "activities/reading/",
        "activities/leifeng/",
        "activities/guoqing/",
        "honors/",
        "slogans/",
        "tags/",
    }
    assert expected <= paths
    html_pages = {p.relative_to(built.out).as_posix().removesuffix("index.html") for p in built.out.rglob("index.html")}
    assert paths <= html_pages  # every URL is a page that exists
    hidden = {p for p in html_pages if p.startswith(("search/", "kiosk/")) or "/poster/" in p}
    assert "profiles/zhang-san/poster/" in hidden
    assert paths == html_pages - hidden
    assert not any("404" in loc for loc in locs)


def test_sitemap_lastmod_is_the_document_date_never_later_than_the_build(built):
    root = etree.fromstring((built.out / "sitemap.xml").read_bytes())
    lastmod = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text for u in root.findall(f"{SM}url")}
    assert lastmod[BASE + "profiles/zhang-san/"] == "2024-03-05T00:00:00+08:00"
    assert lastmod[BASE + "activities/reading/"] == "2024-04-23T15:00:00+08:00"
    assert lastmod[BASE + "activities/guoqing/"] == "2024-04-23T16:00:00+08:00"  # upcoming: the build time
    assert lastmod[BASE] == "2024-04-23T16:00:00+08:00"


def test_chinese_in_the_base_url_is_percent_encoded_in_the_sitemap(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site, "https://example.gov.cn/文明网/")
    assert site.run("build") == 0
    locs = sitemap_locs(site.out)
    assert "https://example.gov.cn/%E6%96%87%E6%98%8E%E7%BD%91/profiles/zhang-san/" in locs
    assert all(loc.isascii() for loc in locs)
    assert unquote(locs[0]) == "https://example.gov.cn/文明网/"
    robots = (site.out / "robots.txt").read_text()
    assert "Sitemap: https://example.gov.cn/%E6%96%87%E6%98%8E%E7%BD%91/sitemap.xml" in robots


@pytest.mark.parametrize(
    "url, encoded",
    [
        ("/profiles/张三/", "/profiles/%E5%BC%A0%E4%B8%89/"),
        ("/tags/a b/", "/tags/a%20b/"),
        ("/slogans/#学雷锋", "/slogans/#%E5%AD%A6%E9%9B%B7%E9%94%8B"),
        ("/%E6%96%87/", "/%E6%96%87/"),
        ("https://example.gov.cn/a/", "https://example.gov.cn/a/"),
    ],
    ids=["chinese", "space", "fragment", "already-encoded", "plain"],
)
def test_urls_are_percent_encoded_once(url, encoded):
    assert encode_url(url) == encoded


def test_a_large_site_gets_a_sitemap_index(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site_model = model(site)
    pages = ["index.html", "profiles/index.html", "profiles/zhang-san/index.html", "about/index.html", "404.html"]
    files = dict(sitemaps(site_model, pages, SiteLinks.from_base_url(BASE), limit=3))
    assert set(files) == {"sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"}
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert [s.find(f"{SM}loc").text for s in index] == [BASE + "sitemap-1.xml", BASE + "sitemap-2.xml"]
    counts = [len(etree.fromstring(files[f"sitemap-{n}.xml"]).findall(f"{SM}url")) for n in (1, 2)]
    assert counts == [3, 1]


def test_robots_allows_everything_and_names_the_sitemap(built):
    lines = (built.out / "robots.txt").read_text().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line.strip() != "Disallow:" for line in lines)


# --- JSON exports ---------------------------------------------------------------

IMAGE_KEYS = {"alt", "width", "height", "variants"}
VARIANT_KEYS = {"url", "width", "height", "format"}


def load_json(out, name: str) -> dict:
    data = json.loads((out / "api" / name).read_text(encoding="utf-8"))
    assert set(data) == {"generator", "schema", "build_time", "count", "items"}
    assert data["generator"] == "bangyang" and data["schema"] == 1
    assert data["build_time"] == "2024-04-23T16:00:00+08:00"
    assert data["count"] == len(data["items"])
    return data


def check_image(image: dict, out) -> None:
    assert set(image) == IMAGE_KEYS
    assert image["variants"]
    for variant in image["variants"]:
        assert set(variant) == VARIANT_KEYS
        assert variant["url"].startswith(BASE + "media/")
        assert variant["format"] in ("webp", "jpeg", "png", "avif")
        assert (out / urlsplit(variant["url"]).path.removeprefix("/wenming/")).is_file()
    largest = max(image["variants"], key=lambda v: v["width"])
    assert (image["width"], image["height"]) == (largest["width"], largest["height"])


def test_profiles_json_has_every_public_field(built):
    data = load_json(built.out, "profiles.json")
    assert [p["slug"] for p in data["items"]] == ["li-si", "zhang-san"]
    zhang = data["items"][1]
    assert set(zhang) == {
        "slug",
        "url",
        "name",
        "category",
        "date",
        "unit",
        "position",
        "honors",
        "summary",
        "tags",
        "featured",
        "photo",
        "body_html",
    }
    assert zhang["url"] == BASE + "profiles/zhang-san/"
    assert zhang["date"] == "2024-03-05T00:00:00+08:00"
    assert zhang["honors"] == [{"title": "十堰好人", "year": 2023, "level": "市级"}]
    assert (zhang["name"], zhang["category"], zhang["unit"], zhang["position"]) == ("张三", "身边好人", "茅箭公路分中心", "养护工")
    assert zhang["tags"] == ["爱岗敬业"] and zhang["featured"] is True
    assert zhang["photo"]["alt"] == "张三在养护现场"
    check_image(zhang["photo"], built.out)
    assert [v["width"] for v in zhang["photo"]["variants"] if v["format"] == "jpeg"] == [480, 960, 1600]
    assert zhang["photo"]["height"] == 1200
    assert "bangyang-image:" not in zhang["body_html"] and BASE + "media/" in zhang["body_html"]
    assert "bangyang-link:" not in zhang["body_html"] and f'href="{BASE}profiles/li-si/"' in zhang["body_html"]
    assert data["items"][0]["photo"] is None
    assert data["items"][0]["name"] == "李四 & <script>alert(1)</script>"


def test_activities_json_has_times_with_offsets_and_status_at_build_time(built):
    data = load_json(built.out, "activities.json")
    items = {a["slug"]: a for a in data["items"]}
    assert [a["slug"] for a in data["items"]] == ["guoqing", "reading", "leifeng"]
    reading = items["reading"]
    assert set(reading) == {
        "slug",
        "url",
        "title",
        "theme",
        "start",
        "end",
        "all_day",
        "status",
        "status_text",
        "location",
        "organizer",
        "summary",
        "tags",
        "cover",
        "gallery",
        "calendar",
        "body_html",
    }
    assert (reading["start"], reading["end"], reading["all_day"]) == ("2024-04-23T15:00:00+08:00", "2024-04-23T17:30:00+08:00", False)
    assert (reading["status"], reading["status_text"]) == ("ongoing", "进行中")
    assert items["guoqing"]["status"] == "upcoming" and items["leifeng"]["status"] == "ended"
    assert (items["leifeng"]["start"], items["leifeng"]["end"], items["leifeng"]["all_day"]) == (
        "2024-03-05T00:00:00+08:00",
        "2024-03-08T00:00:00+08:00",
        True,
    )
    assert reading["url"] == BASE + "activities/reading/"
    assert reading["calendar"] == BASE + "activities/reading/event.ics"
    assert (reading["location"], reading["organizer"], reading["summary"]) == ("十堰市图书馆", "文明办", "共读一本书")
    assert reading["cover"] is None and reading["gallery"] == []


def test_slogans_json_gives_the_last_day_inclusive(built):
    data = load_json(built.out, "slogans.json")
    (slogan,) = data["items"]
    assert slogan == {
        "slug": "leifeng",
        "url": BASE + "slogans/#leifeng",
        "text": "学习雷锋 奉献他人",
        "theme": "志愿服务",
        "source": "中国文明网",
        "from": "2024-04-01",
        "until": "2024-04-30",
        "current": True,
        "weight": 3,
        "background": None,
        "body_html": "",
    }


def test_gallery_images_are_exported_with_their_variants(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site)
    site.image("content/activities/reading/cover.jpg", (800, 600))
    site.image("content/activities/reading/1.jpg", (600, 400))
    site.image("content/activities/reading/2.jpg", (600, 400), color="#0000ff")
    text = (site.root / "content/activities/reading/index.md").read_text(encoding="utf-8")
    (site.root / "content/activities/reading/index.md").write_text(text.replace("tags:", "cover: cover.jpg\ntags:"), encoding="utf-8")
    assert site.run("build") == 0
    reading = next(a for a in load_json(site.out, "activities.json")["items"] if a["slug"] == "reading")
    check_image(reading["cover"], site.out)
    assert len(reading["gallery"]) == 2
    for image in reading["gallery"]:
        check_image(image, site.out)
    assert [g["alt"] for g in reading["gallery"]] == ["世界读书日 & 书香公路照片1", "世界读书日 & 书香公路照片2"]


EXTRAS = (
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "api/profiles.json",
    "api/activities.json",
    "api/slogans.json",
    "activities/calendar.ics",
    "activities/reading/event.ics",
)


def test_two_builds_of_the_same_input_give_the_same_bytes(make_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = make_site("one"), make_site("two")
    for s in (first, second):
        write_sample(s)
        assert s.run("build") == 0
    for rel in EXTRAS:
        assert (first.out / rel).read_bytes() == (second.out / rel).read_bytes(), rel
    raw = (first.out / "api/profiles.json").read_bytes()
    assert "张三".encode() in raw  # UTF-8, not \\u escapes


def test_the_build_time_changes_only_the_build_time(make_site, monkeypatch):
    first, second = make_site("one"), make_site("two")
    for s, epoch in ((first, EPOCH), (second, str(int(EPOCH) + 60))):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        write_sample(s)
        assert s.run("build") == 0
    assert (first.out / "feed.xml").read_bytes() == (second.out / "feed.xml").read_bytes()
    a, b = (json.loads((s.out / "api/profiles.json").read_text(encoding="utf-8")) for s in (first, second))
    assert a["build_time"] != b["build_time"] and a["items"] == b["items"]


# --- iCalendar --------------------------------------------------------------------


def read_calendar(path) -> Calendar:
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF only (RFC 5545)
    return Calendar.from_ical(raw)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_calendar_has_every_activity_in_the_site_time_zone(built):
    calendar = read_calendar(built.out / "activities/calendar.ics")
    assert str(calendar["version"]) == "2.0" and "bangyang" in str(calendar["prodid"])
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Shanghai"
    found = events(calendar)
    assert set(found) == {"reading@example.gov.cn", "leifeng@example.gov.cn", "guoqing@example.gov.cn"}
    reading = found["reading@example.gov.cn"]
    start, end = reading.decoded("dtstart"), reading.decoded("dtend")
    assert start.astimezone(UTC) == datetime(2024, 4, 23, 7, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2024, 4, 23, 9, 30, tzinfo=UTC)
    assert reading["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert "DTSTART;TZID=Asia/Shanghai:20240423T150000" in (built.out / "activities/calendar.ics").read_text(encoding="utf-8")
    assert str(reading["summary"]) == "世界读书日 & 书香公路"
    assert str(reading["location"]) == "十堰市图书馆"
    assert str(reading["url"]) == BASE + "activities/reading/"
    description = str(reading["description"])
    assert "共读一本书" in description and "主办：文明办" in description and BASE + "activities/reading/" in description
    # Stamped with the event's own start, not the build time (16:00 +08:00), so it stays put from build to build.
    assert reading.decoded("dtstamp") == datetime(2024, 4, 23, 7, 0, tzinfo=UTC)
    assert "DTSTAMP:20240423T070000Z" in (built.out / "activities/calendar.ics").read_text(encoding="utf-8")


def test_all_day_events_use_dates_with_an_exclusive_end(built):
    text = (built.out / "activities/calendar.ics").read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:20240305" in text and "DTEND;VALUE=DATE:20240308" in text
    leifeng = events(read_calendar(built.out / "activities/calendar.ics"))["leifeng@example.gov.cn"]
    assert leifeng.decoded("dtstart") == date(2024, 3, 5)
    assert leifeng.decoded("dtend") == date(2024, 3, 8)  # the 7th is the last day
    assert str(leifeng["summary"]) == "学雷锋 <script>x</script>"


def test_each_activity_has_its_own_event_file(built):
    for slug in ("reading", "leifeng", "guoqing"):
        calendar = read_calendar(built.out / f"activities/{slug}/event.ics")
        assert str(calendar["version"]) == "2.0" and "bangyang" in str(calendar["prodid"])
        (event,) = events(calendar).values()
        assert str(event["uid"]) == f"{slug}@example.gov.cn"
        assert str(calendar["x-wr-calname"]) == str(calendar["name"]) == str(event["summary"])
        assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    guoqing = events(read_calendar(built.out / "activities/guoqing/event.ics"))["guoqing@example.gov.cn"]
    assert guoqing.decoded("dtstart") == datetime(2024, 10, 1, 0, 0, tzinfo=UTC)


def test_an_event_file_holds_the_very_vevent_of_the_calendar(built):
    whole = (built.out / "activities/calendar.ics").read_bytes()
    for slug in ("reading", "leifeng", "guoqing"):
        (event,) = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", (built.out / f"activities/{slug}/event.ics").read_bytes(), re.S)
        assert whole.count(event) == 1, slug
    (zone,) = re.findall(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", whole, re.S)
    assert (built.out / "activities/reading/event.ics").read_bytes().count(zone) == 1


def calendar_files(site) -> dict[str, bytes]:
    """calendars() of a site already written, without building it."""
    problems = Problems()
    site_model, _ = check_site(load_config(site.root, Problems(), base_url=BASE), problems)
    assert not problems.errors
    return calendars(site_model, SiteLinks.for_site(site_model))


def test_the_files_are_the_lines_icalendar_writes_escaped_and_folded(site):
    """The files are joined from pieces made once; read back and written out
    again by icalendar they have the same lines (folded the same way)."""
    write_sample(site)
    site.write(
        "content/activities/escapes.md",
        """
        ---
        title: 读书, 分享; 交流 \\ 反斜杠：一个很长很长很长的标题，长到要折行才能放进日历的一行里
        theme: 全民阅读
        start: 2024-05-04 09:00
        location: 会议室 A, 三楼
        ---
        """,
    )
    files = calendar_files(site)
    for rel in ("activities/calendar.ics", "activities/escapes/event.ics"):
        raw = files[rel]
        assert raw.endswith(b"END:VCALENDAR\r\n") and raw.count(b"\r\n") == raw.count(b"\n")
        lines = raw.split(b"\r\n")
        assert max(len(line) for line in lines) <= 75, rel  # octets, without the CRLF
        assert sorted(lines) == sorted(Calendar.from_ical(raw).to_ical().split(b"\r\n")), rel
    event = events(Calendar.from_ical(files["activities/escapes/event.ics"]))["escapes@example.gov.cn"]
    assert str(event["summary"]) == "读书, 分享; 交流 \\ 反斜杠：一个很长很长很长的标题，长到要折行才能放进日历的一行里"
    assert str(event["location"]) == "会议室 A, 三楼"
    assert "LOCATION:会议室 A\\, 三楼\r\n".encode() in files["activities/calendar.ics"]  # escaped by icalendar


def test_the_calendars_do_not_follow_the_build_time(site):
    site_model = model(site)
    links = SiteLinks.for_site(site_model)
    a_year_on = dataclasses.replace(site_model, now=site_model.now + timedelta(days=365, minutes=1))
    assert calendars(site_model, links) == calendars(a_year_on, links)


def test_editing_one_activity_changes_only_its_event_file_and_the_calendar(make_site):
    before, after = make_site("before"), make_site("after")
    for s in (before, after):
        write_sample(s)
    text = (after.root / "content/activities/guoqing.md").read_text(encoding="utf-8")
    (after.root / "content/activities/guoqing.md").write_text(text.replace("国庆升旗", "国庆升旗仪式"), encoding="utf-8")
    old, new = calendar_files(before), calendar_files(after)
    assert set(old) == set(new)
    changed = {rel for rel in old if old[rel] != new[rel]}
    assert changed == {"activities/calendar.ics", "activities/guoqing/event.ics"}


def test_icalendar_is_imported_only_when_calendars_are_made():
    code = "import sys, generator.exports; assert 'icalendar' not in sys.modules, 'imported with exports'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])
