"""`bangyang serve`: build, serve on 127.0.0.1, watch, rebuild, reload.

This module is the HTTP half: `DevServer` puts the parts together, and
`DevHTTPServer` serves the last good build under the site's base path, with
a reload script injected into HTML responses only here (never in `bangyang
build` output) that long-polls the epoch, reloads when its own page changed
(keeping the scroll position), or shows an overlay listing the problems of a
failed build. Watching and rebuilding are in watch.py; the express path of a
saved document in express.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import ipaddress
import json
import mimetypes
import posixpath
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path

from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .config import Config
from .problems import Problem
from .watch import CHANGES, MAX_CHANGED_URLS, PAINT_SECONDS, Rebuilder, _Events, page_url

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
class ReloadState:
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
        host = self.headers.get("Host")
        if host is not None and not srv.answers(host):
            # DNS rebinding: a page of another site whose name now points here
            # must not read the preview (or, later, write through the editor).
            body = "预览服务器只回应本机地址 (this preview answers only its own address)".encode()
            self._send(421, body, "text/plain; charset=utf-8", head)
            return
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


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


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

    def __init__(self, address: tuple[str, int], out_dir: Path, base_path: str, state: ReloadState, poll_timeout: float):
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

    def answers(self, host_header: str) -> bool:
        """Whether a request's Host header names this server: its address, or
        localhost for a loopback one; served on every interface (--host
        0.0.0.0, a phone on the office network), any address written as
        numbers. A name that only resolves here (DNS rebinding) never."""
        host, port = self.server_address[:2]
        text = host_header.strip().lower()
        if text.startswith("["):  # [::1]:8000
            name, _, rest = text[1:].partition("]")
            given = rest[1:] if rest.startswith(":") else ""
        elif text.count(":") == 1:
            name, given = text.split(":")
        else:
            name, given = text, ""
        if not name or (given or "80") != str(port):
            return False
        if name == host or (host in ("127.0.0.1", "::1") and name in ("localhost", "127.0.0.1", "::1")):
            return True
        if host in ("0.0.0.0", "::"):
            return name == "localhost" or _is_ip(name)
        return False

    def inject(self, html: bytes, epoch: int | None = None, url: str = "") -> bytes:
        epoch = self.state.epoch if epoch is None else epoch
        page = f' data-page="{html_escape(url)}"' if url else ""
        tag = f'<script src="{self.base_path}{RELOAD_PATH}reload.js?v={self.reload_version}" data-epoch="{epoch}"{page}></script>'.encode()
        index = html.rfind(b"</body>")
        return html[:index] + tag + html[index:] if index >= 0 else html + tag


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
        self.state = ReloadState()
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
