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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import __version__
from .cache import digest
from .images import PublishedImage
from .links import SiteLinks
from .models import Activity, Doc, ImageRef, Profile, Slogan
from .site import SiteModel

SCHEMA = 1
STATUS_TEXT = {"upcoming": "即将开始", "ongoing": "进行中", "ended": "已结束"}


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def json_document(site: SiteModel, items: list[dict[str, Any]]) -> bytes:
    document = {"generator": "bangyang", "schema": SCHEMA, "build_time": iso(site.now), "count": len(items), "items": items}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


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


def json_exports(site: SiteModel, images: dict[Path, PublishedImage], links: SiteLinks, made: dict | None = None) -> dict[str, bytes]:
    """Newest first, then by slug (profiles, activities); slogans in site order (weight, slug).
    `made`: items of an earlier build (a build cache keeps it; it is left holding this build's)."""
    profiles = sorted(site.profiles, key=lambda p: (-p.date.timestamp(), p.slug))
    activities = sorted(site.activities, key=lambda a: (-a.start.timestamp(), a.slug))
    slogans = sorted(site.slogans, key=lambda s: (-s.weight, s.slug))
    known = made if made is not None else {}
    kept: dict = {}
    # Everything an item is made from besides its document: the site's address, the
    # URLs of the documents a body may link to, and the document's published images.
    site_key = (links.origin, links.base_path, links.host, digest(sorted(links.documents.items())))

    def item(doc: Doc, moment: object, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        key = (doc, moment, site_key, tuple(images.get(ref.source) for ref in doc.images))
        kept[key] = known[key] if key in known else make()
        return kept[key]

    files = {
        "api/profiles.json": json_document(site, [item(p, None, lambda p=p: profile_json(p, images, links)) for p in profiles]),
        "api/activities.json": json_document(
            site, [item(a, a.status(site.now), lambda a=a: activity_json(a, site.now, images, links)) for a in activities]
        ),
        "api/slogans.json": json_document(
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
    `made`: VEVENTs of an earlier build by (activity, links); a build cache keeps
    it, and it is left holding this build's."""
    activities = sorted(site.activities, key=lambda a: (a.start, a.slug))
    # The zone's rules for the years the events span, in whole years so the bytes
    # change only when the span grows into another year (or, with no activities,
    # the build's year changes). One span for every file, event.ics too: for a
    # zone with no changes ahead (Asia/Shanghai) icalendar steps on to the year
    # 9999 looking for one, tens of milliseconds whatever the span, so a zone per
    # event would cost more than all the events.
    first = min((a.start for a in activities), default=site.now).year
    last = max((a.end for a in activities), default=site.now).year + 1
    zone = _vtimezone(site.config.timezone, first, last)
    head = _calendar_head(site.config.timezone)
    known = made if made is not None else {}
    kept = {}
    for activity in activities:
        key = (activity, links.origin, links.base_path, links.host)  # everything a VEVENT is made from
        kept[key] = known[key] if key in known else _vevent(activity, links)
    known.clear()
    known.update(kept)
    events = list(kept.values())
    files = {"activities/calendar.ics": _calendar(head, f"{site.config.title} · 主题活动", zone, events)}
    for activity, event in zip(activities, events, strict=True):
        files[f"{activity.url}event.ics"] = _calendar(head, activity.title, zone, [event])
    return files


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


def _calendar(head: bytes, name: str, zone: bytes, events: list[bytes]) -> bytes:
    """A whole VCALENDAR: the shared head, its own name, the zone, the events."""
    from icalendar.prop import vText

    names = _content_lines([("NAME", vText(name)), ("X-WR-CALNAME", vText(name))])
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
