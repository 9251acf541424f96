"""Data for other systems: JSON exports and iCalendar files.

Input: the site model, the image plan and the site's links. Output: bytes
for api/profiles.json, api/activities.json, api/slogans.json (schema in
the README; `SCHEMA` is bumped when a field changes meaning or goes away),
activities/calendar.ics and one activities/<slug>/event.ics per activity.
The same input and build time give the same bytes.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from . import __version__
from .images import PublishedImage
from .links import SiteLinks
from .models import Activity, ImageRef, Profile, Slogan
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


def json_exports(site: SiteModel, images: dict[Path, PublishedImage], links: SiteLinks) -> dict[str, bytes]:
    """Newest first, then by slug (profiles, activities); slogans in site order (weight, slug)."""
    profiles = sorted(site.profiles, key=lambda p: (-p.date.timestamp(), p.slug))
    activities = sorted(site.activities, key=lambda a: (-a.start.timestamp(), a.slug))
    slogans = sorted(site.slogans, key=lambda s: (-s.weight, s.slug))
    return {
        "api/profiles.json": json_document(site, [profile_json(p, images, links) for p in profiles]),
        "api/activities.json": json_document(site, [activity_json(a, site.now, images, links) for a in activities]),
        "api/slogans.json": json_document(site, [slogan_json(s, site.now, images, links) for s in slogans]),
    }


@functools.lru_cache(maxsize=32)
def _vtimezone(name: str, first: int, last: int) -> Timezone:
    """VTIMEZONE for whole years. Memoised: icalendar finds the transitions by
    probing every hour of the span (~80 ms), the same answer every rebuild."""
    return Timezone.from_tzinfo(ZoneInfo(name), first_date=date(first, 1, 1), last_date=date(last, 1, 1))


def calendars(site: SiteModel, links: SiteLinks) -> dict[str, bytes]:
    """activities/calendar.ics with every activity, and one event.ics each (加入日历)."""
    activities = sorted(site.activities, key=lambda a: (a.start, a.slug))
    files = {"activities/calendar.ics": _calendar(site, links, f"{site.config.title} · 主题活动", activities)}
    for activity in activities:
        files[f"{activity.url}event.ics"] = _calendar(site, links, activity.title, [activity])
    return files


def _calendar(site: SiteModel, links: SiteLinks, name: str, activities: list[Activity]) -> bytes:
    config = site.config
    calendar = Calendar()
    calendar.add("prodid", f"-//bangyang//bangyang {__version__}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", config.timezone)
    # The zone's rules for the years the events span (whole years, so the
    # bytes change only when an event moves into another year).
    first = min((a.start for a in activities), default=site.now).year
    last = max((a.end for a in activities), default=site.now).year + 1
    calendar.add_component(_vtimezone(config.timezone, first, last))
    for activity in activities:
        calendar.add_component(_event(activity, site.now, links))
    return calendar.to_ical()


def _event(activity: Activity, now: datetime, links: SiteLinks) -> Event:
    event = Event()
    event.add("uid", f"{activity.slug}@{links.host or 'bangyang'}")
    event.add("dtstamp", now.astimezone(UTC))
    if activity.all_day:
        event.add("dtstart", activity.start.date())
        event.add("dtend", activity.end.date())  # exclusive: the day after the last day
    else:
        event.add("dtstart", activity.start)
        event.add("dtend", activity.end)
    event.add("summary", activity.title)
    if activity.location:
        event.add("location", activity.location)
    url = links.absolute(activity.url)
    lines = [activity.summary, f"主办：{activity.organizer}" if activity.organizer else "", url]
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("url", url)
    event.add("categories", [activity.theme])
    return event
