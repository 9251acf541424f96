"""Image benchmark: milliseconds per 12-MP phone photo for the whole set of
variants (3 widths × WebP + JPEG), on one process and on all cores, and a
cached rebuild (no decode, no encode).

    python -m benchmarks.images [--photos 8] [--json results.json]

Figures are medians of alternating runs measured in one session; compare
them as ratios, never against numbers from another day or machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

from generator.build import build
from generator.config import load_config
from generator.problems import Problems


def make_photo(path: Path, seed: int, size: tuple[int, int] = (4000, 3000)) -> None:
    """A photo-like 12-MP JPEG: smooth shapes plus sensor noise (compresses like a real one)."""
    w, h = size
    base = Image.linear_gradient("L").resize((w, h)).rotate(seed * 37 % 360, expand=False)
    noise = Image.effect_noise((w // 4, h // 4), 40 + seed).resize((w, h), Image.Resampling.BICUBIC)
    r = Image.blend(base, noise, 0.35)
    g = Image.radial_gradient("L").resize((w, h)).filter(ImageFilter.GaussianBlur(3))
    b = Image.effect_noise((w, h), 12)
    Image.merge("RGB", (r, g, b)).save(path, "JPEG", quality=92)


def make_site(root: Path, photos: int) -> None:
    for i in range(photos):
        folder = root / "content/activities" / f"a{i:03d}"
        folder.mkdir(parents=True)
        make_photo(folder / "cover.jpg", i)
        (folder / "index.md").write_text(
            f"---\ntitle: 活动{i}\ntheme: 志愿服务\nstart: 2024-03-05\ncover: cover.jpg\ngallery: []\n---\n正文。\n", encoding="utf-8"
        )


def make_cached_site(root: Path, photos: int) -> None:
    """`photos` activities with a 1200×900 cover each (size does not matter for
    a cached rebuild: nothing is decoded)."""
    for i in range(photos):
        folder = root / "content/activities" / f"a{i:03d}"
        folder.mkdir(parents=True)
        Image.new("RGB", (1200, 900), (i % 256, (i * 7) % 256, 90)).save(folder / "cover.jpg", "JPEG", quality=85)
        (folder / "index.md").write_text(
            f"---\ntitle: 活动{i}\ntheme: 志愿服务\nstart: 2024-03-05\ncover: cover.jpg\ngallery: []\n---\n正文。\n", encoding="utf-8"
        )


def timed_build(site: Path, jobs: int, fresh_cache: bool) -> float:
    if fresh_cache:
        shutil.rmtree(site / ".bangyang-cache", ignore_errors=True)
    problems = Problems(rel_to=site)
    config = load_config(site, problems, jobs=jobs)
    start = time.perf_counter()
    build(config, problems)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cached-photos", type=int, default=500, help="photos for the cached-rebuild measure (0: skip)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        print(f"generating {args.photos} 12-MP photos …", file=sys.stderr)
        make_site(site, args.photos)
        timings: dict[str, list[float]] = {"one process": [], f"all cores ({cores})": [], "cached rebuild": []}
        for _ in range(args.rounds):  # alternate the modes so machine noise hits them alike
            timings["one process"].append(timed_build(site, 1, fresh_cache=True))
            timings[f"all cores ({cores})"].append(timed_build(site, cores, fresh_cache=True))
            timings["cached rebuild"].append(timed_build(site, cores, fresh_cache=False))
    cached_rows = {}
    if args.cached_photos:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp)
            print(f"generating {args.cached_photos} photos for the cached rebuild …", file=sys.stderr)
            make_cached_site(site, args.cached_photos)
            timed_build(site, cores, fresh_cache=True)
            noop, edit = [], []
            page = site / "content/activities/a000/index.md"
            for i in range(args.rounds):
                noop.append(timed_build(site, cores, fresh_cache=False))
                page.write_text(page.read_text(encoding="utf-8") + f"\n修改{i}。\n", encoding="utf-8")
                edit.append(timed_build(site, cores, fresh_cache=False))  # a new release: every variant linked again
            cached_rows = {
                f"{args.cached_photos} photos, nothing changed": statistics.median(noop),
                f"{args.cached_photos} photos, one text edited": statistics.median(edit),
            }
    rows = {}
    for name, values in timings.items():
        per_photo = [v * 1000 / args.photos for v in values]
        rows[name] = {"median_ms": statistics.median(per_photo), "min_ms": min(per_photo), "max_ms": max(per_photo)}
    single = rows["one process"]["median_ms"]
    print(f"{'images':<22}{'ms per photo':>14}{'min–max':>18}{'ratio to one process':>24}")
    for name, row in rows.items():
        spread = f"{row['min_ms']:.0f}–{row['max_ms']:.0f}"
        print(f"{name:<22}{row['median_ms']:>14.1f}{spread:>18}{row['median_ms'] / single:>24.2f}")
    for name, seconds in cached_rows.items():
        print(f"cached rebuild, {name}: {seconds:.2f} s (no decode, no encode)")
    if args.json:
        args.json.write_text(json.dumps({"photos": args.photos, "rows": rows, "cached": cached_rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
