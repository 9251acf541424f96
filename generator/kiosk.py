"""Kiosk screens: self-contained full-screen pages for office-lobby displays.

Input: `SiteModel`, the image plan and the Jinja environment of the render
stage. Output: `OutputFile`s under kiosk/ (one folder per screen of
site.toml's [[kiosk]] list, plus the kiosk/ index).

A screen page carries its own CSS, JavaScript and playlist (JSON with every
date), so the page itself decides by the screen's clock what to show: a slogan
outside its from/until window is skipped (a screen carries the slogans whose
window opens after the build, which are on no other page yet), an activity leaves "upcoming" when it
starts, day-parting applies — all without a rebuild. Images are the variants
the render stage already publishes; QR codes are inline SVG. Everything is
addressed relative to the page, so a site under a sub-path works as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from . import urls
from .config import HONOR_LEVELS, KioskScreen
from .environment import PageMeta, SiteEnvironment, time_range
from .images import PublishedImage, Variant
from .markup import cut_summary
from .models import Activity, ImageRef, OutputFile, Profile, Slogan
from .render import finish_page
from .site import SiteModel

# The screen page ends with this; a fetched page without it is incomplete.
COMPLETE_MARKER = "<!--/bangyang-kiosk-->"
_CONTENT_ID_PLACEHOLDER = "@@bangyang-kiosk-content-id@@"
# Widths a slide needs from an image: full-screen backgrounds and covers, framed portraits.
_BACKGROUND_WIDTH = 1600
_PORTRAIT_WIDTH = 960
_ZONE_LOOKAHEAD_DAYS = 400  # UTC offsets are listed this far ahead (daylight saving)
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SHOW_NAMES = {
    "slogans": "全部宣传标语",
    "slogans:theme": "{}主题的宣传标语",
    "profiles": "全部先进典型",
    "profiles:featured": "推荐的先进典型",
    "profiles:category": "{}",
    "activities": "即将开始和进行中的活动",
    "activities:upcoming": "即将开始的活动",
    "activities:ongoing": "进行中的活动",
    "activities:theme": "{}主题活动（即将开始和进行中）",
}


def render_kiosks(site: SiteModel, images: dict[Path, PublishedImage], env: SiteEnvironment) -> list[OutputFile]:
    screens = site.config.kiosks
    if not screens:
        return []
    # Inline code must not end its own <script>/<style> element early.
    code = {
        "css": re.sub(r"</(style)", r"<\\/\1", _theme_text(env, "kiosk/kiosk.css"), flags=re.I),
        "js": re.sub(r"</(script)", r"<\\/\1", _theme_text(env, "kiosk/kiosk.js"), flags=re.I),
    }
    zone = utc_offsets(site.config.tz, site.now)
    made: dict[str, dict[str, Any]] = {}  # a slide on several screens is drawn once (QR codes take time)
    files = [
        OutputFile(urls.page_file(urls.kiosk(screen.name)), render_screen_page(site, images, env, screen, code, zone, made))
        for screen in screens
    ]
    files.append(OutputFile(urls.page_file(urls.KIOSKS), render_kiosk_index(site, env)))
    return files


def render_screen_page(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    env: SiteEnvironment,
    screen: KioskScreen,
    code: dict[str, str],
    zone: list[list[int]],
    made: dict[str, dict[str, Any]] | None = None,
) -> bytes:
    data = screen_data(site, images, env, screen, zone, made)
    data["content_id"] = _CONTENT_ID_PLACEHOLDER
    html = env.get_template("kiosk/screen.html").render(
        screen=screen,
        data=Markup(_script_json(data)),
        css=Markup(code["css"]),
        js=Markup(code["js"]),
        schedule=schedule_text(screen),
        complete_marker=Markup(COMPLETE_MARKER),
    )
    # The id of what the screen shows: same page bytes, same id, whatever else the build changed.
    content_id = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
    return html.replace(_CONTENT_ID_PLACEHOLDER, content_id).encode("utf-8")


def render_kiosk_index(site: SiteModel, env: SiteEnvironment) -> bytes:

    meta = PageMeta(title="电子显示屏", path=urls.KIOSKS, description=f"{site.config.title}电子显示屏：大厅与走廊屏幕的播放页面")
    rows = [
        {
            "screen": screen,
            "path": urls.kiosk(screen.name),
            "shows": [show_name(entry) for entry in screen.show],
            "schedule": schedule_text(screen) or "全天播放",
        }
        for screen in site.config.kiosks
    ]
    return finish_page(env, "kiosk/index.html", env.get_template("kiosk/index.html").render(meta=meta, screens=rows)).encode("utf-8")


def screen_data(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    env: SiteEnvironment,
    screen: KioskScreen,
    zone: list[list[int]],
    made: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the page needs to run unattended, as plain JSON-able data."""
    return {
        "screen": screen.name,
        "title": screen.title,
        "site": site.config.title,
        "orientation": screen.orientation,
        "seconds": screen.seconds,
        "days": [day % 7 for day in screen.days],  # as JavaScript counts them: Sunday is 0
        "hours": [list(span) for span in screen.hours],
        "schedule": schedule_text(screen),
        "zone": zone,
        "root": "../../",
        "groups": playlist(site, images, env, screen, made),
    }


def playlist(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    env: SiteEnvironment,
    screen: KioskScreen,
    made: dict[str, dict[str, Any]] | None = None,
) -> list[list[dict[str, Any]]]:
    """One list of slides per `show` entry; a document shown by an earlier entry is not repeated."""
    made = made if made is not None else {}
    seen: set[str] = set()
    groups = []
    for entry in screen.show:
        kind, key, value = KioskScreen.parse_show(entry)
        group = []
        for slide in _slides(site, images, env, kind, key, value, made):
            if slide["id"] not in seen:
                seen.add(slide["id"])
                group.append(slide)
        groups.append(group)
    return groups


def _slides(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    env: SiteEnvironment,
    kind: str,
    key: str,
    value: str,
    made: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    def once(slide_key: str, draw: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if slide_key not in made:
            made[slide_key] = draw()
        return made[slide_key]

    now = site.now
    if kind == "slogans":
        slogans = [s for s in _carried(site) if not key or s.theme == value]
        return [once(f"slogan:{s.slug}", lambda s=s: slogan_slide(s, images)) for s in slogans]
    if kind == "profiles":
        profiles = [
            p for p in site.profiles if not key or (key == "featured" and p.featured) or (key == "category" and p.category == value)
        ]
        return [once(f"profile:{p.slug}", lambda p=p: profile_slide(p, images, env)) for p in profiles]
    activities = sorted((a for a in site.activities if a.end > now), key=lambda a: (a.start, a.slug))
    if key == "upcoming":
        activities = [a for a in activities if a.start > now]
    elif key == "theme":
        activities = [a for a in activities if a.theme == value]
    window = key if key in ("upcoming", "ongoing") else "current"
    return [once(f"activity:{a.slug}:{window}", lambda a=a: activity_slide(a, images, env, window)) for a in activities]


def _carried(site: SiteModel) -> list[Slogan]:
    """The public slogans and those whose window opens later, in site order.
    Slogans whose window is already over at build time are in neither: they
    can never come back."""
    return sorted((*site.slogans, *site.slogans_ahead), key=lambda s: (-s.weight, s.slug))


def slogans_ahead_shown(site: SiteModel) -> list[Slogan]:
    """The slogans not yet public that some screen carries (their background
    images are published for the screens alone)."""
    shows = [KioskScreen.parse_show(entry) for screen in site.config.kiosks for entry in screen.show]
    return [s for s in site.slogans_ahead if any(kind == "slogans" and (not key or s.theme == value) for kind, key, value in shows)]


def slogan_slide(slogan: Slogan, images: dict[Path, PublishedImage]) -> dict[str, Any]:
    return {
        "id": f"slogan:{slogan.slug}",
        "kind": "slogan",
        "text": slogan.text,
        "theme": slogan.theme,
        "source": slogan.source_name,
        "from": slogan.valid_from.isoformat() if slogan.valid_from else None,
        "until": slogan.valid_until.isoformat() if slogan.valid_until else None,
        "image": _image(images, slogan.background, _BACKGROUND_WIDTH),
    }


def profile_slide(profile: Profile, images: dict[Path, PublishedImage], env: SiteEnvironment) -> dict[str, Any]:
    honors = sorted(profile.honors, key=lambda h: (HONOR_LEVELS.index(h.level) if h.level in HONOR_LEVELS else 99, -h.year))
    return {
        "id": f"profile:{profile.slug}",
        "kind": "profile",
        "name": profile.name,
        "category": profile.category,
        "unit": profile.unit,
        "position": profile.position,
        "summary": profile.summary or cut_summary(profile.body_html, 120),
        "honors": [f"{h.year}年 {h.title}" for h in honors[:3]],
        "image": _image(images, profile.photo, _PORTRAIT_WIDTH),
        "qr": str(env.qr_svg(profile.url, f"二维码：{profile.name}的先进事迹")),
    }


def activity_slide(activity: Activity, images: dict[Path, PublishedImage], env: SiteEnvironment, window: str) -> dict[str, Any]:
    return {
        "id": f"activity:{activity.slug}",
        "kind": "activity",
        "window": window,  # upcoming: until it starts; ongoing: while it runs; current: until it ends
        "title": activity.title,
        "theme": activity.theme,
        "when": time_range(activity),
        "location": activity.location,
        "organizer": activity.organizer,
        "summary": activity.summary or cut_summary(activity.body_html, 100),
        "start": activity.start.isoformat(),
        "end": activity.end.isoformat(),
        "image": _image(images, activity.cover, _BACKGROUND_WIDTH),
        "qr": str(env.qr_svg(activity.url, f"二维码：{activity.title}")),
    }


def _image(images: dict[Path, PublishedImage], ref: ImageRef | None, width: int) -> dict[str, Any] | None:
    """The smallest JPEG/PNG variant at least `width` wide (or the largest there is):
    the format every screen browser decodes, at a size a 1920-wide screen needs."""
    image = images.get(ref.source) if ref else None
    if image is None:
        return None
    variant: Variant = next((v for v in image.fallbacks if v.width >= width), image.largest)
    return {"src": "../../" + variant.url, "width": variant.width, "height": variant.height, "alt": ref.alt if ref else ""}


def utc_offsets(zone: ZoneInfo, start: datetime) -> list[list[int]]:
    """[[from epoch ms, UTC offset in minutes], …]: the site's clock for the page,
    whatever time zone the screen itself is set to. The first entry holds from the start."""
    moment = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    changes: list[list[int]] = []
    for _ in range(_ZONE_LOOKAHEAD_DAYS * 24):
        offset = moment.astimezone(zone).utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        if not changes or changes[-1][1] != minutes:
            changes.append([int(moment.timestamp() * 1000) if changes else 0, minutes])
        moment += timedelta(hours=1)
    return changes


def show_name(entry: str) -> str:
    kind, key, value = KioskScreen.parse_show(entry)
    return SHOW_NAMES[f"{kind}:{key}" if key else kind].format(value)


def schedule_text(screen: KioskScreen) -> str:
    """ "周一至周五 07:30–19:00", or "" for a screen that plays all day, every day."""
    days = ""
    if screen.days:
        names = [WEEKDAY_NAMES[d - 1] for d in screen.days]
        consecutive = list(screen.days) == list(range(screen.days[0], screen.days[-1] + 1))
        days = f"{names[0]}至{names[-1]}" if consecutive and len(names) > 2 else "、".join(names)
    hours = "，".join(f"{_hhmm(a)}–{_hhmm(b)}" + ("（次日）" if b < a else "") for a, b in screen.hours)
    return " ".join(part for part in (days, hours) if part)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _theme_text(env: SiteEnvironment, name: str) -> str:
    """A theme file as it is (a site's own templates/ wins), not run through Jinja."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside <script>: no "</script>", no "<!--"."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
