"""The Jinja environment of a build, and the helpers templates call.

Input: the site model, the image plan, the theme assets' versions. Output: a
`SiteEnvironment`: the site's own templates/ over the built-in theme, file
by file; `url()` / `abs_url()` / `asset()` for addresses, `picture()` for
responsive images, `qr_svg()` for QR codes (encoded once per URL, `QRCodes`),
the `body` filter that puts published images and document links into a
body, and the date filters (2024年3月5日, time ranges of activities).
render.py and kiosk.py render with it; nothing here writes a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import zxingcpp
from markupsafe import Markup, escape

from .config import Config, MenuItem, builtin_theme_dir
from .images import PublishedImage
from .inputs import Scan, scan_folders
from .models import Activity, ImageRef
from .sanitize import IMAGE_SCHEME, LINK_SCHEME
from .site import SiteModel
from .slugs import slugify

STATUS_NAMES = {"upcoming": "即将开始", "ongoing": "进行中", "ended": "已结束"}
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class PageMeta:
    """What every page's <head> needs."""

    title: str
    path: str  # site-relative URL ("" for home)
    description: str = ""
    section: str = ""  # for the current menu item
    image: PublishedImage | None = None
    og_type: str = "website"


def theme_dirs(site_templates: Path) -> list[Path]:
    return [d for d in (site_templates, builtin_theme_dir()) if d.is_dir()]


class SiteEnvironment(jinja2.Environment):
    """The Jinja environment of one build, with the helpers that Python code
    needs as much as templates do (kiosk slides, QR codes made ahead)."""

    url: Callable[[str], str]  # a site-relative address under base_url's path
    abs_url: Callable[[str], str]  # the same with scheme and host: canonical links, QR codes
    qr_svg: Callable[[str, str], Markup]  # an inline QR code of an address's absolute URL
    base_path: str


def make_environment(
    site: SiteModel, images: dict[Path, PublishedImage], asset_hashes: dict[str, str], qr_codes: QRCodes | None = None
) -> SiteEnvironment:
    config = site.config
    qr_codes = qr_codes if qr_codes is not None else QRCodes()
    env = SiteEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs(config.templates_dir)]),
        bytecode_cache=_CompiledTemplates(config.cache_dir),
        auto_reload=False,  # one environment per build: no need to stat every template on every use
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    base_path = config.base_path
    parts = urlsplit(config.base_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""  # url() already adds the base path

    def url(path: str = "") -> str:
        if "://" in path or path.startswith(("mailto:", "tel:", "#")):
            return path
        return base_path + path.lstrip("/")

    def abs_url(path: str = "") -> str:
        return origin + url(path)

    def asset(name: str) -> str:
        version = asset_hashes.get(name)
        return url(f"assets/{name}") + (f"?v={version}" if version else "")

    def picture(
        ref: ImageRef | PublishedImage | None, sizes: str = "100vw", alt: str | None = None, eager: bool = False, class_: str = ""
    ) -> Markup:
        """<picture> with AVIF/WebP sources and a JPEG/PNG <img> fallback."""
        if ref is None:
            return Markup("")
        image = ref if isinstance(ref, PublishedImage) else images.get(ref.source)
        if image is None:
            return Markup("")
        text = alt if alt is not None else (ref.alt if isinstance(ref, ImageRef) else image.ref.alt)

        def srcset(fmt: str) -> str:
            return ", ".join(f"{url(v.url)} {v.width}w" for v in image.variants if v.format == fmt)

        sources = "".join(
            f'<source type="image/{fmt}" srcset="{escape(srcset(fmt))}" sizes="{escape(sizes)}">'
            for fmt in ("avif", "webp")
            if any(v.format == fmt for v in image.variants)
        )
        fallbacks = image.fallbacks
        # Browsers without srcset get a middle size, not the largest.
        src = next((v for v in reversed(fallbacks) if v.width <= 960), fallbacks[0])
        largest = fallbacks[-1]
        attrs = [
            f'src="{escape(url(src.url))}"',
            f'srcset="{escape(srcset(largest.format))}"',
            f'sizes="{escape(sizes)}"',
            f'alt="{escape(text)}"',
            f'width="{largest.width}"',
            f'height="{largest.height}"',
            'loading="eager" fetchpriority="high"' if eager else 'loading="lazy"',
            'decoding="async"',
        ]
        if class_:
            attrs.append(f'class="{escape(class_)}"')
        return Markup(f"<picture>{sources}<img {' '.join(attrs)}></picture>")

    def qr_svg(path: str, title: str = "") -> Markup:
        """An inline SVG QR code of a page's absolute URL (for phones in front of a screen or poster)."""
        return Markup(qr_codes.get(abs_url(path), title))

    def image_of(ref: ImageRef | None) -> PublishedImage | None:
        return images.get(ref.source) if ref else None

    body_image = re.compile(r'<img\b[^>]*\bsrc="' + re.escape(IMAGE_SCHEME) + r'([^"]+)"[^>]*>')
    alt_attr = re.compile(r'\balt="([^"]*)"')

    def body(html_text: str) -> Markup:
        # The placeholders come from markup.py, once per local image in a body.
        def swap(m: re.Match[str]) -> str:
            image = images.get(Path(m.group(1)))
            alt = alt_attr.search(m.group(0))
            text = Markup(alt.group(1)).unescape() if alt else ""
            return str(picture(image, sizes="(min-width: 760px) 720px, 100vw", alt=text)) if image else ""

        return Markup(doc_link.sub(link, body_image.sub(swap, html_text)))

    doc_link = re.compile(r'href="' + re.escape(LINK_SCHEME) + r'([^"#]+)(#[^"]*)?"')

    def link(m: re.Match[str]) -> str:
        address = site.address_of_file(m.group(1))
        if address is None:  # checked before the gate; cannot happen in a successful build
            return 'href="#"'
        fragment = "" if "#" in address or m.group(1) in site.unlisted else (m.group(2) or "")
        return f'href="{escape(url(address))}{fragment}"'

    env.url, env.abs_url, env.qr_svg, env.base_path = url, abs_url, qr_svg, base_path
    env.globals.update(
        site=site,
        config=config,
        url=url,
        abs_url=abs_url,
        asset=asset,
        picture=picture,
        image_of=image_of,
        qr_svg=qr_svg,
        menu=_menu(site),
        now=site.now,
        status_names=STATUS_NAMES,
    )
    env.filters.update(
        body=body,
        date_cn=date_cn,
        datetime_cn=datetime_cn,
        iso=lambda d: d.isoformat(),
        status=lambda a: a.status(site.now),
        initial=lambda name: (name or "?")[:1],
        time_range=time_range,
        last_day=last_day,
        slugify=slugify,
    )
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in .bangyang-cache/templates (Jinja checks each
    against its template's source); a folder that cannot be written only
    means compiling again."""

    def __init__(self, cache_dir: Path):
        folder = cache_dir / "templates"
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class QRCodes:
    """QR codes as inline SVG, by absolute URL (libzxing: ~0.7 ms each, with the
    standard's choice of mask). A cold build of a big site encodes them on all
    cores first; a rebuild only encodes those of the pages it renders again."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.codes: dict[str, str] = dict(known or {})
        self.asked: set[str] = set()  # the targets asked for (a build cache keeps the kiosk's)

    def get(self, target: str, title: str) -> str:
        self.asked.add(target)
        if target not in self.codes:
            self.codes[target] = encode_qr(target)
        svg = self.codes[target]
        if title:
            svg = svg.replace(">", f"><title>{escape(title)}</title>", 1)
        return svg

    def prefill(self, targets: list[str], jobs: int) -> None:
        missing = sorted(set(targets) - set(self.codes))
        workers = min(jobs or os.cpu_count() or 1, len(missing) // 500 or 1)
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                self.codes.update(zip(missing, pool.map(encode_qr, missing, chunksize=200), strict=True))


QR_SCALE = 4  # px per module at the SVG's natural size (CSS scales it)
QR_BORDER = 2  # modules of quiet zone; the page around the code is white too


def encode_qr(target: str) -> str:
    """An SVG of the QR code (error correction M) of `target`: one horizontal
    line per run of dark modules, so the markup stays small."""
    code = zxingcpp.create_barcode(target, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    cells = bytes(memoryview(image))  # row by row, 0 = dark
    runs = []
    for y in range(size):
        row = cells[y * size : (y + 1) * size]
        runs += [f"M{m.start() + QR_BORDER} {y + QR_BORDER}.5h{m.end() - m.start()}" for m in _DARK_RUN.finditer(row)]
    side = size + 2 * QR_BORDER
    return (
        f'<svg role="img" viewBox="0 0 {side * QR_SCALE} {side * QR_SCALE}" class="qr"><g transform="scale({QR_SCALE})">'
        f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/><path class="qrline" stroke="#000" d="{"".join(runs)}"/></g></svg>'
    )


_DARK_RUN = re.compile(rb"\x00+")


def date_cn(value: datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_cn(value: datetime) -> str:
    return f"{date_cn(value)} {value.hour:02d}:{value.minute:02d}"


def last_day(value: datetime) -> datetime:
    """The last moment inside an exclusive end (an `until` or all-day `end`)."""
    return value - timedelta(seconds=1)


def time_range(activity: Activity) -> str:
    """Human text for an activity's dates, e.g. 2024年3月5日（周二）09:00–11:30."""
    start, end = activity.start, activity.end
    text = f"{date_cn(start)}（周{WEEKDAYS[start.weekday()]}）"
    if not activity.all_day:
        text += f" {start.hour:02d}:{start.minute:02d}"
    default_end = end == start.replace(hour=0, minute=0, second=0) + timedelta(days=1)
    if default_end:
        return text  # no end given: the day of the start
    last = last_day(end) if activity.all_day else end
    if last.date() != start.date():
        text += f" 至 {date_cn(last)}"
        if not activity.all_day:
            text += f" {last.hour:02d}:{last.minute:02d}"
    elif not activity.all_day:
        text += f"–{last.hour:02d}:{last.minute:02d}"
    return text


def _menu(site: SiteModel) -> tuple[MenuItem, ...]:
    items = [
        MenuItem("首页", ""),
        MenuItem("先进典型", "profiles/"),
        MenuItem("荣誉榜", "honors/"),
        MenuItem("主题活动", "activities/"),
        MenuItem("宣传标语", "slogans/"),
    ]
    items += [MenuItem(p.title, p.url) for p in site.pages if p.menu]
    return tuple(items) + site.config.menu


def hash_assets(assets: dict[str, bytes]) -> dict[str, str]:
    """The version each asset's URL carries (?v=…) in every page."""
    return {rel: hashlib.sha256(data).hexdigest()[:10] for rel, data in assets.items()}


def theme_assets(config: Config, scan: Scan | None = None) -> dict[str, bytes]:
    """Theme assets (CSS, JS, icons) for assets/, by path below it; a site's own
    file wins over the built-in one. `scan`: the inputs' walk, else the two
    assets folders are walked now."""
    roots = (config.templates_dir / "assets", builtin_theme_dir() / "assets")
    scan = scan or scan_folders(roots)
    assets: dict[str, bytes] = {}
    for root in roots:
        for rel, path in scan.files_below(root):
            if rel not in assets:
                assets[rel] = path.read_bytes()
    return assets
