"""Data for other systems: JSON exports and iCalendar files.

Input: the site model, the image plan and the site's links. Output: bytes
for api/profiles.json, api/activities.json, api/slogans.json (schema in
the README; `SCHEMA` is bumped when a field changes meaning or goes away),
activities/calendar.ics and one activities/<slug>/event.ics per activity.
The same input and build time give the same bytes, and the calendars do
not depend on the build time while there are activities.
"""

from __future__ import annotations

import functools
import json
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import __version__, urls
from .fingerprint import digest, stamp
from .images import PublishedImage
from .links import SiteLinks
from .models import Activity, Doc, ImageRef, Profile, Slogan
from .site import SiteModel

SCHEMA = 1
STATUS_TEXT = {"upcoming": "即将开始", "ongoing": "进行中", "ended": "已结束"}


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def json_document(site: SiteModel, items: list[dict[str, Any]]) -> bytes:
    return json_document_from(site, [json_item_text(item) for item in items])


def json_item_text(item: dict[str, Any]) -> bytes:
    """One item as it stands in a document's `items` list: json.dumps(indent=1)
    of the item, two levels in. A JSON string holds no raw newline (it is
    escaped), so indenting every line is safe."""
    return ("  " + json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n  ")).encode("utf-8")


def json_document_from(site: SiteModel, items: list[bytes]) -> bytes:
    """The bytes json.dumps(indent=1) gives for the whole document, joined from
    items already serialised (`json_item_text`): an unchanged item is not
    serialised again on a rebuild."""
    head = {"generator": "bangyang", "schema": SCHEMA, "build_time": iso(site.now), "count": len(items), "items": []}
    text = json.dumps(head, ensure_ascii=False, indent=1).encode("utf-8")
    if not items:
        return text + b"\n"
    assert text.endswith(b"[]\n}")
    return b"".join([text[:-3], b"\n", b",\n".join(items), b"\n ]\n}\n"])


def exports_key(site: SiteModel, links: SiteLinks) -> tuple[object, ...]:
    """Everything an export item is made from besides its document and images:
    the site's address, the URLs of the documents a body may link to, and the
    time zone (a date-time written with an offset is moved into the site's
    zone: the same instant, so an equal document, but other text)."""
    return (links.origin, links.base_path, links.host, site.config.timezone, digest(sorted(links.documents.items())))


def image_json(ref: ImageRef | None, images: dict[Path, PublishedImage], links: SiteLinks) -> dict[str, Any] | None:
    image = images.get(ref.source) if ref else None
    if ref is None or image is None:
        return None
    return {
        "alt": ref.alt,
        "width": image.largest.width,
        "height": image.largest.height,
        "variants": [{"url": links.absolute(v.url), "width": v.width, "height": v.height, "format": v.format} for v in image.variants],
    }


def profile_json(profile: Profile, images: dict[Path, PublishedImage], links: SiteLinks) -> dict[str, Any]:
    return {
        "slug": profile.slug,
        "url": links.absolute(profile.url),
        "name": profile.name,
        "category": profile.category,
        "date": iso(profile.date),
        "unit": profile.unit,
        "position": profile.position,
        "honors": [{"title": h.title, "year": h.year, "level": h.level} for h in profile.honors],
        "summary": profile.summary,
        "tags": list(profile.tags),
        "featured": profile.featured,
        "photo": image_json(profile.photo, images, links),
        "body_html": links.body(profile.body_html, profile.url, images),
    }


def activity_json(activity: Activity, now: datetime, images: dict[Path, PublishedImage], links: SiteLinks) -> dict[str, Any]:
    status = activity.status(now)
    return {
        "slug": activity.slug,
        "url": links.absolute(activity.url),
        "title": activity.title,
        "theme": activity.theme,
        "start": iso(activity.start),
        "end": iso(activity.end),
        "all_day": activity.all_day,
        "status": status,
        "status_text": STATUS_TEXT[status],
        "location": activity.location,
        "organizer": activity.organizer,
        "summary": activity.summary,
        "tags": list(activity.tags),
        "cover": image_json(activity.cover, images, links),
        "gallery": [g for g in (image_json(ref, images, links) for ref in activity.gallery) if g],
        "calendar": links.absolute(f"{activity.url}event.ics"),
        "body_html": links.body(activity.body_html, activity.url, images),
    }


def slogan_json(slogan: Slogan, now: datetime, images: dict[Path, PublishedImage], links: SiteLinks) -> dict[str, Any]:
    # `valid_until` is the first moment after the window; readers want the last day.
    until = (slogan.valid_until - timedelta(microseconds=1)).date().isoformat() if slogan.valid_until else None
    return {
        "slug": slogan.slug,
        "url": links.absolute(slogan.url),
        "text": slogan.text,
        "theme": slogan.theme,
        "source": slogan.source_name,
        "from": slogan.valid_from.date().isoformat() if slogan.valid_from else None,
        "until": until,
        "current": slogan.shown_at(now),
        "weight": slogan.weight,
        "background": image_json(slogan.background, images, links),
        "body_html": links.body(slogan.body_html, "slogans/", images),
    }


def json_exports(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    links: SiteLinks,
    made: dict | None = None,
    site_key: tuple[object, ...] | None = None,
) -> dict[str, bytes]:
    """Newest first, then by slug (profiles, activities); slogans in site order (weight, slug).
    `made`: the serialised items of an earlier build by what each was made from
    (a build cache keeps it; it is left holding this build's); `site_key`:
    exports_key(site, links) when the caller has it."""
    profiles = sorted(site.profiles, key=lambda p: (-p.date.timestamp(), p.slug))
    activities = sorted(site.activities, key=lambda a: (-a.start.timestamp(), a.slug))
    slogans = sorted(site.slogans, key=lambda s: (-s.weight, s.slug))
    known = made if made is not None else {}
    kept: dict = {}
    site_key = site_key if site_key is not None else exports_key(site, links)

    def item(doc: Doc, moment: object, make: Callable[[], dict[str, Any]]) -> bytes:
        # `moment`: what the build clock decides in the item (an activity's status,
        # whether a slogan is current); the images: the published variants.
        key = (doc, moment, site_key, tuple(images.get(ref.source) for ref in doc.images))
        text = known.get(key)
        kept[key] = text if text is not None else json_item_text(make())
        return kept[key]

    files = {
        urls.API_PROFILES: json_document_from(site, [item(p, None, lambda p=p: profile_json(p, images, links)) for p in profiles]),
        urls.API_ACTIVITIES: json_document_from(
            site, [item(a, a.status(site.now), lambda a=a: activity_json(a, site.now, images, links)) for a in activities]
        ),
        urls.API_SLOGANS: json_document_from(
            site, [item(s, s.shown_at(site.now), lambda s=s: slogan_json(s, site.now, images, links)) for s in slogans]
        ),
    }
    known.clear()
    known.update(kept)
    return files


# --- iCalendar ----------------------------------------------------------------
#
# Each piece is serialised once and the files are joined from its bytes: the
# calendar header, the zone, and one VEVENT per activity, which goes both into
# calendar.ics and into the activity's own event.ics. icalendar still makes
# every content line (escaping, folding, date formats). It is imported only
# when calendars are made, so a command that makes none does not pay for it.


def calendars(site: SiteModel, links: SiteLinks, made: dict | None = None) -> dict[str, bytes]:
    """activities/calendar.ics with every activity, and one event.ics each (加入日历).
    `made`: what an earlier build made (each VEVENT by what it was made from,
    the zone); a build cache keeps it, and it is left holding this build's.
    Files are joined from these pieces, so a kept VEVENT is never serialised again."""
    activities = sorted(site.activities, key=lambda a: (a.start, a.slug))
    # The zone's rules for the years the events span, in whole years so the bytes
    # change only when the span grows into another year (or, with no activities,
    # the build's year changes). One span for every file, event.ics too: for a
    # zone with no changes ahead (Asia/Shanghai) icalendar steps on to the year
    # 9999 looking for one, tens of milliseconds whatever the span, so a zone per
    # event would cost more than all the events.
    first = min((a.start for a in activities), default=site.now).year
    last = max((a.end for a in activities), default=site.now).year + 1
    memo = made if made is not None else {}
    zone = _zone(site.config.timezone, first, last, memo.setdefault("zones", {}))
    head = _calendar_head(site.config.timezone)
    known = memo.get("events", {})
    kept: dict = {}
    for activity in activities:
        # Everything a VEVENT is made from (the zone for the TZID of its times);
        # kept with the lines naming its event.ics, made from its title.
        key = (activity, links.origin, links.base_path, links.host, site.config.timezone)
        old = known.get(key)
        kept[key] = old if old is not None else (_vevent(activity, links), _names(activity.title))
    memo["events"] = kept
    pieces = list(kept.values())
    files = {urls.CALENDAR: _calendar(head, _names(f"{site.config.title} · 主题活动"), zone, [event for event, _ in pieces])}
    for activity, (event, names) in zip(activities, pieces, strict=True):
        files[f"{activity.url}event.ics"] = _calendar(head, names, zone, [event])
    return files


def _zone(name: str, first: int, last: int, made: dict) -> bytes:
    """VTIMEZONE for whole years; `made` keeps it from one build to the next,
    under the zone data that made it (a new icalendar discards the whole
    cache: quick.code_stamp)."""
    key = (name, first, last, _zone_source(name))
    if key not in made:
        made.clear()  # only the last one is wanted again
        made[key] = _vtimezone(name, first, last)
    return made[key]


def _zone_source(name: str) -> tuple[object, ...]:
    """The zone data a ZoneInfo of `name` reads: the system's file (its stamp)
    or the tzdata package (its version)."""
    for root in zoneinfo.TZPATH:
        found = stamp(Path(root, name))
        if found[1] != -1:
            return found
    import importlib.metadata  # only where the system has no zone files (Windows): it costs 40 ms to import

    try:
        return ("tzdata", importlib.metadata.version("tzdata"))
    except importlib.metadata.PackageNotFoundError:
        return ()


@functools.lru_cache(maxsize=8)
def _vtimezone(name: str, first: int, last: int) -> bytes:
    """VTIMEZONE for whole years. Memoised: it is the same answer every rebuild."""
    from icalendar import Timezone

    return Timezone.from_tzinfo(ZoneInfo(name), first_date=date(first, 1, 1), last_date=date(last, 1, 1)).to_ical()


def _calendar_head(timezone: str) -> bytes:
    """BEGIN:VCALENDAR and the properties every file shares."""
    from icalendar.prop import vText

    properties = [
        ("PRODID", vText(f"-//bangyang//bangyang {__version__}//ZH")),
        ("VERSION", vText("2.0")),
        ("CALSCALE", vText("GREGORIAN")),
        ("METHOD", vText("PUBLISH")),
        ("X-WR-TIMEZONE", vText(timezone)),
    ]
    return b"BEGIN:VCALENDAR\r\n" + _content_lines(properties)


def _names(name: str) -> bytes:
    """The lines naming a calendar (NAME and its older spelling X-WR-CALNAME)."""
    from icalendar.prop import vText

    return _content_lines([("NAME", vText(name)), ("X-WR-CALNAME", vText(name))])


def _calendar(head: bytes, names: bytes, zone: bytes, events: list[bytes]) -> bytes:
    """A whole VCALENDAR: the shared head, its own name, the zone, the events."""
    return b"".join([head, names, zone, *events, b"END:VCALENDAR\r\n"])


def _vevent(activity: Activity, links: SiteLinks) -> bytes:
    from icalendar.prop import vCategory, vDatetime, vDDDTypes, vText, vUri

    if activity.all_day:  # VALUE=DATE, and an exclusive end: the day after the last day
        start, end = activity.start.date(), activity.end.date()
    else:  # TZID=<the site's zone>, as the VTIMEZONE
        start, end = activity.start, activity.end
    url = links.absolute(activity.url)
    lines = [activity.summary, f"主办：{activity.organizer}" if activity.organizer else "", url]
    properties = [
        ("UID", vText(f"{activity.slug}@{links.host or 'bangyang'}")),
        # When this VEVENT was made. Not the build clock, which would change every
        # file on every build; the model has no last-edited time, so the event's
        # own start, in UTC as DTSTAMP must be: the same while the activity is
        # unchanged, and new when it is moved to another time.
        ("DTSTAMP", vDatetime(activity.start.astimezone(UTC))),
        ("DTSTART", vDDDTypes(start)),
        ("DTEND", vDDDTypes(end)),
        ("SUMMARY", vText(activity.title)),
        *([("LOCATION", vText(activity.location))] if activity.location else []),
        ("DESCRIPTION", vText("\n\n".join(line for line in lines if line))),
        ("URL", vUri(url)),
        ("CATEGORIES", vCategory([activity.theme])),
    ]
    return b"BEGIN:VEVENT\r\n" + _content_lines(properties) + b"END:VEVENT\r\n"


def _content_lines(properties: list[tuple[str, Any]]) -> bytes:
    """One content line for each (name, icalendar value), made, escaped and
    folded by icalendar, each ended with CRLF."""
    from icalendar.parser import Contentline

    lines = []
    for name, value in properties:
        line = Contentline.from_parts(name, value.params, value)
        data = line.encode()
        # Folding walks the line a character at a time, and a line under 75
        # octets comes out of it unchanged: only the long ones need it.
        lines.append(data if len(data) < 75 else line.to_ical())
    return b"\r\n".join(lines) + b"\r\n"


# --- The memo: pieces made before, kept by document ------------------------
#
# `ExportMemo` holds the pieces made from each document (JSON items, calendar
# events, feed entries) in dicts keyed by tuples that start with the
# document, nested by what they are for. The cache keeps them in the same
# shard file as their document (state.py), and finds them by that shape.

ExportMemo = dict


def document_memos(exports: dict, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict]]:
    """The export memos kept per document: dicts keyed by tuples that start with the document."""
    for name, value in exports.items():
        if not isinstance(value, dict) or not isinstance(name, str):
            continue
        if value and all(isinstance(key, tuple) and key and isinstance(key[0], Doc) for key in value):
            yield (*at, name), value
        else:
            yield from document_memos(value, (*at, name))


def without_memos(exports: dict, places: set[tuple[str, ...]], at: tuple[str, ...] = ()) -> dict:
    """`exports` with the memos at `places` left empty (they go to the shards)."""
    return {
        name: {} if (*at, name) in places else without_memos(value, places, (*at, name)) if isinstance(value, dict) else value
        for name, value in exports.items()
    }


def memo_at(exports: dict, place: tuple[str, ...]) -> dict:
    """The memo at `place` in `exports`, made where it is missing."""
    for name in place:
        exports = exports.setdefault(name, {})
    return exports
