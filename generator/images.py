"""Images: plan (before the gate) and publish (after it).

`plan_images` reads headers only — and for a photo seen before, not even
that (a stamp of size and mtime finds it in the cache index). It checks
every referenced image and decides its variants: widths from site.toml,
never upscaled, WebP plus a JPEG fallback (PNG where transparency matters),
optionally AVIF. Published names carry a hash of the source bytes and of
the operation, so browsers may cache them forever.

`publish_images` encodes what the cache does not hold yet, one source per
task over all cores: decode once at reduced scale (JPEG draft mode), turn
upright, convert to sRGB, then resize largest-first, each width from the
previous one. Nothing of the original's metadata (EXIF, GPS, XMP, ICC,
comments) is carried over, and originals are never copied to output/.
Animated GIFs are published as their first frame.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .models import ImageRef
from .problems import Problems
from .publish import link_or_copy
from .slugs import slugify

try:  # iPhone photos; optional so a missing wheel never breaks a build
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

# The formats a photo may be in. Pillow would otherwise try every format it
# knows, EPS among them (run by Ghostscript where it is installed) and old
# ones (ICO, PCX, TGA …) nobody photographs with: an untrusted file named
# .jpg only ever reaches these decoders. MPO is how Pillow names a camera's
# JPEG with a second, embedded picture.
PHOTO_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF", "AVIF")


@functools.cache
def _photo_formats() -> tuple[str, ...]:
    """PHOTO_FORMATS this Pillow can open (HEIF and AVIF come with plugins)."""
    Image.init()
    return tuple(f for f in PHOTO_FORMATS if f in Image.OPEN)


# Pillow warns above this many pixels; we treat the warning as an error so a
# crafted or absurd file never has its full bitmap allocated.
Image.MAX_IMAGE_PIXELS = 90_000_000
ENCODER_VERSION = "2"  # part of every name: bump when encoding changes
WEBP = {"quality": 80, "method": 4}
JPEG = {"quality": 82, "optimize": True, "progressive": True}
AVIF = {"quality": 60, "speed": 8}
CACHE_KEEP_SECONDS = 30 * 24 * 3600  # cached variants unused this long are removed
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp", "jpeg", "png", "avif"
    url: str  # site-relative: media/<name>-<hash>-<width>.<ext>


@dataclass(frozen=True)
class PublishedImage:
    source: Path
    width: int  # upright size of the source
    height: int
    digest: str
    alpha: bool
    variants: tuple[Variant, ...]
    ref: ImageRef  # the first use, for messages

    @property
    def fallbacks(self) -> tuple[Variant, ...]:
        """The JPEG (or PNG) variants, smallest first: what every browser shows."""
        return tuple(v for v in self.variants if v.format in ("jpeg", "png"))

    @property
    def largest(self) -> Variant:
        return self.fallbacks[-1]

    @property
    def url(self) -> str:
        return self.largest.url


@dataclass(frozen=True)
class _Stamp:
    size: int
    mtime_ns: int
    digest: str
    width: int
    height: int
    alpha: bool


def _widths(source_width: int, configured: tuple[int, ...]) -> list[int]:
    """Configured widths up to the source's own; never upscaled."""
    widths = [w for w in configured if w < source_width]
    if source_width <= max(configured):
        widths.append(source_width)
    elif not widths or widths[-1] != max(configured):
        widths.append(max(configured))
    return widths


class ImageCache:
    """The persistent cache outside output/: encoded files plus a stamp index.

    Safe to delete at any time; a truncated or corrupt index is ignored."""

    def __init__(self, root: Path):
        self.dir = root / "images"
        self.index_path = root / "images.json"
        self.stamps: dict[str, _Stamp] = {}
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
            self.stamps = {k: _Stamp(**v) for k, v in raw.items()}
        except (OSError, ValueError, TypeError):
            self.stamps = {}

    def path(self, variant: Variant) -> Path:
        return self.dir / Path(variant.url).name

    def save_index(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: asdict(v) for k, v in sorted(self.stamps.items())}), encoding="utf-8")
        tmp.replace(self.index_path)

    def prune(self, keep: Iterable[Path]) -> None:
        """Remove cached variants that no build has used for a month."""
        keep_names = {p.name for p in keep}
        cutoff = time.time() - CACHE_KEEP_SECONDS
        for path in self.dir.glob("*") if self.dir.is_dir() else ():
            if path.name not in keep_names and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


def plan_images(
    refs: list[ImageRef], problems: Problems, cache: ImageCache, widths: tuple[int, ...] = (480, 960, 1600), avif: bool = False
) -> dict[Path, PublishedImage]:
    plan: dict[Path, PublishedImage] = {}
    for ref in refs:
        if ref.source in plan:
            continue
        stamp = _stamp(ref, cache, problems)
        if stamp is None:
            continue
        stem = slugify(ref.source.stem)[:40] or "image"
        variants = []
        for width in _widths(stamp.width, widths):
            height = max(1, round(stamp.height * width / stamp.width))
            formats = (["avif"] if avif else []) + ["webp", "png" if stamp.alpha else "jpeg"]
            for fmt in formats:
                ext = "jpg" if fmt == "jpeg" else fmt
                variants.append(Variant(width, height, fmt, f"media/{stem}-{stamp.digest}-{width}.{ext}"))
        plan[ref.source] = PublishedImage(ref.source, stamp.width, stamp.height, stamp.digest, stamp.alpha, tuple(variants), ref)
    return plan


def _stamp(ref: ImageRef, cache: ImageCache, problems: Problems) -> _Stamp | None:
    def bad(message: str, hint: str) -> None:
        problems.error(ref.doc, ref.line, ref.field, f"图片 {ref.source.name}：{message}", hint)

    try:
        stat = ref.source.stat()
    except OSError as exc:
        bad(f"无法读取 ({exc.strerror})", "检查文件是否存在、是否被占用")
        return None
    key = str(ref.source)
    known = cache.stamps.get(key)
    if known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns:
        return known
    if stat.st_size == 0:
        bad("是空文件 (zero bytes)", "重新复制这张照片")
        return None
    try:
        data = ref.source.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_photo_formats()) as im:
                im.verify()  # structure and checksums, without decoding pixels
            with Image.open(io.BytesIO(data), formats=_photo_formats()) as im:
                width, height = im.size
                upright_swapped = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        bad("像素太多，疑似异常文件 (decompression bomb)", "请把照片缩小到 8000×8000 像素以内再使用")
        return None
    except UnidentifiedImageError:
        bad(
            "不是可识别的图片，或格式不受支持 (not an image / unsupported format)",
            "请用 JPG、PNG、WebP、GIF 或 HEIC（BMP、TIFF 等用画图或 WPS 另存为 JPG）；文件也可能已损坏或只是改了后缀",
        )
        return None
    except (OSError, SyntaxError, ValueError) as exc:
        bad(f"图片已损坏 (damaged: {exc})", "重新导出或复制这张照片")
        return None
    if upright_swapped:
        width, height = height, width
    digest = hashlib.sha256(data + ENCODER_VERSION.encode()).hexdigest()[:12]
    stamp = _Stamp(stat.st_size, stat.st_mtime_ns, digest, width, height, alpha)
    cache.stamps[key] = stamp
    return stamp


@dataclass(frozen=True)
class _Job:
    source: str
    targets: tuple[tuple[int, int, str, str], ...]  # (width, height, format, cache path)


def _encode_source(job: _Job) -> str | None:
    """Decode one source once and write the variants it is missing.
    Runs in a worker process; returns an error message or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(job.source, formats=_photo_formats()) as im:
                largest = max(t[0] for t in job.targets)
                if im.format == "JPEG":
                    # Decode at 1/2, 1/4 or 1/8 scale when that still covers the largest width.
                    swapped = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                    want = (largest, 1) if not swapped else (1, largest)
                    im.draft(im.mode, want)
                im.seek(0)  # animated GIF/WebP: the first frame
                im.load()
                im = ImageOps.exif_transpose(im)
                im = _to_srgb(im)
        current = im
        for width, height, fmt, target in sorted(job.targets, key=lambda t: (-t[0], t[2])):
            if current.width != width:
                current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            _save(current, fmt, Path(target))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _to_srgb(im: Image.Image) -> Image.Image:
    """Any mode and colour profile → RGB or RGBA in sRGB."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")  # 16-bit: scale, don't clip
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            im = ImageCms.profileToProfile(im, src, _SRGB, outputMode=out_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to a plain conversion
    return im.convert("RGBA" if has_alpha else "RGB")


def _save(im: Image.Image, fmt: str, target: Path) -> None:
    if fmt == "jpeg" and im.mode == "RGBA":
        flat = Image.new("RGB", im.size, "white")  # transparency flattened on white
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    params = {"webp": WEBP, "jpeg": JPEG, "avif": AVIF, "png": {"optimize": True}}[fmt]
    # A fresh info dict: no EXIF, GPS, XMP, ICC or comments are written.
    im.info = {}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    im.save(tmp, fmt.upper(), **params)
    tmp.replace(target)  # a killed build never leaves a truncated cache entry


def publish_images(
    plan: dict[Path, PublishedImage],
    release_dir: Path,
    cache: ImageCache,
    problems: Problems,
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
    present: Callable[[str, Path], bool] | None = None,
) -> tuple[int, int]:
    """Write every variant into the release; returns (sources encoded, sources from cache).
    `present(rel, stored)`: the release already has that file where it stands
    (laid over output/, which holds it): it is not linked again."""
    todo: list[tuple[PublishedImage, _Job]] = []
    cached = 0
    for image in sorted(plan.values(), key=lambda i: i.url):
        missing = tuple(
            (v.width, v.height, v.format, str(cache.path(v)))
            for v in image.variants
            if not (cache.path(v).is_file() and cache.path(v).stat().st_size > 0)
        )
        if missing:
            todo.append((image, _Job(str(image.source), missing)))
        else:
            cached += 1
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    results: list[str | None]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = []
            for done, result in enumerate(pool.map(_encode_source, [job for _, job in todo]), 1):
                results.append(result)
                if progress:
                    progress(done, len(todo))
    else:
        results = []
        for done, (_, job) in enumerate(todo, 1):
            results.append(_encode_source(job))
            if progress:
                progress(done, len(todo))
    for (image, _), error in zip(todo, results, strict=True):
        if error:
            ref = image.ref
            problems.error(
                ref.doc, ref.line, ref.field, f"图片 {image.source.name} 无法解码，可能已损坏或不完整 ({error})", "重新导出或复制这张照片"
            )
    used = []
    # Two sources with the same bytes and name share their variants: publish each once.
    variants = {v.url: v for image in plan.values() for v in image.variants}
    for rel, variant in sorted(variants.items()):
        stored = cache.path(variant)
        if stored.is_file():
            if present is None or not present(rel, stored):
                target = release_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(stored, target)
            os.utime(stored)  # last used: keeps it from being pruned
            used.append(stored)
    cache.save_index()
    cache.prune(used)
    return len(todo), cached


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal (rich); nothing when output is redirected."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()

    return update
