"""serve's watch-and-rebuild half: file events → settled changes → build().

- `_Events`: watchdog events → the paths that changed (temporary files ignored);
- `Rebuilder`: a loop that waits for changes, lets a burst of saves settle,
  runs the same `build()` as the command line and publishes an epoch to the
  `ReloadState` the HTTP half (serve.py) answers from; a change during a
  build is kept, so exactly one follow-up build runs. When every change is
  an edit of a document the last build knew, the document's own pages are
  published first (express.py); the full build that follows makes the rest.
  `wait_idle()` tells tests and tools when nothing is pending or running.
- the search index of the preview is refreshed after a build, in the background.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)

from . import urls
from .build import BuildOptions, build
from .cache import cache_file, load_cache, save_cache
from .config import Config, load_config
from .express import render_saved
from .inputs import is_ignored
from .problems import BuildFailed, Problems
from .publish import Release, content_hash, link_or_copy
from .search import IndexWork, index_release
from .site import SiteModel
from .state import BuildState
from .workdir import BuildLocked, OutputLock, leftovers

if TYPE_CHECKING:  # serve.py makes it and imports this module
    from .serve import ReloadState

# A save of many files arrives as a burst: wait for this much quiet. An
# editor's atomic save (temporary file, then rename) takes a millisecond or two.
SETTLE_SECONDS = 0.04
MAX_SETTLE_SECONDS = 1.5
# After an express publish the full build waits until the reloaded page is
# running (its reload script polls again), at most this long: the two would
# share the cores (and this process's interpreter) otherwise.
RELOAD_GRACE_SECONDS = 1.0
PAINT_SECONDS = 0.03  # then a moment for the browser to paint it
MAX_CHANGED_URLS = 2000  # more than this: every open page simply reloads
SEARCH_NICENESS = 10  # Pagefind in serve yields the cores to the browser and the next build
# The search index is refreshed once saves pause this long: a save meanwhile
# skips it (the next build's refresh covers both), so saves in a row are not
# kept waiting for Pagefind.
SEARCH_DELAY_SECONDS = 1.0


def page_url(base: str, rel: str) -> str:
    """The URL path (not percent-encoded) a browser shows for an output file."""
    return base + urls.address_of(rel)


# Files whose change no open page shows by itself: a changed page's own HTML
# changes with them (content-hashed image names, the build id, feeds …).


_UNSEEN_PREFIXES = ("media/", "api/")
_UNSEEN_NAMES = (urls.BUILD_INFO, urls.FEED, urls.SITEMAP, urls.ROBOTS)


def _output_digests(cache: BuildState) -> dict[str, str] | None:
    """Every file the last build published, by path, with the hash of its bytes."""
    try:
        digests = {rel: entry.digest for rel, entry in cache.render.pages.items()}
        if cache.release is None or not digests:
            return None
        digests.update({rel: known[0] for rel, known in cache.release.files.items()})
    except (AttributeError, TypeError, ValueError, IndexError):
        return None  # the cache changed shape: every open page reloads
    return digests


def changed_pages(before: dict[str, str] | None, after: dict[str, str] | None, base: str) -> set[str] | None:
    """The URL paths of the HTML files that differ; None when some other file
    an open page may show changed (a static file, an asset), or it is unknown."""
    if before is None or after is None:
        return None
    urls: set[str] = set()
    for rel in before.keys() | after.keys():
        if before.get(rel) == after.get(rel):
            continue
        if rel.endswith(".html"):
            urls.add(page_url(base, rel))
        elif not (rel.startswith(_UNSEEN_PREFIXES) or rel in _UNSEEN_NAMES or rel.endswith((".ics", ".json", ".xml"))):
            return None
    return urls if len(urls) <= MAX_CHANGED_URLS else None


class Rebuilder:
    def __init__(self, site_dir: Path, out_dir: Path, options: dict, state: ReloadState, log=print, base_path: str = "/"):
        self.site_dir = site_dir
        self.out_dir = out_dir
        self.options = options
        self.state = state
        self.log = log
        self.base_path = base_path
        self.dirty = threading.Event()
        self.last_event = 0.0
        self.first_event = 0.0
        self.stopping = threading.Event()
        self.builds = 0  # full builds
        self.expressed = 0  # express publishes (see render_saved)
        self.cache = BuildState()  # each stage's memo, carried from build to build
        self.saved_at: Path | None = None
        self.search_state: dict[str, dict[str, str]] = {}  # what the live search index holds (search.IndexState)
        self._changes_lock = threading.Lock()
        self._changed: set[Path] = set()  # paths changed since the last build started
        self._unknown = False  # a change without a path: no express
        self._written: dict[str, str] = {}  # pages the express path wrote since the last full build: hash of the bytes
        self._last: tuple[SiteModel, dict] | None = None  # the last full build's site model and image plan
        self._search: threading.Thread | None = None  # refreshing the search index after a build
        self._search_cancel = threading.Event()
        # Whether anything is pending or running (a change, a build, a search refresh), for `wait_idle`.
        self._activity = threading.Condition()
        self._building = False
        self._observed: collections.deque[Path] = collections.deque(maxlen=256)  # the last paths the watcher reported
        self.thread = threading.Thread(target=self._loop, name="bangyang-rebuild", daemon=True)

    def mark(self, path: Path | None = None) -> None:
        with self._changes_lock:
            now = time.monotonic()
            if not self.dirty.is_set():
                self.first_event = now
            self.last_event = now
            self._search_cancel.set()  # a refresh not yet started would be redone right after
            if path is None:
                self._unknown = True
            else:
                self._changed.add(path)
            self.dirty.set()

    def observe(self, path: Path) -> None:
        """The watcher saw `path` change (ignored or not)."""
        with self._activity:
            self._observed.append(path)
            self._activity.notify_all()

    def wait_observed(self, path: Path, timeout: float = 30.0) -> bool:
        """Until the watcher has reported `path`: every change made before it
        has then been seen too (events arrive in order)."""
        with self._activity:
            return self._activity.wait_for(lambda: path in self._observed, timeout)

    def is_idle(self) -> bool:
        searching = self._search is not None and self._search.is_alive()
        return not self.dirty.is_set() and not self._building and not searching

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Until no change waits, no build runs and the search index is
        refreshed; False if that took longer than `timeout` seconds. A change
        the watcher has not reported yet is not known: wait for it first."""
        with self._activity:
            return self._activity.wait_for(self.is_idle, timeout)

    def _notify(self) -> None:
        with self._activity:
            self._activity.notify_all()

    def take_changes(self) -> set[Path] | None:
        """The paths changed since the last call (None: not known), clearing the flag."""
        with self._changes_lock:
            changed, unknown = self._changed, self._unknown
            self._changed, self._unknown = set(), False
            self.dirty.clear()
        return None if unknown else changed

    def build_once(self, changed: set[Path] | None = None) -> bool:
        problems = Problems(rel_to=self.site_dir)
        config = load_config(self.site_dir, problems, output_dir=self.out_dir, **self.options)
        if changed and not problems and self.builds and self.state.ok:
            self._express(config, changed)  # may run while the search index is refreshed
        self.wait_search()  # the full build may remove pages the refresh reads
        # Preview builds are served from the root of the local server's base path.
        ok = False
        before = _output_digests(self.cache)
        if before is not None:
            before.update(self._written)
        try:
            if not problems:
                if self.builds == 0:
                    # Start from what the last serve left (documents, pages, the preview folder).
                    self.saved_at = cache_file(config.cache_dir, config.output_dir)
                    self.cache = load_cache(self.saved_at)
                    before = None
                self._last = None
                result = build(config, problems, self.cache, BuildOptions(search=False, preview=True))
                if result.site is not None and result.images is not None:
                    self._last = (result.site, result.images)
                c = self.cache
                self.log(
                    f"已重新生成 rebuilt in {result.seconds:.2f} s: 读取 {c.load.parsed} 个文件（{c.load.reused} 个未变），"
                    f"生成 {c.render.rendered} 个页面（{c.render.reused} 个未变）"
                )
                ok = True
        except BuildFailed:
            pass
        self.builds += 1
        self._written = {}
        errors = problems.errors
        if errors:
            self.log(f"生成失败 build failed: {len(errors)} 处错误，继续显示上一次的网站")
            for problem in errors:
                self.log(problem.format())
        # A failed build changes no file; a successful one, the pages whose bytes differ.
        self.state.publish(ok, errors, changed_pages(before, _output_digests(self.cache), self.base_path) if ok else set())
        if ok and not self.dirty.is_set():
            # After the reload was announced: the search index follows, in the background
            # (not when another save waits: the build after it refreshes the index).
            searchable = [(path, entry.digest) for path, entry in self.cache.render.pages.items() if entry.searchable]
            delay = SEARCH_DELAY_SECONDS if self.builds > 1 else 0.0  # the first index at once
            self._search_cancel.clear()
            self._search = threading.Thread(
                target=self._refresh_search, args=(config, searchable, delay), name="bangyang-search", daemon=True
            )
            self._search.start()
        return ok

    def _refresh_search(self, config: Config, searchable: list[tuple[str, str]], delay: float) -> None:
        try:
            self._refresh_search_now(config, searchable, delay)
        finally:
            self._notify()  # idle now, unless a change came meanwhile

    def _refresh_search_now(self, config: Config, searchable: list[tuple[str, str]], delay: float) -> None:
        """Re-index once saves pause (see SEARCH_DELAY_SECONDS), at a lower
        priority: on Linux a thread's priority (nice) is its own and Pagefind,
        started from it, inherits it, so re-indexing yields the cores to the
        browser and to the next save's express pages. Elsewhere it simply runs."""
        if delay and (self._search_cancel.wait(delay) or self.dirty.is_set()):
            return  # another save: the build after it refreshes the index (the live one is unchanged)
        if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SEARCH_NICENESS)
        try:
            state = refresh_search_index(
                self.out_dir, config, Problems(rel_to=self.site_dir), self.log, searchable, self.search_state, self._search_cancel
            )
            if state is not None:  # None: a save stopped it; the build after that save refreshes it
                self.search_state = state
        except Exception as exc:  # noqa: BLE001 - the preview works without search; the next build tries again
            self.search_state = {}
            self.log(f"搜索索引未更新 search index not refreshed: {type(exc).__name__}: {exc}")

    def wait_search(self) -> None:
        """Until the search index of the last build is refreshed."""
        if self._search is not None:
            self._search.join()
            self._search = None

    def _express(self, config: Config, changed: set[Path]) -> None:
        """Render and publish the saved documents' own pages before the full
        build (see `render_saved`); anything unusual leaves it to the full build."""
        started = time.perf_counter()
        try:
            pages = render_saved(config, self.cache, changed, self.site_dir, self._last)
        except Exception as exc:  # noqa: BLE001 - the full build that follows does it properly and reports
            self.log(f"快速预览跳过 express skipped: {type(exc).__name__}: {exc}")
            return
        if not pages:
            return
        written: dict[str, str] = {}
        try:
            with OutputLock(self.out_dir, config.cache_dir, wait=0):
                fresh = {}
                for rel, data in pages.items():
                    target = self.out_dir / rel
                    if not target.is_file():
                        return  # not the output the cache describes: the full build only
                    if target.read_bytes() != data:
                        fresh[rel] = data
                if fresh:
                    _lay_over(self.out_dir, config.cache_dir, fresh)
                    written = {rel: content_hash(data) for rel, data in fresh.items()}  # as the build records them
        except (OSError, BuildLocked) as exc:
            self.log(f"快速预览跳过 express skipped: {exc}")
            return
        finally:
            self._written.update(written)  # an unchanged rewrite is not reported again
        if not written:
            return
        waiting = self.state.publish_express(frozenset(page_url(self.base_path, rel) for rel in written))
        self.expressed += 1
        self.log(f"已先更新 express: {len(written)} 个页面 in {time.perf_counter() - started:.3f} s")
        if waiting:
            # Let an open page show what it reloads for before the full build takes the cores.
            self.state.wait_for_reload(RELOAD_GRACE_SECONDS)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if not self.dirty.wait(timeout=0.2):
                continue
            # Debounce: quiet for SETTLE_SECONDS, or at most MAX_SETTLE_SECONDS in all.
            while not self.stopping.is_set():
                now = time.monotonic()
                if now - self.last_event >= SETTLE_SECONDS or now - self.first_event >= MAX_SETTLE_SECONDS:
                    break
                time.sleep(0.01)
            with self._activity:
                self._building = True
            try:
                changed = self.take_changes()
                if not self.stopping.is_set():
                    self.build_once(changed)
            finally:
                with self._activity:
                    self._building = False
                    self._activity.notify_all()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._search_cancel.set()
        self.thread.join(timeout=30)
        if not self.thread.is_alive():
            self.wait_search()
        if self.saved_at is not None and not self.thread.is_alive():
            save_cache(self.cache, self.saved_at)  # the next serve starts where this one ended


def _lay_over(out_dir: Path, cache_dir: Path, pages: dict[str, bytes]) -> None:
    """The express pages, published as a build publishes: a release laid over
    the live output that only adds these files (each replaced whole)."""
    release = Release(out_dir, cache_dir, Problems(), over=set())
    try:
        for rel, data in pages.items():
            release.write(rel, data, "express")
        release.commit()
    except BaseException:
        release.discard()
        raise
    release.finish()


def refresh_search_index(
    live: Path,
    config: Config,
    problems: Problems,
    log: Callable[[str], object],
    pages: list[tuple[str, str]],
    known: dict[str, dict[str, str]] | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, dict[str, str]] | None:
    """Re-index the served site and swap the new pagefind/ in. The pages
    (path, hash of its bytes) are hard-linked into a scratch folder, so the
    live site is never half indexed. With what the live index holds (`known`,
    from the last refresh), only what changed is indexed (search.py).
    Returns what the new index holds; None when `cancel` was set meanwhile
    (the live index is left as it was)."""
    for old in leftovers(live.parent, ".serve-search-*-*"):
        shutil.rmtree(old, ignore_errors=True)  # a serve killed while indexing left its scratch folder
    scratch = Path(tempfile.mkdtemp(prefix=f".serve-search-{os.getpid()}-", dir=live.parent))
    try:
        for rel, _ in pages:
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(live / rel, scratch / rel)
        state = index_release(scratch, config, problems, IndexWork(pages=pages, live=live, known=known, cancel=cancel))
        if state is None:
            return None
        fresh = scratch / "pagefind"
        if problems or not fresh.is_dir():
            for problem in problems.errors:
                log(problem.format())
            return {}
        current = live / "pagefind"
        if current.exists():
            current.rename(scratch / "old-pagefind")
        fresh.rename(current)
        return state
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _Events(FileSystemEventHandler):
    def __init__(self, rebuilder: Rebuilder, ignore: list[Path]):
        self.rebuilder = rebuilder
        self.ignore = ignore

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with every file in it; the file's own event counts
        # Both ends of a move count: an editor's atomic save moves an ignored
        # temporary file onto the document, which is then an edit of it.
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            self.rebuilder.observe(path)
            if is_ignored(path.name) or any(path.is_relative_to(i) for i in self.ignore):
                continue
            self.rebuilder.mark(path)


# Only changes are watched. Without a filter the system also reports every
# file opened and closed for reading: a build reading 10,000 documents floods
# the kernel's event queue (16,384 events), and the edits saved right after
# are lost until the watcher has scanned the folders again.


CHANGES = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
