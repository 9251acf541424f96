"""Feeds for readers and crawlers: the Atom feed, the sitemap, robots.txt.

Input: the site model, the image plan, the rendered pages and the site's
links. Output: `OutputFile`s. XML is built with ElementTree, so a title
such as `<script>` or `A & B` always stays text.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

from . import __version__, urls
from .exports import exports_key
from .images import PublishedImage
from .links import SiteLinks, xml_text
from .models import Activity, Profile
from .site import SiteModel

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LIMIT = 50
SITEMAP_LIMIT = 50_000  # URLs per file, the sitemaps.org maximum


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _root(tag: str, namespace: str, **attrs: str) -> ET.Element:
    # Names stay unqualified under an xmlns attribute: ElementTree's
    # default_namespace option refuses unqualified attributes such as href.
    return ET.Element(tag, {"xmlns": namespace, **attrs})


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def feed_updated(doc: Profile | Activity) -> datetime:
    """A profile's publication date; an activity's start (as the site's 最新 list)."""
    return doc.date


def atom_feed(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    links: SiteLinks,
    *,
    full_content: bool = True,
    limit: int = FEED_LIMIT,
    made: dict | None = None,
    site_key: tuple[object, ...] | None = None,
) -> bytes:
    """Role models and activities, newest first, with absolute links.
    `made`: the feed of an earlier build with what it was made from (a build
    cache keeps it); `site_key`: exports_key(site, links) when the caller has it."""
    config = site.config
    docs: list[Profile | Activity] = [*site.profiles, *site.activities]
    docs.sort(key=lambda d: (-feed_updated(d).timestamp(), d.url))
    docs = docs[:limit]
    key = None
    if made is not None:
        # Only the newest `limit` documents are in it, so an edit elsewhere keeps it.
        # Besides the documents and their images: the settings the feed shows,
        # the site's address and links (exports_key), and the clock only when
        # there is no entry to date the feed.
        author = config.footer.organizer or config.title
        site_key = site_key if site_key is not None else exports_key(site, links)
        settings = (config.language, config.title, config.description, author, full_content, site_key, None if docs else site.now)
        key = (tuple(docs), tuple(tuple(images.get(ref.source) for ref in d.images) for d in docs), settings)
        if made.get("key") == key:
            return made["bytes"]
    data = _feed(site, docs, images, links, full_content)
    if made is not None:
        made["key"], made["bytes"] = key, data
    return data


def _feed(
    site: SiteModel, docs: list[Profile | Activity], images: dict[Path, PublishedImage], links: SiteLinks, full_content: bool
) -> bytes:
    config = site.config
    feed = _root("feed", ATOM, **{XML_LANG: config.language})
    _add(feed, "id", links.entry_id(""))
    _add(feed, "title", config.title)
    if config.description:
        _add(feed, "subtitle", config.description)
    # The newest entry, not the build time: an unchanged site gives an unchanged feed.
    _add(feed, "updated", rfc3339(max((feed_updated(d) for d in docs), default=site.now)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=links.absolute(urls.FEED))
    _add(feed, "link", rel="alternate", type="text/html", href=links.absolute(""))
    author = _add(feed, "author")
    _add(author, "name", config.footer.organizer or config.title)
    _add(feed, "generator", "bangyang", version=__version__)
    for doc in docs:
        _add_entry(feed, doc, images, links, full_content)
    return _xml(feed)


def _add_entry(feed: ET.Element, doc: Profile | Activity, images: dict[Path, PublishedImage], links: SiteLinks, full: bool) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", links.entry_id(doc.url))
    _add(entry, "title", doc.title)
    _add(entry, "link", rel="alternate", type="text/html", href=links.absolute(doc.url))
    _add(entry, "published", rfc3339(feed_updated(doc)))
    _add(entry, "updated", rfc3339(feed_updated(doc)))
    if isinstance(doc, Profile):
        kind, group, lead = "先进典型", doc.category, doc.photo
    else:
        kind, group, lead = "主题活动", doc.theme, doc.cover
    for term in dict.fromkeys((kind, group, *doc.tags)):
        _add(entry, "category", term=term)
    if doc.summary:
        _add(entry, "summary", doc.summary, type="text")
    if not full:
        return
    parts = []
    image = images.get(lead.source) if lead else None
    if lead and image:
        parts.append(
            f'<p><img src="{html.escape(links.absolute(image.url))}" alt="{html.escape(lead.alt)}" width="{image.largest.width}" height="{image.largest.height}"></p>'
        )
    parts.extend(_facts(doc))
    parts.append(links.body(doc.body_html, doc.url, images))
    _add(entry, "content", "\n".join(parts), type="html")


def _facts(doc: Profile | Activity) -> list[str]:
    """The lines a page shows above the body: who and where, or when and where."""
    if isinstance(doc, Profile):
        rows = [("单位", doc.unit), ("岗位", doc.position), ("荣誉", "；".join(f"{h.year}年 {h.title}（{h.level}）" for h in doc.honors))]
    else:
        rows = [("时间", activity_when(doc)), ("地点", doc.location), ("主办", doc.organizer)]
    return [f"<p>{label}：{html.escape(value)}</p>" for label, value in rows if value]


def activity_when(activity: Activity) -> str:
    """2024-04-23 15:00 – 17:30; all-day: 2024-03-05 – 2024-03-07 (the last day)."""
    start, end = activity.start, activity.end
    if activity.all_day:
        first_day, last_day = start.date().isoformat(), (end - timedelta(days=1)).date().isoformat()  # end is exclusive
        return first_day if first_day == last_day else f"{first_day} – {last_day}"
    text = f"{start:%Y-%m-%d %H:%M}"
    if end == start.replace(hour=0, minute=0) + timedelta(days=1):
        return text  # no end given: the day of the start
    if end.date() == start.date():
        return f"{text} – {end:%H:%M}"
    return f"{text} – {end:%Y-%m-%d %H:%M}"


def sitemaps(
    site: SiteModel, pages: list[str], links: SiteLinks, limit: int = SITEMAP_LIMIT, made: dict | None = None
) -> list[tuple[str, bytes]]:
    """sitemap.xml listing every public page; past `limit` URLs, an index of parts.
    `made`: the <url> entries of an earlier build by page and lastmod (a build
    cache keeps it; it is left holding this build's)."""
    lastmod = _lastmods(site)
    memo = made if made is not None else {}
    frame = (links.origin, links.base_path)  # what a page's <loc> is made from besides the page
    known = memo.get("urls", {}) if memo.get("frame") == frame else {}
    kept: dict[tuple[str, str], bytes] = {}
    for path in dict.fromkeys(p for p in pages if urls.is_public_page(p)):
        rel = urls.address_of(path)
        key = (rel, rfc3339(lastmod.get(rel, site.now)))  # the text, not the datetime: equal instants in two zones differ in text
        entry = known.get(key)
        kept[key] = entry if entry is not None else _url_entry(links.absolute(rel), key[1])
    memo["frame"], memo["urls"] = frame, kept
    entries = list(kept.values())
    chunks = [entries[i : i + limit] for i in range(0, len(entries), limit)] or [[]]
    files = [(f"sitemap-{n}.xml" if len(chunks) > 1 else urls.SITEMAP, _urlset(chunk)) for n, chunk in enumerate(chunks, 1)]
    if len(chunks) > 1:
        index = _root("sitemapindex", SITEMAP)
        for name, _ in files:
            entry = _add(index, "sitemap")
            _add(entry, "loc", links.absolute(name))
            _add(entry, "lastmod", rfc3339(site.now))
        files.append((urls.SITEMAP, _xml(index)))
    return files


# A <urlset> is written by hand, one entry at a time, as ElementTree would write
# it (`_xml`: indented by one space, text escaped, UTF-8): an entry is made once
# and kept while its page and lastmod are, and the file is joined from entries.
_URLSET_HEAD = f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{SITEMAP}\">\n".encode()


def _escape_text(text: str) -> str:
    """Text content as ElementTree escapes it (quotes stay as they are)."""
    return html.escape(xml_text(text), quote=False)


def _url_entry(loc: str, lastmod: str) -> bytes:
    text = f" <url>\n  <loc>{_escape_text(loc)}</loc>\n  <lastmod>{_escape_text(lastmod)}</lastmod>\n </url>\n"
    return text.encode("utf-8", "xmlcharrefreplace")


def _urlset(entries: list[bytes]) -> bytes:
    if not entries:
        return _xml(_root("urlset", SITEMAP))  # <urlset … /> as ElementTree writes an empty one
    return b"".join([_URLSET_HEAD, *entries, b"</urlset>\n"])


def _lastmods(site: SiteModel) -> dict[str, datetime]:
    """When a page last changed, as far as the content says: a document's date,
    a list's newest member. Never later than the build (an upcoming activity's
    page changes when it is built, not when the activity starts)."""
    now = site.now
    dates: dict[str, datetime] = {}
    for doc in (*site.profiles, *site.activities):
        dates[doc.url] = min(doc.date, now)
    for term in (*site.categories, *site.themes, *site.tags):
        members = [d.date for d in (*term.profiles, *term.activities)]
        if members:
            dates[term.url] = min(max(members), now)
    if site.profiles:
        dates["profiles/"] = dates["honors/"] = min(max(p.date for p in site.profiles), now)
    return dates


def robots_txt(links: SiteLinks, sitemap: str = "sitemap.xml") -> bytes:
    lines = ["User-agent: *", "Allow: /", ""]
    if links.origin:
        lines.append(f"Sitemap: {links.absolute(sitemap)}")
    else:
        lines.append("# Sitemap: set base_url in site.toml to a full address (https://…) to name the sitemap here")
    return ("\n".join(lines) + "\n").encode()
