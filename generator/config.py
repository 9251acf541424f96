"""Stage 1 — settings: `site.toml` (all optional) → `Config`.

Input: the site folder and command-line overrides. Output: a frozen `Config`
and problems for unknown keys or wrong types. Also says where the built-in
theme and example site live, in a checkout and in an installed wheel.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import Problems

PACKAGE_DIR = Path(__file__).resolve().parent

DEFAULT_CATEGORIES = ("道德模范", "身边好人", "最美公路人", "劳动模范", "优秀志愿者", "最美家庭")
DEFAULT_THEMES = ("志愿服务", "主题教育", "全民阅读", "文明创建", "岗位建功", "文体活动")
HONOR_LEVELS = ("国家级", "省级", "市级", "县级", "单位级")


def builtin_theme_dir() -> Path:
    """The theme: packaged as generator/_theme in a wheel, templates/ in a checkout."""
    packaged = PACKAGE_DIR / "_theme"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def example_site_dir() -> Path:
    """The example site used by `init`: packaged copy, or the checkout itself."""
    packaged = PACKAGE_DIR / "_example"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent


@dataclass(frozen=True)
class Footer:
    organizer: str = ""  # 主办单位
    contact: str = ""  # 联系方式
    icp: str = ""  # ICP备案号, linked to the MIIT filing site
    police: str = ""  # 公安备案号


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str  # site-relative ("profiles/") or absolute ("https://…")


@dataclass(frozen=True)
class KioskScreen:
    """One [[kiosk]] screen. `show` holds normalised entries ("profiles:category=道德模范");
    `days` are ISO weekdays (1 = Monday) and `hours` minute ranges of the day, both
    empty for "always on"; a range whose end is before its start runs past midnight."""

    name: str
    title: str
    orientation: str = "landscape"
    seconds: int = 12
    show: tuple[str, ...] = ("slogans", "profiles:featured", "activities:upcoming")
    days: tuple[int, ...] = ()
    hours: tuple[tuple[int, int], ...] = ()

    # kind → filters it accepts; "featured", "upcoming", "ongoing" need no value
    SHOW_KINDS = {
        "slogans": ("theme",),
        "profiles": ("featured", "category"),
        "activities": ("upcoming", "ongoing", "theme"),
    }
    SHOW_EXAMPLES = (
        "slogans",
        "slogans:theme=全民阅读",
        "profiles",
        "profiles:featured",
        "profiles:category=道德模范",
        "activities",
        "activities:upcoming",
        "activities:ongoing",
        "activities:theme=志愿服务",
    )
    WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    @classmethod
    def parse_show(cls, entry: str) -> tuple[str, str, str]:
        """Split "profiles:category=道德模范" into ("profiles", "category", "道德模范"); raises
        ValueError with a message for the user when the entry is not understood."""
        text = entry.strip().replace("：", ":").replace("＝", "=")
        kind, _, rest = text.partition(":")
        kind = kind.strip()
        if kind not in cls.SHOW_KINDS:
            close = difflib.get_close_matches(kind, list(cls.SHOW_KINDS), n=1, cutoff=0.5)
            raise ValueError(f"不认识的播放内容 unknown entry “{entry}”" + (f"，是不是想写 {close[0]}？" if close else ""))
        if not rest.strip():
            return kind, "", ""
        key, eq, value = (part.strip() for part in rest.partition("="))
        if key not in cls.SHOW_KINDS[kind]:
            allowed = "、".join(f"{kind}:{k}" for k in cls.SHOW_KINDS[kind])
            raise ValueError(f"“{entry}”：{kind} 没有筛选条件 “{key}” (unknown filter)，可用 {allowed}")
        needs_value = key in ("theme", "category")
        if needs_value and not value:
            raise ValueError(f"“{entry}”：{key}= 后面要写名称 (missing value)")
        if not needs_value and eq:
            raise ValueError(f"“{entry}”：{key} 后面不用写 = (takes no value)")
        return kind, key, value


@dataclass(frozen=True)
class Config:
    site_dir: Path
    output_dir: Path
    title: str = "榜样"
    description: str = "先进典型、主题活动与宣传标语"
    base_url: str = "/"
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    themes: tuple[str, ...] = DEFAULT_THEMES
    footer: Footer = field(default_factory=Footer)
    menu: tuple[MenuItem, ...] = ()
    kiosks: tuple[KioskScreen, ...] = ()
    image_widths: tuple[int, ...] = (480, 960, 1600)
    avif: bool = False
    drafts: bool = False
    future: bool = False
    jobs: int = 0

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / ".bangyang-cache"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with leading and trailing slash."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# key → (type, description for messages)
_TOP_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "文字"),
    "description": (str, "文字"),
    "base_url": (str, "网址，例如 https://example.gov.cn/wenming/"),
    "language": (str, "语言代码，例如 zh-CN"),
    "timezone": (str, "时区，例如 Asia/Shanghai"),
    "profiles": (dict, "表 [profiles]"),
    "activities": (dict, "表 [activities]"),
    "footer": (dict, "表 [footer]"),
    "menu": (list, "[[menu]] 列表"),
    "kiosk": (list, "[[kiosk]] 列表"),
    "images": (dict, "表 [images]"),
}
_SECTION_KEYS = {
    "profiles": {"categories": (list, "类别列表")},
    "activities": {"themes": (list, "主题列表")},
    "footer": {k: (str, "文字") for k in ("organizer", "contact", "icp", "police")},
    "menu": {"title": (str, "文字"), "url": (str, "网址或站内路径")},
    "images": {"widths": (list, "宽度列表，例如 [480, 960, 1600]"), "avif": (bool, "true 或 false")},
    "kiosk": {
        "name": (str, "英文名称（用于网址）"),
        "title": (str, "文字"),
        "orientation": (str, "landscape 或 portrait"),
        "seconds": (int, "整数秒"),
        "show": (list, '播放内容列表，例如 ["slogans", "profiles:featured", "activities:upcoming"]'),
        "days": (list, '星期列表，例如 ["mon", "tue", "wed", "thu", "fri"]'),
        "hours": ((str, list), '时段，例如 "07:30-19:00" 或 ["08:00-12:00", "14:00-18:00"]'),
    },
}
_TYPE_NAMES = {str: "文字 text", int: "整数 integer", list: "列表 list", dict: "表 table", bool: "true 或 false"}


def _did_you_mean(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
    allowed = "、".join(choices)
    if close:
        return f"是不是想写 {close[0]}？did you mean {close[0]}? 可用的键：{allowed}"
    return f"可用的键 allowed keys：{allowed}"


def _check_keys(
    table: dict[str, Any],
    spec: dict[str, tuple[Any, str]],
    where: str,
    path: Path,
    problems: Problems,
) -> dict[str, Any]:
    good: dict[str, Any] = {}
    for key, value in table.items():
        if key not in spec:
            problems.error(
                path,
                0,
                f"{where}{key}",
                f"未知的设置项 unknown setting “{key}”",
                _did_you_mean(key, list(spec)),
            )
            continue
        expected, desc = spec[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            problems.error(
                path,
                0,
                f"{where}{key}",
                f"类型不对：应为{_TYPE_NAMES.get(expected, desc)}，实际是 {type(value).__name__}",
                f"应填写{desc}",
            )
            continue
        good[key] = value
    return good


def _str_list(value: list[Any], path: Path, name: str, problems: Problems) -> tuple[str, ...]:
    if not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.error(path, 0, name, "应为非空的文字列表 a non-empty list of text", '例如 ["道德模范", "身边好人"]')
        return ()
    return tuple(v.strip() for v in value)


def load_config(
    site_dir: Path,
    problems: Problems,
    *,
    output_dir: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    future: bool = False,
    jobs: int = 0,
) -> Config:
    """Read site.toml; every mistake becomes a problem and the default is kept."""
    site_dir = site_dir.resolve()
    path = site_dir / "site.toml"
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            problems.error(path, 0, "", "site.toml 不是 UTF-8 编码", "请用记事本“另存为”，编码选 UTF-8")
        except tomllib.TOMLDecodeError as exc:
            line = _toml_error_line(str(exc))
            problems.error(
                path,
                line,
                "",
                f"site.toml 格式错误 invalid TOML: {exc}",
                '文字要加英文双引号，例如 title = "十堰公路文明网"；每项一行',
            )
    top = _check_keys(raw, _TOP_KEYS, "", path, problems)
    kwargs: dict[str, Any] = {}
    for key in ("title", "description", "base_url", "language", "timezone"):
        if key in top:
            kwargs[key] = top[key].strip()
    if base_url is not None:
        kwargs["base_url"] = base_url
    if "base_url" in kwargs:
        kwargs["base_url"] = _normalise_base_url(kwargs["base_url"], path, problems)
    if "timezone" in kwargs:
        try:
            ZoneInfo(kwargs["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.error(path, 0, "timezone", f"未知的时区 unknown time zone “{kwargs['timezone']}”", "中国大陆请用 Asia/Shanghai")
            del kwargs["timezone"]
    if "profiles" in top:
        sect = _check_keys(top["profiles"], _SECTION_KEYS["profiles"], "profiles.", path, problems)
        if "categories" in sect:
            kwargs["categories"] = _str_list(sect["categories"], path, "profiles.categories", problems) or DEFAULT_CATEGORIES
    if "activities" in top:
        sect = _check_keys(top["activities"], _SECTION_KEYS["activities"], "activities.", path, problems)
        if "themes" in sect:
            kwargs["themes"] = _str_list(sect["themes"], path, "activities.themes", problems) or DEFAULT_THEMES
    if "footer" in top:
        sect = _check_keys(top["footer"], _SECTION_KEYS["footer"], "footer.", path, problems)
        kwargs["footer"] = Footer(**{k: v.strip() for k, v in sect.items()})
    if "menu" in top:
        items = []
        for i, entry in enumerate(top["menu"]):
            if not isinstance(entry, dict):
                problems.error(path, 0, f"menu[{i}]", "每个菜单项应是 [[menu]] 表", '[[menu]]\ntitle = "关于我们"\nurl = "about/"')
                continue
            sect = _check_keys(entry, _SECTION_KEYS["menu"], f"menu[{i}].", path, problems)
            if "title" in sect and "url" in sect:
                scheme = urlsplit(sect["url"].strip()).scheme.lower()
                if scheme not in ("", "http", "https", "mailto", "tel"):
                    problems.error(
                        path,
                        0,
                        f"menu[{i}].url",
                        f"菜单网址“{sect['url']}”不安全或无效 (only http, https or site paths)",
                        '例如 url = "https://example.gov.cn/" 或 url = "about/"',
                    )
                    continue
                items.append(MenuItem(sect["title"], sect["url"].lstrip("/")))
            else:
                problems.error(path, 0, f"menu[{i}]", "菜单项需要 title 和 url", '例如 title = "关于我们"，url = "about/"')
        kwargs["menu"] = tuple(items)
    if "kiosk" in top:
        kwargs["kiosks"] = _load_kiosks(
            top["kiosk"],
            path,
            problems,
            categories=kwargs.get("categories", DEFAULT_CATEGORIES),
            themes=kwargs.get("themes", DEFAULT_THEMES),
        )
    if "images" in top:
        sect = _check_keys(top["images"], _SECTION_KEYS["images"], "images.", path, problems)
        widths = sect.get("widths")
        if widths is not None:
            if widths and all(isinstance(w, int) and not isinstance(w, bool) and 64 <= w <= 4096 for w in widths):
                kwargs["image_widths"] = tuple(sorted(set(widths)))
            else:
                problems.error(path, 0, "images.widths", "图片宽度应是 64 到 4096 之间的整数列表", "例如 widths = [480, 960, 1600]")
        if "avif" in sect:
            kwargs["avif"] = sect["avif"]
    out = output_dir if output_dir is not None else site_dir / "output"
    return Config(site_dir=site_dir, output_dir=out.resolve(), drafts=drafts, future=future, jobs=jobs, **kwargs)


def _load_kiosks(
    entries: list[Any],
    path: Path,
    problems: Problems,
    categories: tuple[str, ...] | None = None,
    themes: tuple[str, ...] | None = None,
) -> tuple[KioskScreen, ...]:
    """[[kiosk]] tables → screens. With `categories` / `themes` given, a `show`
    filter naming one that does not exist is reported too."""
    screens: list[KioskScreen] = []
    for i, entry in enumerate(entries):
        where = f"kiosk[{i}]"
        if not isinstance(entry, dict):
            problems.error(path, 0, where, "每块屏幕应是 [[kiosk]] 表", '[[kiosk]]\nname = "lobby"')
            continue
        sect = _check_keys(entry, _SECTION_KEYS["kiosk"], f"{where}.", path, problems)
        name = sect.get("name", "").strip()
        if not name or not name.replace("-", "").isalnum() or not name.isascii() or name != name.lower():
            problems.error(
                path, 0, f"{where}.name", "屏幕名称应为小写英文字母、数字或连字符 (used in the URL /kiosk/<name>/)", '例如 name = "lobby"'
            )
            continue
        if any(s.name == name for s in screens):
            problems.error(path, 0, f"{where}.name", f"屏幕名称 “{name}” 重复 (two screens with one name)", "每块屏幕的 name 要不同")
            continue
        orientation = sect.get("orientation", "landscape").strip()
        if orientation not in ("landscape", "portrait"):
            problems.error(path, 0, f"{where}.orientation", f"不认识的方向 “{orientation}”", "只能是 landscape（横屏）或 portrait（竖屏）")
            orientation = "landscape"
        seconds = sect.get("seconds", 12)
        if not 3 <= seconds <= 600:
            problems.error(
                path, 0, f"{where}.seconds", f"每页停留 {seconds} 秒不合适 (seconds must be 3–600)", "一般 10 到 15 秒，例如 seconds = 12"
            )
            seconds = min(600, max(3, seconds))
        show = _kiosk_show(sect.get("show"), f"{where}.show", path, problems, categories, themes)
        screens.append(
            KioskScreen(
                name=name,
                title=sect.get("title", "").strip() or name,
                orientation=orientation,
                seconds=seconds,
                show=show,
                days=_kiosk_days(sect.get("days"), f"{where}.days", path, problems),
                hours=_kiosk_hours(sect.get("hours"), f"{where}.hours", path, problems),
            )
        )
    return tuple(screens)


def _kiosk_show(
    value: list[Any] | None,
    where: str,
    path: Path,
    problems: Problems,
    categories: tuple[str, ...] | None,
    themes: tuple[str, ...] | None,
) -> tuple[str, ...]:
    if value is None:
        return KioskScreen.show
    examples = "可用：" + "、".join(KioskScreen.SHOW_EXAMPLES)
    if not value:
        problems.error(path, 0, where, "播放内容不能为空 (show is empty)", examples)
        return ()
    show: list[str] = []
    for j, item in enumerate(value):
        if not isinstance(item, str):
            problems.error(path, 0, f"{where}[{j}]", f"播放内容应是文字，实际是 {type(item).__name__}", examples)
            continue
        try:
            kind, key, filter_value = KioskScreen.parse_show(item)
        except ValueError as exc:
            problems.error(path, 0, f"{where}[{j}]", str(exc), examples)
            continue
        known = {("profiles", "category"): categories, ("activities", "theme"): themes}.get((kind, key))
        if known is not None and filter_value not in known:
            what = "类别 category" if key == "category" else "主题 theme"
            problems.error(path, 0, f"{where}[{j}]", f"没有这个{what}：“{filter_value}”", "可用：" + "、".join(known))
            continue
        show.append(f"{kind}:{key}={filter_value}" if filter_value else f"{kind}:{key}" if key else kind)
    return tuple(show)


_CN_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _kiosk_days(value: list[Any] | None, where: str, path: Path, problems: Problems) -> tuple[int, ...]:
    if value is None:
        return ()
    days: set[int] = set()
    for item in value:
        text = str(item).strip().lower()[:3] if isinstance(item, str) else ""
        cn = str(item).strip().replace("星期", "周").replace("天", "日") if isinstance(item, str) else ""
        if text in KioskScreen.WEEKDAYS:
            days.add(KioskScreen.WEEKDAYS.index(text) + 1)
        elif cn in _CN_WEEKDAYS:
            days.add(_CN_WEEKDAYS.index(cn) + 1)
        else:
            problems.error(
                path,
                0,
                where,
                f"不认识的星期 unknown weekday “{item}”",
                '写 mon tue wed thu fri sat sun 或 周一…周日，例如 days = ["mon", "tue", "wed", "thu", "fri"]',
            )
            return ()
    if not days:
        problems.error(path, 0, where, "星期列表不能为空 (days is empty)", "不限星期就删掉 days 这一行")
    return tuple(sorted(days))


def _kiosk_hours(value: str | list[Any] | None, where: str, path: Path, problems: Problems) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    ranges: list[tuple[int, int]] = []
    for item in items:
        span = _minute_range(item) if isinstance(item, str) else None
        if span is None:
            problems.error(
                path,
                0,
                where,
                f"时段写法不对 invalid hours “{item}”",
                '格式为 "开始-结束"，24 小时制，例如 "07:30-19:00"；跨午夜如 "22:00-06:00"',
            )
            return ()
        ranges.append(span)
    if not ranges:
        problems.error(path, 0, where, "时段列表不能为空 (hours is empty)", "全天播放就删掉 hours 这一行")
    return tuple(ranges)


def _minute_range(text: str) -> tuple[int, int] | None:
    """ "07:30-19:00" → (450, 1140); "24:00" is allowed as an end."""
    parts = text.replace("－", "-").replace("—", "-").replace("–", "-").replace("～", "-").replace("~", "-").replace("：", ":").split("-")
    if len(parts) != 2:
        return None
    minutes = []
    for part in parts:
        hh, colon, mm = part.strip().partition(":")
        if not (hh.isdigit() and (not colon or (mm.isdigit() and len(mm) == 2))):
            return None
        value = int(hh) * 60 + (int(mm) if colon else 0)
        if int(mm or 0) > 59 or value > 24 * 60:
            return None
        minutes.append(value)
    start, end = minutes
    if start == end or start == 24 * 60:
        return None
    return start, end


def _normalise_base_url(value: str, path: Path, problems: Problems) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        problems.error(path, 0, "base_url", f"网址不对 invalid base_url “{value}”", "例如 https://example.gov.cn/wenming/ 或 /wenming/")
        return "/"
    if not parts.scheme and not value.startswith("/"):
        value = "/" + value
    return value if value.endswith("/") else value + "/"


def _toml_error_line(message: str) -> int:
    marker = "(at line "
    if marker in message:
        try:
            return int(message.split(marker, 1)[1].split(",", 1)[0])
        except ValueError:
            return 0
    return 0
