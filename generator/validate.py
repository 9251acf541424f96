"""Stage 2, the checks: one content file's front matter and body → one typed document.

Input: a `SourceFile` (sources.py: the decoded text, the front matter as
plain values, the line of each key), its kind, the settings. Output: a
`Profile`, `Activity`, `Slogan` or `Page` with every field typed and
checked (dates in the site's time zone, categories and themes from
site.toml, images found inside content/), or None; every problem found is
reported with its file, line and field, and the checks go on after one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from .config import HONOR_LEVELS, Config
from .inputs import is_ignored
from .markup import IMAGE_SUFFIXES, MarkdownRenderer, cut_summary
from .models import Activity, Doc, Honor, ImageRef, Page, Profile, Slogan
from .problems import Problems
from .schema import HONOR_NAMES, KINDS, FieldSpec
from .slugs import WINDOWS_RESERVED, is_valid_slug, slugify
from .sources import SourceFile

# Dates a clerk means: a typo such as 2204 is caught, and a day after the last
# (an end date's end) is always a date the calendar has.
FIRST_YEAR, LAST_YEAR = 1900, 2099

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


# Per kind, read-only: the field specs by name, and Chinese field name → English.
_SPECS: dict[str, dict[str, FieldSpec]] = {kind: {f.name: f for f in specs} for kind, specs in KINDS.items()}
_ENGLISH_NAMES: dict[str, dict[str, str]] = {kind: {f.zh: f.name for f in specs} for kind, specs in KINDS.items()}


class Validator:
    """Turns one SourceFile into one document, reporting every problem found."""

    def __init__(self, source: SourceFile, kind: str, config: Config, problems: Problems, renderer: MarkdownRenderer):
        self.src = source
        self.kind = kind
        self.config = config
        self.problems = problems
        self.renderer = renderer
        self.specs: dict[str, FieldSpec] = _SPECS[kind]
        self.ok = not source.broken  # a field that could not be read: reported, never published
        self.src = self._english_keys(source)
        by_zh = _ENGLISH_NAMES[kind]
        self.broken = {by_zh.get(key, key) for key in source.broken}

    def _english_keys(self, source: SourceFile) -> SourceFile:
        """姓名: 张三 reads as name: 张三; writing both names of one field is an error."""
        by_zh = _ENGLISH_NAMES[self.kind]
        if not any(key in by_zh for key in source.meta):
            return source  # nothing to rename, so nothing can be written twice
        meta: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key, value in source.meta.items():
            name = by_zh.get(key, key)
            if name in meta:
                self.problems.error(
                    source.path,
                    source.lines.get(key, 1),
                    name,
                    f"“{key}”和“{_other(name, key, by_zh)}”是同一个字段，只能写一个 (one field written twice)",
                    f"删掉其中一行（第 {lines[name]} 行或第 {source.lines.get(key, 1)} 行）",
                )
                self.ok = False
                continue
            meta[name] = value
            for line_key, line in source.lines.items():
                if line_key == key or line_key.startswith(key + "["):
                    lines[name + line_key[len(key) :]] = line
        return replace(source, meta=meta, lines=lines)

    # -- reporting -----------------------------------------------------------
    def error(self, key: str, message: str, hint: str = "") -> None:
        self.ok = False
        self.problems.error(self.src.path, self.src.lines.get(key, 1), key.split("[")[0], message, hint)

    # -- typed getters (None when absent or wrong) ---------------------------
    def present(self, key: str) -> Any:
        value = self.src.meta.get(key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, key: str) -> str | None:
        value = self.present(key)
        if value is None:
            return None
        if isinstance(value, bool):
            self.error(
                key,
                f"“{key}”的值被 YAML 当成了是/否 (yes/no/on/off/true/false are read as booleans)",
                f'给值加上英文双引号，例如 {key}: "no"',
            )
            return None
        if isinstance(value, (int, float)):
            return str(value)
        if not isinstance(value, str):
            self.error(key, f"“{key}”应是一段文字 (expected text, got a {_kind_name(value)})", f"写成一行：{key}: 文字")
            return None
        return value.strip()

    def moment(self, key: str, *, end_of_day: bool = False) -> tuple[datetime, bool] | None:
        """A date or date-time in the site's time zone → (aware datetime, was a plain date)."""
        value = self.present(key)
        if value is None:
            return None
        text = str(value).strip() if not isinstance(value, bool) else ""
        m = _DATE.match(text)
        if not m:
            self.error(key, f"“{key}”不是有效的日期 (expected a date, got “{value}”)", "格式为 2024-03-05 或 2024-04-23 15:00")
            return None
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            day = date(int(y), int(mo), int(d))
        except ValueError:
            month = int(mo)
            hint = (
                f"一年只有 12 个月，没有 {month} 月；请核对月份（年-月-日，例如 2024-03-05）"
                if not 1 <= month <= 12
                else f"{month}月没有{int(d)}日，请核对日期"
            )
            self.error(key, f"日期“{text}”不存在 (impossible date)", hint)
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            hint = f"日期应在 {FIRST_YEAR} 年到 {LAST_YEAR} 年之间，请核对年份（例如 2024 误写成 2204）"
            if key in ("until", "end"):
                hint += f"；一直有效就不写 {key}"
            self.error(key, f"年份 {day.year} 不像是真的日期 (implausible year)", hint)
            return None
        if hh is None:
            moment = datetime(day.year, day.month, day.day, tzinfo=self.config.tz)
            if end_of_day:
                moment += timedelta(days=1)
            return moment, True
        try:
            moment = datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss or 0), tzinfo=self.config.tz)
        except ValueError:
            self.error(key, f"时间“{text}”不存在 (impossible time)", "时间为 00:00 到 23:59")
            return None
        if tz:
            moment = datetime.fromisoformat(f"{day.isoformat()}T{int(hh):02d}:{mm}:{ss or '00'}{tz if tz != 'Z' else '+00:00'}").astimezone(
                self.config.tz
            )
        return moment, False

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.present(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in ("是", "否"):
            return value == "是"
        self.error(key, f"“{key}”只能是 true 或 false (got “{value}”)", f"{key}: true 或 {key}: false")
        return default

    def integer(self, key: str, default: int = 0) -> int:
        value = self.present(key)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        self.error(key, f"“{key}”应是整数 (expected a whole number, got “{value}”)", f"例如 {key}: 10")
        return default

    def tags(self, key: str) -> tuple[str, ...]:
        value = self.present(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [v for v in re.split(r"[、,，;；\s]+", value) if v]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            self.error(key, f"“{key}”应是文字列表 (expected a list of words)", f"例如 {key}: [爱岗敬业, 志愿服务]")
            return ()
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))

    def choice(self, key: str, allowed: tuple[str, ...], setting: str) -> str | None:
        value = self.text(key)
        if value is None or value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.3)
        hint = (f"是不是想写“{close[0]}”？" if close else "") + f"可选：{'、'.join(allowed)}（在 site.toml 的 {setting} 中设置）"
        self.error(key, f"“{value}”不是允许的{ {'category': '类别', 'theme': '主题'}.get(key, key) } (not one of the allowed values)", hint)
        return None

    def image(self, key: str, alt: str) -> ImageRef | None:
        value = self.text(key)
        if value is None:
            return None
        return self._image(value, alt, key, self.src.lines.get(key, 1))

    def _image(self, value: str, alt: str, field: str, line: int) -> ImageRef | None:
        ref = self.renderer.resolve_image(self.src.path, value, alt, field, line, self.problems)
        if ref is None:
            self.ok = False
        return ref

    # -- the checks every kind shares -----------------------------------------
    def check_keys(self) -> None:
        for key in self.src.meta:
            if key not in self.specs:
                names = list(self.specs)
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
                hint = (f"{key} — 是不是想写 {close[0]}？did you mean {close[0]}? " if close else "") + "可用的字段：" + ", ".join(names)
                self.error(key, f"未知的字段“{key}” (unknown field)", hint)
        for spec in self.specs.values():
            if spec.name in self.broken or "*" in self.broken:
                continue  # its line is already reported as unreadable
            if spec.required and self.present(spec.name) is None:
                self.problems.error(
                    self.src.path,
                    1 if not self.src.lines else min(self.src.lines.values()),
                    spec.name,
                    f"缺少必填字段“{spec.name}” (required field missing)",
                    f"{spec.name}: …  # {spec.comment}",
                )
                self.ok = False

    def slug(self) -> str:
        explicit = self.text("slug")
        if explicit is not None:
            if explicit in WINDOWS_RESERVED:
                self.error(
                    "slug",
                    f"网址名“{explicit}”是 Windows 保留的设备名，这样的文件夹复制不到 Windows 电脑上 (reserved on Windows)",
                    f"换一个网址名，例如 slug: {explicit}-1",
                )
            elif not is_valid_slug(explicit):
                self.error(
                    "slug",
                    f"网址名“{explicit}”只能用小写英文字母、数字和连字符 (invalid slug)",
                    f"例如 slug: {slugify(explicit) or 'zhang-san'}",
                )
            return explicit
        stem = self.src.path.parent.name if self.src.path.name == "index.md" else self.src.path.stem
        made = slugify(stem)
        if not made:
            self.problems.error(
                self.src.path, 0, "slug", f"无法从文件名“{stem}”生成网址 (cannot make a slug)", "在前言区加一行 slug: 英文网址名"
            )
            self.ok = False
        return made

    # -- one builder per kind -------------------------------------------------
    def build(self) -> Doc | None:
        if not self.src.has_front_matter:
            first = self.specs and next(iter(self.specs))
            self.problems.error(
                self.src.path,
                1,
                "",
                "文件开头缺少前言区 (no front matter)",
                f"第一行写 ---，然后每行一个字段（例如 {first}: …），再写一行 --- ；可以用 bangyang new 生成模板",
            )
            return None
        self.check_keys()
        doc = getattr(self, f"_build_{self.kind}")()
        return doc if self.ok else None

    def _common(self) -> dict[str, Any]:
        body = self.renderer.render(self.src.body, self.src.path, self.src.body_line, self.problems)
        rel = self.src.path.relative_to(self.config.content_dir).as_posix()
        return {
            "source": self.src.path,
            "rel": rel,
            "slug": self.slug(),
            "body_html": body.html,
            "draft": self.boolean("draft"),
            "body_images": body.images,
            "links": body.links,
        }

    def _build_profile(self) -> Profile | None:
        name = self.text("name")
        category = self.choice("category", self.config.categories, "[profiles] categories")
        when = self.moment("date")
        honors = self._honors()
        alt = self.text("photo_alt") or name or ""
        photo = self.image("photo", alt)
        common = self._common()
        summary = self.text("summary") or cut_summary(common["body_html"])
        if name is None or category is None or when is None:
            self.ok = False
            return None
        return Profile(
            **common,
            name=name,
            category=category,
            date=when[0],
            photo=photo,
            unit=self.text("unit") or "",
            position=self.text("position") or "",
            honors=honors,
            summary=summary,
            tags=self.tags("tags"),
            featured=self.boolean("featured"),
        )

    def _honors(self) -> tuple[Honor, ...]:
        value = self.present("honors")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error("honors", "“honors”应是列表 (expected a list)", "每条一行：- {title: 十堰好人, year: 2023, level: 市级}")
            return ()
        honors = []
        for i, item in enumerate(value):
            key = f"honors[{i}]"
            if not isinstance(item, dict):
                self.error(
                    key, f"第 {i + 1} 条荣誉格式不对 (expected title, year, level)", "写成 - {title: 十堰好人, year: 2023, level: 市级}"
                )
                continue
            item = {HONOR_NAMES.get(k, k): v for k, v in item.items()}  # 称号/年份/级别 also work
            unknown = set(item) - {"title", "year", "level"}
            if unknown:
                self.error(
                    key,
                    f"荣誉里有未知的项 {', '.join(map(str, unknown))} (unknown honor field)",
                    "荣誉只有 title（称号）、year（年份）、level（级别）",
                )
            title, year, level = item.get("title"), item.get("year"), item.get("level")
            if not isinstance(title, str) or not title.strip():
                self.error(key, f"第 {i + 1} 条荣誉缺少称号 title", "例如 title: 十堰好人")
                continue
            if isinstance(year, str) and year.strip().isdigit():
                year = int(year)
            if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2100:
                self.error(key, f"荣誉“{title}”的年份不对 (year: {year})", "写四位数年份，例如 year: 2023")
                continue
            if level not in HONOR_LEVELS:
                self.error(key, f"荣誉“{title}”的级别“{level}”不对 (level)", "级别只能是：" + "、".join(HONOR_LEVELS))
                continue
            honors.append(Honor(title.strip(), year, level))
        return tuple(honors)

    def _build_activity(self) -> Activity | None:
        title = self.text("title")
        theme = self.choice("theme", self.config.themes, "[activities] themes")
        start = self.moment("start")
        end = self.moment("end", end_of_day=True)
        cover = self.image("cover", f"{title or ''}封面")
        gallery = self._gallery(title or "", cover)
        common = self._common()
        if title is None or theme is None or start is None:
            self.ok = False
            return None
        start_at, all_day = start
        if end is None:
            end_at = start_at.replace(hour=0, minute=0, second=0) + timedelta(days=1)
        else:
            end_at = end[0]
            if end_at <= start_at:
                self.error("end", "结束时间早于开始时间 (end is before start)", f"开始是 {self.src.meta.get('start')}，请核对 end")
        return Activity(
            **common,
            title=title,
            theme=theme,
            start=start_at,
            end=end_at,
            all_day=all_day and (end is None or end[1]),
            location=self.text("location") or "",
            organizer=self.text("organizer") or "",
            cover=cover,
            gallery=gallery,
            summary=self.text("summary") or cut_summary(common["body_html"]),
            tags=self.tags("tags"),
        )

    def _gallery(self, title: str, cover: ImageRef | None) -> tuple[ImageRef, ...]:
        value = self.present("gallery")
        if value is None:
            if self.src.path.name != "index.md":
                return ()
            # Default: every image in the bundle but the cover, by file name.
            files = sorted(
                p for p in self.src.path.parent.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not is_ignored(p.name)
            )
            refs = tuple(
                ImageRef(p.resolve(), f"{title}照片{i + 1}", "gallery", 0, self.src.path)
                for i, p in enumerate(f for f in files if cover is None or f.resolve() != cover.source)
            )
            self.renderer.touched.extend(files)
            return refs
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error("gallery", "“gallery”应是图片文件名列表 (expected a list of image files)", "例如 gallery: [1.jpg, 2.jpg]")
            return ()
        refs = []
        for i, item in enumerate(value):
            ref = self._image(
                item, f"{title}照片{i + 1}", f"gallery[{i}]", self.src.lines.get(f"gallery[{i}]", self.src.lines.get("gallery", 1))
            )
            if ref:
                refs.append(ref)
        return tuple(refs)

    def _build_slogan(self) -> Slogan | None:
        text = self.text("text")
        start = self.moment("from")
        until = self.moment("until", end_of_day=True)
        background = self.image("background", "")
        if start and until and until[0] <= start[0]:
            self.error("until", "截止日期早于开始日期 (until is before from)", "请核对 from 和 until")
        common = self._common()
        if text is None:
            self.ok = False
            return None
        return Slogan(
            **common,
            text=text,
            theme=self.text("theme") or "",
            source_name=self.text("source") or "",
            valid_from=start[0] if start else None,
            valid_until=until[0] if until else None,
            background=background,
            weight=self.integer("weight"),
        )

    def _build_page(self) -> Page | None:
        title = self.text("title")
        common = self._common()
        if title is None:
            self.ok = False
            return None
        return Page(**common, title=title, weight=self.integer("weight", 50), menu=self.boolean("menu"))


def _other(name: str, key: str, by_zh: dict[str, str]) -> str:
    zh = next((z for z, n in by_zh.items() if n == name), name)
    return name if key == zh else zh


def _kind_name(value: Any) -> str:
    return {list: "列表 list", dict: "表 mapping"}.get(type(value), type(value).__name__)
