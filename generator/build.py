"""The pipeline: one function a reader can follow top to bottom.

config → load → site model → image plan → GATE (nothing is written if any
error was found) → page plan → pages → kiosks → images → static → extras →
search → publish (swap or lay over). First every file is read and checked,
then everything is written; the order matters. `build()` lists the stages
by name and times each (`bangyang build --timings` prints the table); what
a stage does is in its own module, and what the stages after the gate share
(the release being written and what went into it) in `_ReleaseWriter`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, quick, urls
from .cache import cache_file, load_cache, save_cache
from .config import Config
from .environment import hash_assets, theme_assets
from .extras import build_extras
from .fingerprint import digest, file_id, stamp
from .images import ImageCache, PublishedImage, plan_images, publish_images, terminal_progress
from .inputs import Scan, scan_inputs
from .kiosk import render_kiosks, slogans_ahead_shown
from .layover import finish_interrupted
from .load import Content, load_content
from .models import ImageRef
from .placeholders import check_settings
from .problems import BuildFailed, Problem, Problems
from .publish import Release, ReleaseRecord, build_id_of, overlay_for
from .quick import build_time
from .render import PageEntry, PagePlan, Theme, plan_pages, render_pages, template_problem, template_stamps
from .search import BUNDLE, RECENT, IndexState, IndexWork, carry_index, index_release, set_aside_index
from .site import SiteModel, build_site_model
from .slugs import WINDOWS_RESERVED
from .state import BuildState
from .workdir import BuildLocked, OutputLock, check_output_location

# Pages carrying this are indexed for search (see search.py).
_MARKER = b"data-pagefind-body"


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs besides the settings. serve: `search=False` carries the
    live search index over (serve refreshes it after the reload), and
    `preview=True` lays every release over the live output."""

    search: bool = True
    preview: bool = False
    on_lock_wait: Callable[[], None] | None = None  # told once when another build holds the output
    scan: Scan | None = None  # the input files as a walk just found them (inputs.py)


class Timings:
    """How long each named stage took, in the order they ran."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))


@dataclass(frozen=True)
class BuildResult:
    pages: int
    images_made: int
    images_cached: int
    files: int
    seconds: float
    build_id: str
    warnings: tuple[Problem, ...]
    docs_parsed: int = 0  # content files read afresh (the others came from the last build's memo)
    pages_rendered: int = 0  # pages rendered afresh (the others were linked unchanged)
    # What the pages were rendered from (serve's express path renders a saved page from it).
    site: SiteModel | None = field(default=None, repr=False, compare=False)
    images: dict | None = field(default=None, repr=False, compare=False)
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds)


def check_site(
    config: Config, problems: Problems, state: BuildState | None = None, scan: Scan | None = None, timed: Timings | None = None
) -> tuple[SiteModel | None, Content | None]:
    """Everything before the gate: read, validate, relate. Writes nothing.
    `scan`: the input files as a walk just found them (inputs.py), else walked
    now; `timed`: where a build keeps the time of each stage."""
    timed = timed or Timings()
    scan = scan or scan_inputs(config)
    with timed("读取 load"):
        now = build_time().astimezone(config.tz)
        content = load_content(config, now, problems, scan, state.load if state is not None else None)
    with timed("关联 site model"):
        site = build_site_model(config, content, now, problems, state.site.slugs if state is not None else None)
        check_the_rest(config, scan, problems)
    return site, content


def check_the_rest(config: Config, scan: Scan, problems: Problems) -> None:
    """What else must be right before anything is written: where the output
    goes, sample settings left in, and static files that cannot be published."""
    check_output_location(config, problems)
    check_settings(config, problems)  # sample values that would go live on every page
    content = config.content_dir.resolve()
    for rel, path in scan.files_below(config.content_dir / "static"):
        if not path.resolve().is_relative_to(content):
            problems.error(path, 0, "", "静态文件是指向 content 之外的链接 (symlink outside content/)", "请复制文件本身")
        elif any(part.split(".", 1)[0].lower() in WINDOWS_RESERVED for part in rel.split("/")):
            problems.error(
                path, 0, "", "文件名是 Windows 保留的设备名，复制不到 Windows 电脑上 (reserved on Windows)", "给这个文件改个名字"
            )
        elif rel.split("/", 1)[0] == BUNDLE:
            problems.error(
                path,
                0,
                "",
                f"输出文件夹 {BUNDLE}/ 已被网站内容占用，搜索索引无法写入 (output folder {BUNDLE}/ is taken)",
                f"把 content/static/{BUNDLE}/ 改名",
            )


def site_images(site: SiteModel) -> list[ImageRef]:
    """Every image any published document uses, and the backgrounds of the
    slogans kiosk screens carry before their day, in a stable order."""
    refs = [ref for doc in (*site.profiles, *site.activities, *site.slogans, *site.pages) for ref in doc.images]
    return refs + [s.background for s in slogans_ahead_shown(site) if s.background is not None]


def build(config: Config, problems: Problems, state: BuildState | None = None, options: BuildOptions | None = None) -> BuildResult:
    """One build. `state` (kept by `serve`) carries parsed documents and rendered
    pages from the previous build; without it, the command line's state is
    read from disk and saved again (an empty one does everything afresh)."""
    options = options or BuildOptions()
    started = time.perf_counter()
    timed = Timings()
    saved_at = None if state is not None else cache_file(config.cache_dir, config.output_dir)
    with timed("输入 inputs"):
        # Stamps before anything is read: an edit made while this build runs is seen next time.
        scan = options.scan or scan_inputs(config)
    with timed("缓存 cache"):
        # The state (millions of objects at 10,000 documents) lives until the build ends:
        # frozen, the cycle collector's full collections do not walk it meanwhile.
        if saved_at is None:
            gc.freeze()
        else:
            state = load_cache(saved_at, freeze=True)
    try:
        state.reset_counts()
        site, _ = check_site(config, problems, state, scan, timed)
        with timed("图片计划 image plan"):
            image_cache = ImageCache(config.cache_dir)
            image_plan = plan_images(site_images(site), problems, image_cache, config.image_widths, config.avif)

        # --- gate: nothing is written while any problem stands -------------------
        if problems:
            raise BuildFailed(problems.errors)

        with _output_locked(config, problems, options.on_lock_wait):
            with timed("页面计划 page plan"):
                writer = _ReleaseWriter(config, site, image_plan, state, problems, replace(options, scan=scan))
            if writer.unchanged():
                outcome = writer.unchanged_outcome()
            else:
                with writer.writing():
                    with timed("主题文件 assets"):
                        writer.write_assets()
                    with timed("页面 pages"):
                        writer.write_pages()
                    writer.start_search()  # laid over: Pagefind indexes the few changed pages meanwhile
                    with timed("电子屏 kiosks"):
                        writer.write_kiosks()
                    with timed("图片 images"):
                        writer.write_images(image_cache)
                    with timed("静态文件 static"):
                        writer.write_static()
                    with timed("附加文件 extras"):
                        writer.write_extras()
                    with timed("搜索 search"):
                        writer.finish_search()
                    with timed("发布 publish"):
                        outcome = writer.commit()
            with timed("保存缓存 save cache"):
                if saved_at is not None and (writer.release is not None or state.load.parsed or state.load.removed):
                    save_cache(state, saved_at)
                if saved_at is not None:
                    made = quick.Made(scan.digest, site.now, outcome.pages, len(image_plan))
                    quick.record(quick.manifest_path(saved_at), config, problems, state, made)
            with timed("清理 clean up"):
                writer.finish()  # the old release is being removed meanwhile; both finish under the lock
    finally:
        gc.unfreeze()
    return BuildResult(
        pages=outcome.pages,
        images_made=outcome.images_made,
        images_cached=outcome.images_cached,
        files=outcome.files,
        seconds=time.perf_counter() - started,
        build_id=outcome.build_id,
        warnings=tuple(problems.warnings),
        docs_parsed=state.load.parsed,
        pages_rendered=state.render.rendered,
        site=site,
        images=image_plan,
        timings=tuple(timed.stages),
    )


@contextlib.contextmanager
def _output_locked(config: Config, problems: Problems, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """One build at a time per output folder; a folder that cannot be written
    is a problem the user can act on, not a traceback."""
    try:
        with OutputLock(config.output_dir, config.cache_dir, on_wait=on_wait):
            # A build killed while laying its release over output/ left a mixed site: finish it first.
            finish_interrupted(config.output_dir, config.cache_dir)
            yield
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


@dataclass(frozen=True)
class _Outcome:
    pages: int  # HTML pages, kiosk screens included
    images_made: int
    images_cached: int
    build_id: str
    files: int


class _ReleaseWriter:
    """The stages after the gate, and what they share: the page plan, the
    release folder being written (publish.py), the pages written to it and
    what the search index and the state will be told. Made under the output
    lock; `writing()` wraps the stages that write, so that a failure in any
    of them discards the release and leaves output/ and the state's record
    of it as they were."""

    def __init__(
        self,
        config: Config,
        site: SiteModel,
        image_plan: dict[Path, PublishedImage],
        state: BuildState,
        problems: Problems,
        options: BuildOptions,
    ):
        """`options.scan`: the inputs' walk this build made."""
        self.config, self.site, self.image_plan, self.state, self.problems = config, site, image_plan, state, problems
        self.search = options.search
        self.preview = options.preview
        scan = options.scan
        assert scan is not None
        self.assets = theme_assets(config, scan)
        live_prefix = str(config.output_dir) + os.sep

        def reusable(rel: str, entry: PageEntry) -> bool:
            return file_id(live_prefix + rel) == entry.file

        templates = template_stamps(config, scan)
        self.plan: PagePlan = plan_pages(site, image_plan, Theme(hash_assets(self.assets), templates), state.render, state.load, reusable)
        self.pages = [job.path for job, _, _ in self.plan.jobs]
        self.variants = sorted({v.url for image in image_plan.values() for v in image.variants})
        self.static = scan.files_below(config.content_dir / "static")
        self.inputs = digest(
            (
                self.plan.common,
                self.plan.everything,
                self.pages,
                self.variants,
                [stamp(path) for _, path in self.static],
                site.now.date(),  # what moves with the clock within a day (feed and sitemap dates, build times) waits for a change
                self.search,
            )
        )
        self.release: Release | None = None
        self.fresh: dict[str, PageEntry] = {}  # the pages of this release, as the state will know them
        self.searchable: list[tuple[str, str]] = []  # (page, hash of its bytes) for the search index
        self.previous_index: Path | None = None
        self.background = ThreadPoolExecutor(max_workers=1)
        self.indexing: Future[IndexState] | None = None
        self.shards: IndexState = state.search
        self.kiosk_codes: dict[str, str] = {}
        self.images_made = self.images_cached = 0

    def unchanged(self) -> bool:
        """Every page as the live output holds it, which is the very release the
        last build made from these inputs: a build would only repeat it."""
        return self.plan.all_reused and _live_release_intact(self.config, self.state, self.inputs, self.search)

    def unchanged_outcome(self) -> _Outcome:
        record = self.state.release
        assert record is not None
        self.state.render.reused = len(self.plan.jobs)
        return _Outcome(len(record.pages), 0, len(self.image_plan), record.build_id, len(record.files) + len(self.state.render.pages))

    @contextlib.contextmanager
    def writing(self) -> Iterator[Release]:
        """A release folder for the stages to write into (laid over the live
        output when few pages changed, publish.overlay_for); on any failure it
        is discarded, and the state forgets what was rendered for it."""
        state, record = self.state, self.state.release
        changed = sum(1 for _, _, reuse in self.plan.jobs if not reuse)
        over = overlay_for(self.config.output_dir, record, changed, len(self.plan.jobs), self.preview, state.render.pages)
        self.spare = record.spare if record is not None else ""
        self.release = Release(
            self.config.output_dir, self.config.cache_dir, self.problems, over, record.files if record else None, self.spare
        )
        try:
            self.previous_index = set_aside_index(self.release.dir) if self.release.reused else None
            yield self.release
        except BaseException:
            self.background.shutdown(cancel_futures=True)  # waits for Pagefind: nothing may write into the folder discarded next
            self.release.discard()
            state.render.pages.clear()  # rendered but never published: not what the live output holds
            state.release = None
            raise
        self.background.shutdown()
        state.render.pages = self.fresh
        state.search = self.shards
        state.render.qr_codes = self.kiosk_codes

    def write_assets(self) -> None:
        for rel, data in self.assets.items():
            self.release.write(f"assets/{rel}", data, f"templates/assets/{rel}")

    def write_pages(self) -> None:
        """Render what changed; link what did not from the live output."""
        release, state, fresh = self.release, self.state, self.fresh
        for page in render_pages(self.plan, self.site, self.problems, state.render):
            if page.unchanged:
                entry = state.render.pages[page.path]
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
                self.searchable.append((page.path, fresh[page.path].digest))

    def _index(self) -> IndexState:
        # Reads the written HTML; shards whose pages are unchanged are linked from the live index.
        release, config = self.release, self.config
        work = IndexWork(
            pages=self.searchable,
            live=config.output_dir,
            known=self.state.search,
            previous=self.previous_index,
            where=release.final_path,
            in_place=release.over is not None,
        )
        state = index_release(release.dir, config, self.problems, work)
        return state or {}

    def start_search(self) -> None:
        """Laid over, the search index only takes the few changed pages:
        Pagefind (its own process) runs while kiosks and extras are made here.
        A whole release indexes after them, not beside the image workers."""
        if self.search and self.release.over is not None:
            self.indexing = self.background.submit(self._index)

    def write_kiosks(self) -> None:
        self.plan.qr_codes.asked.clear()
        try:
            screens = render_kiosks(self.site, self.image_plan, self.plan.env)
        except Exception as exc:
            found = template_problem(exc, self.plan.env, "kiosk/screen.html")
            if found is None:
                raise
            name, line, message = found
            self.problems.error(
                f"templates/{name}",
                line,
                "",
                f"模板错误 template error: {message}（生成电子屏页面时 while rendering the kiosk screens）",
                "检查自定义模板 templates/ 中的这个文件",
            )
            return
        for kiosk in screens:
            self.pages.append(kiosk.path)
            self.release.write(kiosk.path, kiosk.data, "templates")
        self.kiosk_codes = {target: self.plan.qr_codes.codes[target] for target in self.plan.qr_codes.asked}

    def write_images(self, image_cache: ImageCache) -> None:
        release = self.release
        for rel in self.variants:
            release.claim(rel, "images", digest=rel)  # the name carries the content hash
        self.images_made, self.images_cached = publish_images(
            self.image_plan,
            release.dir,
            image_cache,
            self.problems,
            jobs=self.config.jobs,
            progress=terminal_progress("图片 images"),
            present=release.keep_live,  # laid over: a photo's variants already in output/ stay where they are
        )

    def write_static(self) -> None:
        for rel, path in self.static:  # checked before the gate (check_the_rest)
            self.release.copy(rel, path, f"content/static/{rel}")

    def write_extras(self) -> None:
        for extra in build_extras(self.site, self.image_plan, self.pages, self.state.exports):
            self.release.write(extra.path, extra.data, "extras")

    def finish_search(self) -> None:
        if self.indexing is not None:
            self.shards = self.indexing.result()
        elif self.search:
            self.shards = self._index()
        elif self.release.over is None:
            # serve's first build: keep the live index, serve refreshes it afterwards.
            carry_index(self.config.output_dir, self.release.dir)

    def commit(self) -> _Outcome:
        """build.json last, then the release goes live (swapped in whole or laid over)."""
        if self.problems:
            raise BuildFailed(self.problems.errors)
        release, site, live = self.release, self.site, self.config.output_dir
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
                "html": len(self.pages),
                "images": len(self.image_plan),
            },
        }
        # build.json last: a kiosk that sees a new id knows the release is whole.
        release.write(urls.BUILD_INFO, json.dumps(info, ensure_ascii=False, indent=2).encode() + b"\n", "build")
        others = {rel: (digest, file_id(release.final_path(rel))) for rel, digest in release.digests.items() if rel not in self.fresh}
        release.prune(keep=lambda rel: rel.startswith(f"{BUNDLE}/"))
        # The release swapped out becomes the spare; laid over, the spare stays.
        replaced = build_id_of(live) if release.over is None else self.spare
        # Laid over the live output, the search index is replaced as one folder
        # (its files belong together), or only its recent/ when that is all it holds.
        whole = (BUNDLE,) if (release.dir / BUNDLE / "pagefind-entry.json").is_file() else (f"{BUNDLE}/{RECENT}",)
        release.commit(whole=whole)
        self.state.release = ReleaseRecord(self.inputs, build_id, others, tuple(self.pages), replaced or "")
        return _Outcome(len(self.pages), self.images_made, self.images_cached, build_id, len(release.owners))

    def finish(self) -> None:
        if self.release is not None:
            self.release.finish()


def _live_release_intact(config: Config, state: BuildState, inputs: str, search: bool) -> bool:
    """The live output is the release the last build made from these very
    inputs, every file of it still the one written (pages were checked by
    the plan): then a build would only repeat it."""
    record = state.release
    if record is None or record.inputs != inputs:
        return False
    live = config.output_dir
    if build_id_of(live) != record.build_id or (search and not (live / BUNDLE / "pagefind.js").is_file()):
        return False
    prefix = str(live) + os.sep
    return all(file_id(prefix + rel) == fid for rel, (_, fid) in record.files.items())
