"""`bangyang serve`: build, serve on 127.0.0.1, watch, rebuild, reload.

Three small parts, kept apart:
- `Watcher`: watchdog events → a "dirty" flag (temporary files ignored);
- `Rebuilder`: a loop that waits for the flag, lets a burst of saves settle,
  runs the same `build()` as the command line and bumps an epoch; a change
  during a build leaves the flag set, so exactly one follow-up build runs;
- `DevServer`: an HTTP server for the last good build under the site's base
  path, with a reload script injected into HTML responses only here (never
  in `bangyang build` output) that long-polls the epoch, reloads keeping the
  scroll position, or shows an overlay listing the problems of a failed build.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import posixpath
import shutil
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
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

from .build import build
from .cache import BuildCache, cache_file, load_cache, save_cache
from .config import Config, load_config
from .load import is_ignored
from .problems import BuildFailed, Problem, Problems
from .publish import link_or_copy
from .search import index_release

SETTLE_SECONDS = 0.12  # a save of many files arrives as a burst: wait for quiet
MAX_SETTLE_SECONDS = 1.5
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
    """What the server shows: the epoch of the last build and its problems."""

    epoch: int = 0
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True
    condition: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, ok: bool, problems: list[Problem]) -> None:
        with self.condition:
            self.epoch += 1
            self.ok = ok
            self.problems = problems
            self.condition.notify_all()

    def wait_newer(self, epoch: int, timeout: float) -> dict:
        with self.condition:
            self.condition.wait_for(lambda: self.epoch != epoch, timeout=timeout)
            return {
                "epoch": self.epoch,
                "ok": self.ok,
                "problems": [
                    {"path": p.path, "line": p.line, "field": p.field, "message": p.message, "hint": p.hint} for p in self.problems
                ],
            }


class Rebuilder:
    def __init__(self, site_dir: Path, out_dir: Path, options: dict, state: BuildState, log=print):
        self.site_dir = site_dir
        self.out_dir = out_dir
        self.options = options
        self.state = state
        self.log = log
        self.dirty = threading.Event()
        self.last_event = 0.0
        self.first_event = 0.0
        self.stopping = threading.Event()
        self.builds = 0
        self.cache = BuildCache()  # documents and pages carried from build to build
        self.saved_at: Path | None = None
        self.search_keys: dict[str, str] = {}  # the shards of the live search index (search.py)
        self.thread = threading.Thread(target=self._loop, name="bangyang-rebuild", daemon=True)

    def mark(self) -> None:
        now = time.monotonic()
        if not self.dirty.is_set():
            self.first_event = now
        self.last_event = now
        self.dirty.set()

    def build_once(self) -> bool:
        problems = Problems(rel_to=self.site_dir)
        config = load_config(self.site_dir, problems, output_dir=self.out_dir, **self.options)
        # Preview builds are served from the root of the local server's base path.
        ok = False
        try:
            if not problems:
                if self.builds == 0:
                    # Start from what the last serve left (documents, pages, the preview folder).
                    self.saved_at = cache_file(config.cache_dir, config.output_dir)
                    self.cache = load_cache(self.saved_at)
                result = build(config, problems, self.cache, search=False, preview=True)
                c = self.cache
                self.log(
                    f"已重新生成 rebuilt in {result.seconds:.2f} s: 读取 {c.docs_parsed} 个文件（{c.docs_reused} 个未变），"
                    f"生成 {c.pages_rendered} 个页面（{c.pages_reused} 个未变）"
                )
                ok = True
        except BuildFailed:
            pass
        self.builds += 1
        errors = problems.errors
        if errors:
            self.log(f"生成失败 build failed: {len(errors)} 处错误，继续显示上一次的网站")
            for problem in errors:
                self.log(problem.format())
        self.state.publish(ok, errors)
        if ok:
            # After the reload was announced: the search index follows a moment later.
            searchable = [(path, entry.digest) for path, entry in self.cache.pages.items() if entry.searchable]
            self.search_keys = refresh_search_index(
                self.out_dir, config, Problems(rel_to=self.site_dir), self.log, searchable, self.search_keys
            )
        return ok

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if not self.dirty.wait(timeout=0.2):
                continue
            # Debounce: quiet for SETTLE_SECONDS, or at most MAX_SETTLE_SECONDS in all.
            while not self.stopping.is_set():
                now = time.monotonic()
                if now - self.last_event >= SETTLE_SECONDS or now - self.first_event >= MAX_SETTLE_SECONDS:
                    break
                time.sleep(0.02)
            self.dirty.clear()
            if not self.stopping.is_set():
                self.build_once()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
        if self.saved_at is not None and not self.thread.is_alive():
            save_cache(self.cache, self.saved_at)  # the next serve starts where this one ended


def refresh_search_index(
    live: Path,
    config: Config,
    problems: Problems,
    log=print,
    pages: list[tuple[str, str]] | None = None,
    known: dict[str, str] | None = None,
) -> dict[str, str]:
    """Re-index the served site and swap the new pagefind/ in. The pages are
    hard-linked into a scratch folder, so the live site is never half indexed.
    With `pages` (path, hash of its bytes) and the shard keys `known` from the
    last refresh, only the shards whose pages changed are indexed again.
    Returns the new shard keys."""
    scratch = Path(tempfile.mkdtemp(prefix=".serve-search-", dir=live.parent))
    try:
        found = [p.relative_to(live).as_posix() for p in live.rglob("*.html")] if pages is None else [p for p, _ in pages]
        for rel in found:
            if rel.split("/")[0] == "pagefind":
                continue
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(live / rel, scratch / rel)
        keys = index_release(scratch, config, problems, pages, live, known)
        fresh = scratch / "pagefind"
        if problems or not fresh.is_dir():
            for problem in problems.errors:
                log(problem.format())
            return {}
        current = live / "pagefind"
        if current.exists():
            current.rename(scratch / "old-pagefind")
        fresh.rename(current)
        return keys
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
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            if is_ignored(path.name) or any(path.is_relative_to(i) for i in self.ignore):
                continue
            self.rebuilder.mark()
            return


def _reload_script(base: str) -> bytes:
    return (Path(__file__).parent / "reload.js").read_text(encoding="utf-8").replace("__BASE__", base).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"

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
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
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
            self._send(200, _reload_script(base), "text/javascript; charset=utf-8", head)
            return
        if rel == RELOAD_PATH + "poll":
            query = urllib.parse.parse_qs(split.query)
            try:
                epoch = int(query.get("epoch", ["-1"])[0])
            except ValueError:
                epoch = -1
            data = srv.state.wait_newer(epoch, srv.poll_timeout)
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
        self._file(target, 200, head)

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

    def _file(self, path: Path, status: int, head: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            self._send(404, b"not found", "text/plain", head)
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            data = self.server.inject(data)
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml", "text/javascript"):
            ctype += "; charset=utf-8"
        self._send(status, data, ctype, head)


class DevHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that navigates away drops its long poll: not worth a traceback.
        pass

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, state: BuildState, poll_timeout: float):
        super().__init__(address, _Handler)
        self.out_dir = out_dir
        self.base_path = base_path
        self.state = state
        self.poll_timeout = poll_timeout

    def root(self) -> Path:
        return self.out_dir

    def inject(self, html: bytes) -> bytes:
        tag = f'<script src="{self.base_path}{RELOAD_PATH}reload.js" data-epoch="{self.state.epoch}"></script>'.encode()
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
        self.rebuilder = Rebuilder(config.site_dir, self.out_dir, {"drafts": drafts, "future": config.future}, self.state, log)
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
        self.observer.start()
        self.rebuilder.start()
        self.thread.start()
        return ok

    def stop(self) -> None:
        self.observer.stop()
        self.rebuilder.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.observer.join(timeout=5)
