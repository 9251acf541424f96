"""Images: plan (before the gate) and publish (after it).

`plan_images` reads only headers: it checks every referenced image (exists,
is an image, not a decompression bomb) and decides its published name, which
carries a hash of the source bytes so browsers may cache it forever.
`publish_images` re-encodes each photo without any metadata (EXIF, GPS, XMP,
comments), the right way up, into the release folder; re-encoded files are
kept in a cache outside output/ so an unchanged photo is never encoded twice.
"""

from __future__ import annotations

import hashlib
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .models import ImageRef
from .problems import Problems
from .slugs import slugify

# Pillow warns above this many pixels; we treat the warning as an error so a
# crafted or absurd file never has its full bitmap allocated.
Image.MAX_IMAGE_PIXELS = 90_000_000
ENCODER_VERSION = "1"  # bump when the encoding below changes, to refresh caches


@dataclass(frozen=True)
class PublishedImage:
    source: Path
    url: str  # site-relative: media/<name>-<hash>.<ext>
    width: int
    height: int
    format: str  # "JPEG" or "PNG"
    digest: str


def plan_images(refs: list[ImageRef], problems: Problems, rel_to: Path) -> dict[Path, PublishedImage]:
    plan: dict[Path, PublishedImage] = {}
    for ref in refs:
        if ref.source in plan:
            continue
        published = _plan_one(ref, problems)
        if published is not None:
            plan[ref.source] = published
    return plan


def _plan_one(ref: ImageRef, problems: Problems) -> PublishedImage | None:
    where = ref.source.name

    def bad(message: str, hint: str) -> None:
        problems.error(ref.source, 0, ref.field, f"图片 {where}：{message}", hint)

    try:
        data = ref.source.read_bytes()
    except OSError as exc:
        bad(f"无法读取 ({exc.strerror})", "检查文件是否存在、是否被占用")
        return None
    if not data:
        bad("是空文件 (zero bytes)", "重新复制这张照片")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(ref.source) as im:
                width, height = im.size
                fmt = im.format or ""
                transposed = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        bad("像素太多，疑似异常文件 (decompression bomb)", "请把照片缩小到 8000×8000 像素以内再使用")
        return None
    except UnidentifiedImageError:
        bad("不是可识别的图片 (not an image)", "请用 JPG 或 PNG 格式；文件可能已损坏或只是改了后缀")
        return None
    except OSError as exc:
        bad(f"图片已损坏 ({exc})", "重新导出或复制这张照片")
        return None
    if transposed:
        width, height = height, width
    out_format = "PNG" if has_alpha or fmt in ("PNG", "GIF") and has_alpha else "JPEG"
    digest = hashlib.sha256(data + ENCODER_VERSION.encode()).hexdigest()[:12]
    stem = slugify(ref.source.stem)[:40] or "image"
    ext = "png" if out_format == "PNG" else "jpg"
    return PublishedImage(ref.source, f"media/{stem}-{digest}.{ext}", width, height, out_format, digest)


def publish_images(plan: dict[Path, PublishedImage], release_dir: Path, cache_dir: Path, problems: Problems) -> tuple[int, int]:
    """Write every planned image; returns (encoded now, taken from the cache)."""
    made = cached = 0
    cache = cache_dir / "images"
    cache.mkdir(parents=True, exist_ok=True)
    for image in sorted(plan.values(), key=lambda i: i.url):
        target = release_dir / image.url
        target.parent.mkdir(parents=True, exist_ok=True)
        stored = cache / Path(image.url).name
        if stored.is_file() and stored.stat().st_size > 0:
            shutil.copyfile(stored, target)
            cached += 1
            continue
        try:
            _encode(image, stored)
        except (OSError, ValueError) as exc:
            problems.error(image.source, 0, "", f"图片 {image.source.name} 无法解码，可能已损坏 ({exc})", "重新导出或复制这张照片")
            continue
        shutil.copyfile(stored, target)
        made += 1
    return made, cached


def _encode(image: PublishedImage, dest: Path) -> None:
    with Image.open(image.source) as im:
        im = ImageOps.exif_transpose(im)  # the right way up, before EXIF is dropped
        if image.format == "PNG":
            im = im.convert("RGBA")
            params: dict = {"optimize": True}
        else:
            if im.mode in ("RGBA", "LA", "P", "PA"):
                im = im.convert("RGBA")
                flat = Image.new("RGB", im.size, "white")
                flat.paste(im, mask=im.getchannel("A"))
                im = flat
            im = im.convert("RGB")
            params = {"quality": 85, "optimize": True, "progressive": True}
        # A fresh image carries no info dict: no EXIF, GPS, XMP, ICC or comments.
        clean = Image.new(im.mode, im.size)
        clean.paste(im)
        tmp = dest.with_suffix(dest.suffix + ".tmp")
        clean.save(tmp, image.format, **params)
        tmp.replace(dest)  # a killed build never leaves a truncated cache entry
