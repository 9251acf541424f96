"""The pipeline: one function a reader can follow top to bottom.

config → load → site model → image plan → GATE (nothing is written if any
error was found) → render → assets → extras → publish (swap). First every
file is read and checked, then everything is written; the order matters.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, quick
from .cache import BuildCache, PageEntry, ReleaseRecord, cache_file, digest, file_id, load_cache, save_cache, stamp
from .config import Config, builtin_theme_dir
from .extras import build_extras
from .images import ImageCache, plan_images, publish_images, terminal_progress
from .kiosk import render_kiosks, slogans_ahead_shown
from .load import Content, is_ignored, load_content
from .models import ImageRef
from .placeholders import check_settings
from .problems import BuildFailed, Problem, Problems
from .publish import BuildLocked, OutputLock, Release, build_id_of, link_or_copy
from .quick import build_time
from .render import plan_pages, render_pages
from .search import BUNDLE, RECENT, SHARDS_FILE, IndexState, index_release
from .site import SiteModel, build_site_model

# Pages carrying this are indexed for search (see search.py).
_MARKER = b"data-pagefind-body"
# When at most this share of the pages changed, a release is laid over the
# live output (each file replaced whole, build.json last) rather than swapped
# in whole: a whole release costs a walk of every file and folder of the site.
OVERLAY_SHARE = 0.1


@dataclass(frozen=True)
class BuildResult:
    pages: int
    images_made: int
    images_cached: int
    files: int
    seconds: float
    build_id: str
    warnings: tuple[Problem, ...]
    docs_parsed: int = 0  # content files read afresh (the others came from the cache)
    pages_rendered: int = 0  # pages rendered afresh (the others were linked unchanged)
    # What the pages were rendered from (serve's express path renders a saved page from it).
    site: SiteModel | None = field(default=None, repr=False, compare=False)
    images: dict | None = field(default=None, repr=False, compare=False)


def check_site(
    config: Config, problems: Problems, cache: BuildCache | None = None, scan: quick.Scan | None = None
) -> tuple[SiteModel | None, Content | None]:
    """Everything before the gate: read, validate, relate. Writes nothing.
    `scan`: the input files as a walk just found them (quick.py)."""
    now = build_time().astimezone(config.tz)
    content = load_content(config, now, problems, cache, scan)
    site = build_site_model(config, content, now, problems, cache.slugs if cache is not None else None)
    _check_output_location(config, problems)
    check_settings(config, problems)  # sample values that would go live on every page
    return site, content


def site_images(site: SiteModel) -> list[ImageRef]:
    """Every image any published document uses, and the backgrounds of the
    slogans kiosk screens carry before their day, in a stable order."""
    refs = [ref for doc in (*site.profiles, *site.activities, *site.slogans, *site.pages) for ref in doc.images]
    return refs + [s.background for s in slogans_ahead_shown(site) if s.background is not None]


def build(
    config: Config,
    problems: Problems,
    cache: BuildCache | None = None,
    on_lock_wait: Callable[[], None] | None = None,
    search: bool = True,
    preview: bool = False,
    scan: quick.Scan | None = None,
) -> BuildResult:
    """One build. `cache` (kept by `serve`) carries parsed documents and rendered
    pages from the previous build; without it everything is done afresh.
    `search=False` (serve) carries the live search index over instead of
    rebuilding it, so a reload is not kept waiting; serve refreshes it after.
    `preview=True` (serve) writes only what changed over the live output.
    `scan`: the input files and their stamps, when the caller just took them (quick.py)."""
    started = time.perf_counter()
    if cache is not None:
        # serve's cache (millions of objects) lives on between builds: frozen, the
        # cycle collector's full collections during a build do not walk it
        # (a second or more of a rebuild at 10,000 documents).
        gc.freeze()
        try:
            return _build(config, problems, cache, None, None, on_lock_wait, search, preview, started)
        finally:
            gc.unfreeze()
    # A command-line build keeps its cache on disk; serve keeps its own in memory.
    saved_at = cache_file(config.cache_dir, config.output_dir)
    # Stamps before anything is read: an edit made while this build runs is seen next time.
    scan = scan or quick.scan_inputs(config)
    # What it holds lives until the build ends: the cycle collector need not
    # walk it at every collection meanwhile, so it is loaded frozen.
    cache = load_cache(saved_at, freeze=True)
    try:
        return _build(config, problems, cache, saved_at, scan, on_lock_wait, search, preview, started)
    finally:
        gc.unfreeze()


def _build(
    config: Config,
    problems: Problems,
    cache: BuildCache,
    saved_at: Path | None,
    scan: quick.Scan | None,
    on_lock_wait: Callable[[], None] | None,
    search: bool,
    preview: bool,
    started: float,
) -> BuildResult:
    cache.reset_counters()
    site, _ = check_site(config, problems, cache, scan)
    assert site is not None
    image_cache = ImageCache(config.cache_dir)
    image_plan = plan_images(site_images(site), problems, image_cache, config.image_widths, config.avif)

    # --- gate: nothing is written while any problem stands -------------------
    if problems:
        raise BuildFailed(problems.errors)

    try:
        with OutputLock(config.output_dir, config.cache_dir, on_wait=on_lock_wait):
            pages, images_made, images_cached, build_id, files, release = _write_release(
                config, site, image_plan, image_cache, cache, problems, search, preview
            )
            # The old release is being removed meanwhile; both finish under the lock.
            if saved_at is not None and (release is not None or cache.docs_parsed or cache.docs_removed):
                save_cache(cache, saved_at)
            if saved_at is not None and scan is not None:
                _save_manifest(config, site, cache, problems, scan.digest, quick.manifest_path(saved_at), len(pages), len(image_plan))
            if release is not None:
                release.finish()
    except BuildLocked:
        problems.error(
            "output",
            0,
            "",
            "另一个生成一直在写这个输出文件夹，本次没有生成 (another build holds the output folder)",
            "等另一个 bangyang build / serve 结束后再试",
        )
        raise BuildFailed(problems.errors) from None
    except OSError as exc:
        problems.error(
            str(config.output_dir),
            0,
            "",
            f"无法写入输出文件夹：{exc.strerror or exc} (cannot write the output)",
            "检查磁盘空间和文件夹权限；上一次生成的网站没有改动",
        )
        raise BuildFailed(problems.errors) from None
    return BuildResult(
        pages=len(pages),
        images_made=images_made,
        images_cached=images_cached,
        files=files,
        seconds=time.perf_counter() - started,
        build_id=build_id,
        warnings=tuple(problems.warnings),
        docs_parsed=cache.docs_parsed,
        pages_rendered=cache.pages_rendered,
        site=site,
        images=image_plan,
    )


def _write_release(
    config: Config,
    site: SiteModel,
    image_plan: dict,
    image_cache: ImageCache,
    cache: BuildCache,
    problems: Problems,
    search: bool,
    preview: bool = False,
) -> tuple[list, int, int, str, int, Release | None]:
    """Everything after the gate, into a fresh folder swapped in at the end;
    nothing at all when no input changed and the live output is intact."""
    live = config.output_dir
    assets = theme_assets(config)
    asset_hashes = hash_assets(assets)

    live_prefix = str(live) + os.sep

    def reusable(rel: str, entry: PageEntry) -> bool:
        return file_id(live_prefix + rel) == entry.file

    plan = plan_pages(site, image_plan, asset_hashes, cache, reusable)
    pages = [job.path for job, _, _ in plan.jobs]
    variants = sorted({v.url for image in image_plan.values() for v in image.variants})
    static = _static_files(config)
    inputs = digest(
        (
            plan.common,
            plan.everything,
            pages,
            variants,
            [stamp(path) for _, path in static],
            site.now.date(),  # what moves with the clock within a day (feed and sitemap dates, build times) waits for a change
            search,
        )
    )
    if plan.all_reused and _live_release_intact(config, cache, inputs, search):
        cache.pages_reused = len(plan.jobs)
        return list(cache.release.pages), 0, len(image_plan), cache.release.build_id, len(cache.release.files) + len(cache.pages), None

    # Few pages changed (or serve): only what changed is written over the live
    # output, which must be the release the cache knows, and moved in file by
    # file, build.json last. That costs what the edit changed, not what the site holds.
    over = None
    record = cache.release
    changed = sum(1 for _, _, reuse in plan.jobs if not reuse)
    few = changed <= OVERLAY_SHARE * len(plan.jobs)
    if (preview or few) and record is not None and build_id_of(live) == record.build_id:
        over = set(cache.pages) | set(record.files)
    # The spare (the release before the live one) becomes a whole release's
    # folder. Even when the last build wrote most files afresh, so that the
    # two share few, replacing its files costs less than deleting it and
    # making all its folders again.
    spare = record.spare if record is not None else ""
    release = Release(config.output_dir, config.cache_dir, problems, over, record.files if record else None, spare)
    background = ThreadPoolExecutor(max_workers=1)
    indexing: Future[IndexState] | None = None
    try:
        previous = _set_aside_index(release)
        for rel, data in assets.items():
            release.write(f"assets/{rel}", data, f"templates/assets/{rel}")
        fresh: dict[str, PageEntry] = {}
        searchable: list[tuple[str, str]] = []
        for page in render_pages(plan, site, problems, cache):
            if page.unchanged:
                entry = cache.pages[page.path]
                written = release.link_from_live(page.path, entry.digest, "templates", entry.file)
                if written is None:
                    continue
                # Laid over, it stays in place: the very file the plan found there.
                now_file = entry.file if release.over is not None else file_id(written)  # a copy where links are not possible
                fresh[page.path] = entry if now_file == entry.file else replace(entry, file=now_file)
            else:
                written = release.write(page.path, page.data, "templates")
                if written is None:
                    continue
                fresh[page.path] = PageEntry(page.key, release.digests[page.path], file_id(written), _MARKER in page.data)
            if fresh[page.path].searchable:
                searchable.append((page.path, fresh[page.path].digest))

        def index() -> IndexState:
            # Reads the written HTML; shards whose pages are unchanged are linked from the live index.
            state = index_release(
                release.dir,
                config,
                problems,
                searchable,
                config.output_dir,
                cache.search,
                previous,
                where=release.final_path,
                in_place=release.over is not None,
            )
            return state or {}

        # Laid over, the search index only takes the few changed pages: Pagefind
        # (its own process) runs while kiosks and extras are made here. A whole
        # release indexes after them, not beside the image workers.
        if search and release.over is not None:
            indexing = background.submit(index)
        plan.qr_codes.asked.clear()
        for kiosk in render_kiosks(site, image_plan, plan.env):
            pages.append(kiosk.path)
            release.write(kiosk.path, kiosk.data, "templates")
        kiosk_codes = {target: plan.qr_codes.codes[target] for target in plan.qr_codes.asked}
        for rel in variants:
            release.claim(rel, "images", digest=rel)  # the name carries the content hash
        images_made, images_cached = publish_images(
            image_plan,
            release.dir,
            image_cache,
            problems,
            jobs=config.jobs,
            progress=terminal_progress("图片 images"),
            present=release.keep_live,  # laid over: a photo's variants already in output/ stay where they are
        )
        for rel, path in static:
            if not path.resolve().is_relative_to(config.content_dir.resolve()):
                problems.error(path, 0, "", "静态文件是指向 content 之外的链接 (symlink outside content/)", "请复制文件本身")
                continue
            release.copy(rel, path, f"content/static/{rel}")
        for extra in build_extras(site, image_plan, pages, cache.exports):
            release.write(extra.path, extra.data, "extras")
        shards = cache.search
        if indexing is not None:
            shards = indexing.result()
        elif search:
            shards = index()
        elif release.over is None:
            # serve's first build: keep the live index, serve refreshes it afterwards.
            _carry_search_index(config.output_dir, release.dir)
        if problems:
            raise BuildFailed(problems.errors)
        build_id = release.content_id()
        info = {
            "build_id": build_id,
            "time": site.now.isoformat(),
            "generator": f"bangyang {__version__}",
            "counts": {
                "profiles": len(site.profiles),
                "activities": len(site.activities),
                "slogans": len(site.slogans),
                "pages": len(site.pages),
                "html": len(pages),
                "images": len(image_plan),
            },
        }
        # build.json last: a kiosk that sees a new id knows the release is whole.
        release.write("build.json", json.dumps(info, ensure_ascii=False, indent=2).encode() + b"\n", "build")
        others = {rel: (digest, file_id(release.final_path(rel))) for rel, digest in release.digests.items() if rel not in fresh}
        release.prune(keep=lambda rel: rel.startswith(f"{BUNDLE}/"))
        # The release swapped out becomes the spare; laid over, the spare stays.
        replaced = build_id_of(live) if release.over is None else spare
        # Laid over the live output, the search index is replaced as one folder
        # (its files belong together), or only its recent/ when that is all it holds.
        whole = (BUNDLE,) if (release.dir / BUNDLE / "pagefind-entry.json").is_file() else (f"{BUNDLE}/{RECENT}",)
        release.commit(whole=whole)
    except BaseException:
        background.shutdown(cancel_futures=True)  # waits for Pagefind: nothing may write into the folder discarded next
        release.discard()
        cache.pages.clear()  # rendered but never published: not what the live output holds
        cache.release = None
        raise
    background.shutdown()
    cache.pages = fresh
    cache.search = shards
    cache.qr_codes = kiosk_codes
    cache.release = ReleaseRecord(inputs, build_id, others, tuple(pages), replaced or "")
    return pages, images_made, images_cached, build_id, len(release.owners), release


def _save_manifest(
    config: Config, site: SiteModel, cache: BuildCache, problems: Problems, inputs: str, path: Path, pages: int, images: int
) -> None:
    """What lets the next command-line build see at a glance that nothing changed (quick.py)."""
    files = [(rel, entry.file) for rel, entry in cache.pages.items()]
    if cache.release is not None:
        files += [(rel, fid) for rel, (_, fid) in cache.release.files.items()]
    for rel in (f"{BUNDLE}/pagefind.js", f"{BUNDLE}/{SHARDS_FILE}"):
        fid = file_id(config.output_dir / rel)
        if fid is not None:
            files.append((rel, fid))
    if cache.release is None or any(fid is None for _, fid in files):
        quick.forget(path)  # a file it could not name: no shortcut next time
        return
    moments = quick.moments_of(entry.doc for entry in cache.docs.values())
    manifest = quick.Manifest(
        key=quick.settings_key(config, problems.rel_to),
        inputs=inputs,
        window=quick.time_window(moments, site.now),
        files=[(rel, *fid) for rel, fid in files if fid is not None],
        pages=pages,
        images=images,
        warnings=[problem.format() for problem in problems.warnings],
    )
    quick.save(path, manifest)


def _live_release_intact(config: Config, cache: BuildCache, inputs: str, search: bool) -> bool:
    """The live output is the release the last build made from these very
    inputs, every file of it still the one written (pages were checked by
    the plan): then a build would only repeat it."""
    record = cache.release
    if record is None or record.inputs != inputs:
        return False
    live = config.output_dir
    if build_id_of(live) != record.build_id or (search and not (live / BUNDLE / "pagefind.js").is_file()):
        return False
    prefix = str(live) + os.sep
    return all(file_id(prefix + rel) == fid for rel, (_, fid) in record.files.items())


def _set_aside_index(release: Release) -> Path | None:
    """A reused release folder still holds the index it was published with:
    set aside, so index_release starts from an empty pagefind/ (and finds
    site content there as a collision) and can move back unchanged shards.
    What stays there is pruned with the other files of the old release."""
    index = release.dir / BUNDLE
    if not release.reused or not index.is_dir() or index.is_symlink():
        return None
    aside = release.dir / f".{BUNDLE}-old"
    if aside.exists():
        shutil.rmtree(aside)
    index.rename(aside)
    return aside


def _carry_search_index(live: Path, release_dir: Path) -> None:
    index = live / BUNDLE
    if index.is_dir() and not (release_dir / BUNDLE).exists():
        shutil.copytree(index, release_dir / BUNDLE, copy_function=link_or_copy)


def hash_assets(assets: dict[str, bytes]) -> dict[str, str]:
    """The version each asset's URL carries (?v=…) in every page."""
    return {rel: hashlib.sha256(data).hexdigest()[:10] for rel, data in assets.items()}


def theme_assets(config: Config) -> dict[str, bytes]:
    """Theme assets (CSS, JS, icons) for assets/, by path below it; a site's own
    file wins over the built-in one."""
    assets: dict[str, bytes] = {}
    for root in (config.templates_dir / "assets", builtin_theme_dir() / "assets"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in assets and not is_ignored(path.name):
                assets[rel] = path.read_bytes()
    return assets


def _static_files(config: Config) -> list[tuple[str, Path]]:
    """content/static/ → the site root, as (path in the site, file)."""
    static = config.content_dir / "static"
    if not static.is_dir():
        return []
    found = []
    for path in sorted(static.rglob("*")):
        rel = path.relative_to(static).as_posix()
        if path.is_file() and not any(is_ignored(p) for p in Path(rel).parts):
            found.append((rel, path))
    return found


def _check_output_location(config: Config, problems: Problems) -> None:
    out, site, content = config.output_dir, config.site_dir, config.content_dir
    if out == site or out in site.parents or out.is_relative_to(content):
        problems.error(
            "site.toml",
            0,
            "--out",
            f"输出文件夹 {out} 不能是网站文件夹、content 或它们的上级 (unsafe output folder)",
            "用默认的 output/，或另选一个空文件夹",
        )
    elif out.exists() and (out.is_symlink() or not out.is_dir()):
        problems.error("site.toml", 0, "--out", f"输出位置 {out} 不是文件夹", "删除或改名这个文件，或另选输出文件夹")
