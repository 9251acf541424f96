"""The 先进典型 register, the activity list, counts, and what is scheduled.

Input: a `SiteModel` (what a build would publish) and filters. Output: rows
and counts as plain dataclasses, and their text forms for `bangyang list` and
`bangyang stats`: an aligned table (Chinese characters are two columns wide),
CSV that Excel and WPS open as it is (UTF-8 with BOM, CRLF, one row per
honor) and JSON. `scheduled_items` answers `check`'s "计划发布": profiles
dated after the build time and slogans whose window has not opened yet —
what a later scheduled `bangyang build` will publish without anyone acting.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from rich.cells import cell_len

from .config import HONOR_LEVELS, Config
from .inputs import Scan, scan_inputs
from .load import LoadMemo, load_content
from .models import Activity
from .problems import Problems
from .site import SiteModel

STATUS_NAMES = {"upcoming": "即将开始", "ongoing": "进行中", "ended": "已结束"}

PROFILE_COLUMNS = (("name", "姓名"), ("unit", "单位"), ("position", "职务"), ("category", "类别"), ("honor", "荣誉称号"), ("year", "年份"), ("level", "级别"), ("date", "发布日期"))  # fmt: skip
ACTIVITY_COLUMNS = (("title", "活动名称"), ("theme", "主题"), ("start", "开始"), ("end", "结束"), ("location", "地点"), ("status", "状态"))  # fmt: skip


@dataclass(frozen=True)
class HonorRow:
    """One honor of one role model; a role model without honors has one row with the honor columns empty."""

    name: str
    unit: str
    position: str
    category: str
    honor: str
    year: int | None
    level: str
    date: str
    url: str = ""


@dataclass(frozen=True)
class ActivityRow:
    title: str
    theme: str
    start: str
    end: str
    location: str
    status: str


@dataclass(frozen=True)
class Stats:
    profiles: int
    honors: int
    activities: int
    slogans: int
    by_category: tuple[tuple[str, int], ...]  # every configured category, in site.toml order
    by_level: tuple[tuple[str, int], ...]  # honors per level, 国家级 first
    by_year: tuple[tuple[int, int], ...]  # honors per year, newest first
    by_theme: tuple[tuple[str, int], ...]
    activities_by_year: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ScheduledItem:
    when: datetime
    kind: str  # profile, slogan
    title: str
    source: Path
    until: datetime | None = None  # a slogan's last moment (exclusive)


# --- rows ----------------------------------------------------------------------


def honor_rows(site: SiteModel, category: str | None = None, year: int | None = None, level: str | None = None) -> list[HonorRow]:
    """The register, grouped by category in site.toml order, newest first within.
    `year` and `level` select honors; a role model with none of them is left out."""
    order = {name: i for i, name in enumerate(site.config.categories)}
    rows: list[HonorRow] = []
    for profile in sorted(site.profiles, key=lambda p: (order.get(p.category, 99), -p.date.timestamp(), p.name)):
        if category is not None and profile.category != category:
            continue
        honors = [h for h in profile.honors if (year is None or h.year == year) and (level is None or h.level == level)]
        if not honors and (year is not None or level is not None):
            continue
        base = {
            "name": profile.name,
            "unit": profile.unit,
            "position": profile.position,
            "category": profile.category,
            "date": profile.date.strftime("%Y-%m-%d"),
            "url": site.config.base_url + profile.url,
        }
        if not honors:
            rows.append(HonorRow(**base, honor="", year=None, level=""))
        for honor in sorted(honors, key=lambda h: (-h.year, HONOR_LEVELS.index(h.level), h.title)):
            rows.append(HonorRow(**base, honor=honor.title, year=honor.year, level=honor.level))
    return rows


def profile_records(rows: list[HonorRow]) -> list[dict[str, object]]:
    """JSON form: one object per role model with its (selected) honors as a list."""
    records: dict[str, dict[str, object]] = {}
    for row in rows:
        record = records.setdefault(
            row.url,
            {"name": row.name, "unit": row.unit, "position": row.position, "category": row.category, "date": row.date, "url": row.url},
        )
        honors = record.setdefault("honors", [])
        if row.honor:
            honors.append({"title": row.honor, "year": row.year, "level": row.level})  # type: ignore[union-attr]
    return list(records.values())


def activity_rows(site: SiteModel, theme: str | None = None, year: int | None = None) -> list[ActivityRow]:
    """Activities in the order they happen, with their status at the build time."""
    rows = []
    for activity in sorted(site.activities, key=lambda a: (a.start, a.slug)):
        if (theme is not None and activity.theme != theme) or (year is not None and activity.start.year != year):
            continue
        rows.append(
            ActivityRow(
                title=activity.title,
                theme=activity.theme,
                start=_moment(activity.start, activity.all_day),
                end=_end_text(activity),
                location=activity.location,
                status=STATUS_NAMES[activity.status(site.now)],
            )
        )
    return rows


def _moment(value: datetime, all_day: bool) -> str:
    return value.strftime("%Y-%m-%d" if all_day else "%Y-%m-%d %H:%M")


def _end_text(activity: Activity) -> str:
    if activity.all_day:
        return (activity.end - timedelta(days=1)).strftime("%Y-%m-%d")  # `end` is the moment after the last day
    return _moment(activity.end, False)


def site_stats(site: SiteModel) -> Stats:
    honors = [h for p in site.profiles for h in p.honors]
    categories = Counter(p.category for p in site.profiles)
    levels = Counter(h.level for h in honors)
    years = Counter(h.year for h in honors)
    themes = Counter(a.theme for a in site.activities)
    activity_years = Counter(a.start.year for a in site.activities)
    return Stats(
        profiles=len(site.profiles),
        honors=len(honors),
        activities=len(site.activities),
        slogans=len(site.slogans),
        by_category=tuple((c, categories[c]) for c in site.config.categories),
        by_level=tuple((lv, levels[lv]) for lv in HONOR_LEVELS),
        by_year=tuple(sorted(years.items(), reverse=True)),
        by_theme=tuple((t, themes[t]) for t in site.config.themes),
        activities_by_year=tuple(sorted(activity_years.items(), reverse=True)),
    )


def scheduled_items(config: Config, now: datetime, documents: LoadMemo | None = None, scan: Scan | None = None) -> list[ScheduledItem]:
    """Future-dated profiles and slogans whose window opens later, soonest first.
    Drafts are not scheduled: they wait for a person. With load's memo and the
    walk `check` just made, no file is read twice; nothing is written."""
    content = load_content(replace(config, future=True, drafts=False), now, Problems(), scan or scan_inputs(config), documents)
    items = [ScheduledItem(p.date, "profile", p.name, p.source) for p in content.profiles if p.date > now]
    items += [
        ScheduledItem(s.valid_from, "slogan", s.text, s.source, s.valid_until)
        for s in content.slogans
        if s.valid_from is not None and s.valid_from > now
    ]
    return sorted(items, key=lambda i: (i.when, i.kind, i.title))


# --- text forms ------------------------------------------------------------------


def to_csv(header: list[str], rows: list[list[object]]) -> bytes:
    """UTF-8 with BOM and CRLF: double-clicked, Excel and WPS show the Chinese right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def to_text_table(header: list[str], rows: list[list[object]]) -> str:
    """Columns padded by display width: a Chinese character takes two columns."""
    cells = [[("" if v is None else str(v)) for v in row] for row in [header, *rows]]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(text + " " * (widths[i] - cell_len(text)) for i, text in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def rows_as_lists(rows: list[HonorRow] | list[ActivityRow], columns: tuple[tuple[str, str], ...]) -> list[list[object]]:
    return [[asdict(row)[key] for key, _ in columns] for row in rows]


def stats_sections(stats: Stats) -> list[tuple[str, list[tuple[object, int]]]]:
    """(heading, [(label, count)]) for the text form of `stats`."""
    return [
        (f"先进典型 profiles：{stats.profiles} 人 — 按类别 by category", list(stats.by_category)),
        (f"荣誉 honors：{stats.honors} 项 — 按级别 by level", list(stats.by_level)),
        ("荣誉按年份 honors by year", [(f"{y}年", n) for y, n in stats.by_year]),
        (f"主题活动 activities：{stats.activities} 项 — 按主题 by theme", list(stats.by_theme)),
        ("活动按年份 activities by year", [(f"{y}年", n) for y, n in stats.activities_by_year]),
    ]


def stats_json(stats: Stats) -> dict[str, object]:
    return {
        "profiles": stats.profiles,
        "honors": stats.honors,
        "activities": stats.activities,
        "slogans": stats.slogans,
        "profiles_by_category": dict(stats.by_category),
        "honors_by_level": dict(stats.by_level),
        "honors_by_year": {str(y): n for y, n in stats.by_year},
        "activities_by_theme": dict(stats.by_theme),
        "activities_by_year": {str(y): n for y, n in stats.activities_by_year},
    }
