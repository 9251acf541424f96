"""`bangyang serve`: build, serve on 127.0.0.1, watch, rebuild, reload.

Three small parts, kept apart:
- `Watcher`: watchdog events → the paths that changed (temporary files ignored);
- `Rebuilder`: a loop that waits for changes, lets a burst of saves settle,
  runs the same `build()` as the command line and bumps an epoch; a change
  during a build is kept, so exactly one follow-up build runs. When every
  change is an edit of a document the last build knew, the document's own
  pages are rendered first from the last build's documents with the saved
  one put in (the express path, `render_saved`) and published at once; the
  full build that follows makes everything else (lists, tags, feeds …);
- `DevServer`: an HTTP server for the last good build under the site's base
  path, with a reload script injected into HTML responses only here (never
  in `bangyang build` output) that long-polls the epoch, reloads when its
  own page changed (keeping the scroll position), or shows an overlay
  listing the problems of a failed build.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import mimetypes
import os
import posixpath
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape as html_escape
from pathlib import Path

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
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .build import build, hash_assets, site_images, theme_assets
from .cache import BuildCache, cache_file, load_cache, save_cache
from .config import Config, load_config
from .images import ImageCache, plan_images
from .load import MARKDOWN_SUFFIXES, content_of, is_ignored, is_published, load_document
from .models import Doc, Slogan
from .problems import BuildFailed, Problem, Problems
from .publish import BuildLocked, OutputLock, content_hash, leftovers, link_or_copy
from .quick import build_time
from .render import make_environment, own_page_jobs, own_pages, render_page
from .search import index_release
from .site import SiteModel, build_site_model

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
POLL_TIMEOUT_SECONDS = 25.0
RELOAD_PATH = "__bangyang/"

for _ext, _type in {
    ".wasm": "application/wasm",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".pf_meta": "application/octet-stream",
}.items():
    mimetypes.add_type(_type, _ext)


@dataclass
class BuildState:
    """What the server shows: the epoch of the last build, its problems, and
    for each recent epoch the URL paths of the pages it changed (None: not
    known, every open page reloads)."""

    epoch: int = 0
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True
    condition: threading.Condition = field(default_factory=threading.Condition)
    changes: dict[int, frozenset[str] | None] = field(default_factory=dict)
    pollers: int = 0  # open pages waiting for the next epoch
    awaited: frozenset[str] = frozenset()  # pages an express publish changed, until one is reloaded
    awaited_epoch: int = -1
    reloaded: threading.Event = field(default_factory=threading.Event)

    HISTORY = 256  # epochs whose changes are kept; a page older than that reloads

    def publish(self, ok: bool, problems: list[Problem], changed: set[str] | frozenset[str] | None = None) -> None:
        with self.condition:
            self.epoch += 1
            self.ok = ok
            self.problems = problems
            self.changes[self.epoch] = frozenset(changed) if changed is not None else None
            self.changes.pop(self.epoch - self.HISTORY, None)
            self.condition.notify_all()

    def changed_since(self, since: int) -> list[str] | None:
        """The pages changed after epoch `since` up to now (None: not known)."""
        if since < 0 or since > self.epoch or since < self.epoch - self.HISTORY:
            return None  # a page from before this server, or too old
        union: set[str] = set()
        for epoch in range(since + 1, self.epoch + 1):
            part = self.changes.get(epoch)
            if part is None:
                return None
            union |= part
        return sorted(union) if len(union) <= MAX_CHANGED_URLS else None

    def wait_newer(self, epoch: int, timeout: float, since: int = -1, page: str = "") -> dict:
        if since >= self.awaited_epoch >= 0 and page in self.awaited:
            self.reloaded.set()  # a page the express path changed runs its new version
        with self.condition:
            self.pollers += 1
            try:
                self.condition.wait_for(lambda: self.epoch != epoch, timeout=timeout)
            finally:
                self.pollers -= 1
            return {
                "epoch": self.epoch,
                "ok": self.ok,
                "changed": self.changed_since(since),
                "problems": [
                    {"path": p.path, "line": p.line, "field": p.field, "message": p.message, "hint": p.hint} for p in self.problems
                ],
            }

    def publish_express(self, urls: frozenset[str]) -> bool:
        """Publish pages the express path wrote; True when an open page was
        waiting (and may now reload: see `wait_for_reload`)."""
        with self.condition:
            waiting = self.pollers > 0
            self.reloaded.clear()
            self.awaited, self.awaited_epoch = urls, self.epoch + 1
        self.publish(True, [], urls)
        return waiting

    def wait_for_reload(self, seconds: float) -> None:
        """Until a reloaded page polls again (its scripts ran, its styles are
        in) or `seconds` have passed, and a moment to paint."""
        if self.reloaded.wait(seconds):
            time.sleep(PAINT_SECONDS)


def page_url(base: str, rel: str) -> str:
    """The URL path (not percent-encoded) a browser shows for an output file."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base + rel


# Files whose change no open page shows by itself: a changed page's own HTML
# changes with them (content-hashed image names, the build id, feeds …).
_UNSEEN_PREFIXES = ("media/", "api/")
_UNSEEN_NAMES = ("build.json", "feed.xml", "sitemap.xml", "robots.txt")


def _output_digests(cache: BuildCache) -> dict[str, str] | None:
    """Every file the last build published, by path, with the hash of its bytes."""
    try:
        digests = {rel: entry.digest for rel, entry in cache.pages.items()}
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


def render_saved(
    config: Config, cache: BuildCache, saved: set[Path], rel_to: Path | None, last: tuple[SiteModel, dict] | None = None
) -> dict[str, bytes] | None:
    """The express path: the own pages of the documents in `saved`, rendered
    from the last build's documents (`cache`) with those read again. None —
    the full build alone then — unless every path is an edit of a published
    document the cache knows, read without any error, still published at
    the same URLs, using only images the last build published, and the site
    model made with them is free of errors (links and anchors included).
    The bytes are those the full build will make for these pages, as long
    as nothing else changed; the full build always follows and decides.
    `last`: the site model and image plan of the last full build; when only
    the text of the saved documents changed (no field, link, image or
    heading anchor), their pages are rendered from it, without relating ten
    thousand documents again."""
    if not saved or not cache.pages:
        return None
    now = build_time().astimezone(config.tz)
    fresh = {}
    for path in saved:
        known = cache.docs.get(path)
        if (
            not path.name.lower().endswith(MARKDOWN_SUFFIXES)
            or known is None
            or known.doc is None
            or not is_published(known.doc, config, now)
            or not path.is_file()
        ):
            return None
        entry = load_document(known.doc.kind, path, config, rel_to)
        doc = entry.doc
        if doc is None or any(not p.warning for p in entry.problems) or not is_published(doc, config, now):
            return None  # the full build reports it; nothing is shown before
        if own_pages(doc) != own_pages(known.doc):
            return None  # a new URL: links to it everywhere, the old page to remove
        fresh[path] = doc
    if last is not None and last[0].now.date() == now.date() and all(_text_only(cache.docs[p].doc, d) for p, d in fresh.items()):
        site, images = last
        jobs = {job.path: job for doc in fresh.values() for job in own_page_jobs(site, images, doc)}
        return _render_jobs(config, site, images, jobs)
    docs = [fresh.get(path, entry.doc) for path, entry in cache.docs.items() if entry.doc is not None]
    problems = Problems(rel_to=rel_to)
    site = build_site_model(config, content_of(docs, config, now), now, problems, dict(cache.slugs))
    if problems:
        return None
    images = plan_images(site_images(site), problems, ImageCache(config.cache_dir), config.image_widths, config.avif)
    if problems:
        return None
    live = config.output_dir
    for doc in fresh.values():
        for ref in doc.images:
            image = images.get(ref.source)
            if image is None or not all((live / v.url).is_file() for v in image.variants):
                return None  # a new image: the full build makes its sizes
    # The documents of the new site model (the same as `fresh`, but the ones it relates).
    by_source = {d.source: d for d in (*site.profiles, *site.activities, *site.slogans, *site.pages) if d.source in fresh}
    if len(by_source) != len(fresh):
        return None
    jobs = {job.path: job for doc in by_source.values() for job in own_page_jobs(site, images, doc)}
    return _render_jobs(config, site, images, jobs)


_ANCHOR = re.compile(r'\sid="([^"]*)"')


def _text_only(old: Doc | None, new: Doc) -> bool:
    """Only the wording of the body (and so its summary) differs: every field,
    link, image and heading anchor is the same, so no other page and no
    relation between documents can change."""
    if old is None or type(old) is not type(new) or isinstance(new, Slogan):
        return False  # (a slogan's page lists every slogan: made from the documents, not passed one)
    wording = {"body_html": old.body_html}
    if hasattr(old, "summary"):
        wording["summary"] = old.summary
    if replace(new, **wording) != old:
        return False
    return _ANCHOR.findall(new.body_html) == _ANCHOR.findall(old.body_html)


def _render_jobs(config: Config, site: SiteModel, images: dict, jobs: dict) -> dict[str, bytes] | None:
    env = make_environment(site, images, hash_assets(theme_assets(config)))
    pages = {}
    for job in jobs.values():
        data = render_page(env, job)
        if data is None:
            return None  # a template error: the full build reports it
        pages[job.path] = data
    return pages


def _write_atomically(target: Path, data: bytes) -> None:
    """A reader (the HTTP server, a browser) sees the old file or the new one, never half."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.express")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class Rebuilder:
    def __init__(self, site_dir: Path, out_dir: Path, options: dict, state: BuildState, log=print, base_path: str = "/"):
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
        self.cache = BuildCache()  # documents and pages carried from build to build
        self.saved_at: Path | None = None
        self.search_state: dict[str, dict[str, str]] = {}  # what the live search index holds (search.IndexState)
        self._changes_lock = threading.Lock()
        self._changed: set[Path] = set()  # paths changed since the last build started
        self._unknown = False  # a change without a path: no express
        self._written: dict[str, str] = {}  # pages the express path wrote since the last full build: hash of the bytes
        self._last: tuple[SiteModel, dict] | None = None  # the last full build's site model and image plan
        self._search: threading.Thread | None = None  # refreshing the search index after a build
        self._search_cancel = threading.Event()
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
                result = build(config, problems, self.cache, search=False, preview=True)
                if result.site is not None and result.images is not None:
                    self._last = (result.site, result.images)
                c = self.cache
                self.log(
                    f"已重新生成 rebuilt in {result.seconds:.2f} s: 读取 {c.docs_parsed} 个文件（{c.docs_reused} 个未变），"
                    f"生成 {c.pages_rendered} 个页面（{c.pages_reused} 个未变）"
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
            searchable = [(path, entry.digest) for path, entry in self.cache.pages.items() if entry.searchable]
            delay = SEARCH_DELAY_SECONDS if self.builds > 1 else 0.0  # the first index at once
            self._search_cancel.clear()
            self._search = threading.Thread(
                target=self._refresh_search, args=(config, searchable, delay), name="bangyang-search", daemon=True
            )
            self._search.start()
        return ok

    def _refresh_search(self, config: Config, searchable: list[tuple[str, str]], delay: float) -> None:
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
                for rel, data in pages.items():
                    target = self.out_dir / rel
                    if not target.is_file():
                        return  # not the output the cache describes: the full build only
                    if target.read_bytes() == data:
                        continue
                    _write_atomically(target, data)
                    written[rel] = content_hash(data)  # as the build records it: an unchanged rewrite is not reported again
        except (OSError, BuildLocked) as exc:
            self.log(f"快速预览跳过 express skipped: {exc}")
            return
        finally:
            self._written.update(written)
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
            changed = self.take_changes()
            if not self.stopping.is_set():
                self.build_once(changed)

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
        state = index_release(scratch, config, problems, pages, live, known, cancel=cancel)
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
            if is_ignored(path.name) or any(path.is_relative_to(i) for i in self.ignore):
                continue
            self.rebuilder.mark(path)


def _reload_script(base: str) -> bytes:
    return (Path(__file__).parent / "reload.js").read_text(encoding="utf-8").replace("__BASE__", base).encode()


def _script_version(script: bytes) -> str:
    return hashlib.blake2b(script, digest_size=6).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm the second
    # waits for the browser's delayed ACK of the first, 40 ms on Linux: every
    # response (a poll's answer, the page fetched for an update) paid it.
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(head=False)

    def _send(self, status: int, body: bytes, ctype: str, head: bool, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        extra = extra or {}
        self.send_header("Cache-Control", extra.pop("Cache-Control", "no-store"))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        srv = self.server
        split = urllib.parse.urlsplit(self.path)
        raw_path = split.path
        base = srv.base_path
        if raw_path == base.rstrip("/") and base != "/":
            self._send(301, b"", "text/plain", head, {"Location": base})
            return
        if not raw_path.startswith(base):
            self._not_found(head)
            return
        rel = raw_path[len(base) :]
        if rel == RELOAD_PATH + "reload.js":
            # Asked for by its version (as injected), a reload needs not fetch it again.
            cache = {"Cache-Control": "max-age=3600"} if urllib.parse.parse_qs(split.query).get("v") == [srv.reload_version] else None
            self._send(200, srv.reload_script, "text/javascript; charset=utf-8", head, cache)
            return
        if rel == RELOAD_PATH + "poll":
            query = urllib.parse.parse_qs(split.query)
            try:
                epoch = int(query.get("epoch", ["-1"])[0])
            except ValueError:
                epoch = -1
            try:
                since = int(query.get("since", ["-1"])[0])
            except ValueError:
                since = -1
            data = srv.state.wait_newer(epoch, srv.poll_timeout, since, query.get("page", [""])[0])
            self._send(200, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8", head)
            return
        target = self._resolve(urllib.parse.unquote(rel))
        if target is None:
            self._not_found(head)
            return
        if target.is_dir():
            if not raw_path.endswith("/"):
                self._send(301, b"", "text/plain", head, {"Location": raw_path + "/"})
                return
            target = target / "index.html"
            if not target.is_file():
                self._not_found(head)
                return
        hashed = rel.startswith("assets/") and "v" in urllib.parse.parse_qs(split.query)
        self._file(target, 200, head, cacheable=hashed and target.suffix != ".html")

    def _resolve(self, rel: str) -> Path | None:
        """A path inside the built site, or None: `..`, backslashes and NULs never escape."""
        if "\x00" in rel or "\\" in rel:
            return None
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        root = self.server.root()
        target = (root / posixpath.join(*parts)) if parts else root
        try:
            resolved = target.resolve()
        except OSError:
            return None
        if not resolved.is_relative_to(root.resolve()) or not resolved.exists():
            return None
        return target

    def _not_found(self, head: bool) -> None:
        page = self.server.root() / "404.html"
        if page.is_file():
            self._file(page, 404, head)
        else:
            self._send(404, "404 页面未找到".encode(), "text/plain; charset=utf-8", head)

    def _file(self, path: Path, status: int, head: bool, cacheable: bool = False) -> None:
        epoch = self.server.state.epoch  # before reading: a page never claims a newer epoch than its bytes
        try:
            data = path.read_bytes()
        except OSError:
            self._send(404, b"not found", "text/plain", head)
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            # The page as the server names changed pages (a 404 page by its own file, not the URL asked for).
            url = page_url(self.server.base_path, path.relative_to(self.server.root()).as_posix())
            data = self.server.inject(data, epoch, url)
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml", "text/javascript"):
            ctype += "; charset=utf-8"
        # A theme asset asked for with its content hash (asset() adds ?v=…) changes its URL when it
        # changes: the browser may keep it, and a reload then fetches the page alone.
        extra = {"Cache-Control": "max-age=3600"} if cacheable else None
        self._send(status, data, ctype, head, extra)


class DevHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that navigates away drops its long poll: not worth a word.
        # Anything else is said in one line; the server keeps serving.
        exc = sys.exc_info()[1]
        if exc is None or isinstance(exc, (ConnectionError, TimeoutError)):
            return
        print(f"预览服务器处理请求出错 request failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, state: BuildState, poll_timeout: float):
        super().__init__(address, _Handler)
        self.out_dir = out_dir
        self.base_path = base_path
        self.state = state
        self.poll_timeout = poll_timeout
        # Read once: every HTML response carries the script's version.
        self.reload_script = _reload_script(base_path)
        self.reload_version = _script_version(self.reload_script)
        self._open: set[socket.socket] = set()  # connections being served
        self._open_lock = threading.Lock()

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End the connections still open (browsers keep them alive, and a
        long poll may be waiting on one): else they would go on being answered
        from a stopped server's state, and a page would not see a new one."""
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def root(self) -> Path:
        return self.out_dir

    def inject(self, html: bytes, epoch: int | None = None, url: str = "") -> bytes:
        epoch = self.state.epoch if epoch is None else epoch
        page = f' data-page="{html_escape(url)}"' if url else ""
        tag = f'<script src="{self.base_path}{RELOAD_PATH}reload.js?v={self.reload_version}" data-epoch="{epoch}"{page}></script>'.encode()
        index = html.rfind(b"</body>")
        return html[:index] + tag + html[index:] if index >= 0 else html + tag


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


class DevServer:
    """Everything `serve` runs, startable and stoppable from tests."""

    def __init__(
        self,
        config: Config,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        poll: bool = False,
        drafts: bool = False,
        poll_timeout: float = POLL_TIMEOUT_SECONDS,
        log=print,
    ):
        self.config = config
        self.out_dir = config.cache_dir / "serve"
        self.state = BuildState()
        self.rebuilder = Rebuilder(
            config.site_dir, self.out_dir, {"drafts": drafts, "future": config.future}, self.state, log, config.base_path
        )
        self.httpd = DevHTTPServer((host, port), self.out_dir, config.base_path, self.state, poll_timeout)
        self.observer = PollingObserver(timeout=0.5) if poll else Observer()
        handler = _Events(self.rebuilder, [config.cache_dir, config.output_dir])
        for path in (config.content_dir, config.templates_dir):
            if path.is_dir():
                self.observer.schedule(handler, str(path), recursive=True, event_filter=CHANGES)
        # site.toml: watch the site folder itself, not recursively (output/ lives there).
        self.observer.schedule(handler, str(config.site_dir), recursive=False, event_filter=CHANGES)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="bangyang-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.config.base_path}"

    def start(self) -> bool:
        ok = self.rebuilder.build_once()
        self.rebuilder.wait_search()  # the first time, search works as soon as the server answers
        self.observer.start()
        self.rebuilder.start()
        self.thread.start()
        return ok

    def stop(self) -> None:
        self.observer.stop()
        self.rebuilder.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.close_connections()
        self.observer.join(timeout=5)
