"""Shared fixtures: small sites written from dedented text, builds, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.cli import main as cli_main

CHROMIUM = os.environ.get("BANGYANG_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent


class Site:
    """A site folder in tmp_path: write files, run the CLI, read the output."""

    def __init__(self, root: Path):
        self.root = root
        self.out = root / "output"

    def write(self, rel: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def image(self, rel: str, size: tuple[int, int] = (640, 480), color: str = "#c8102e", **save: object) -> Path:
        from PIL import Image

        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, color).save(path, **save)
        return path

    def run(self, *args: str, capsys: pytest.CaptureFixture[str] | None = None) -> int:
        return cli_main([*args[:1], "--site", str(self.root), *args[1:]])

    def html(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[str], Site]:
    def make(name: str) -> Site:
        return Site(tmp_path / name)

    return make


@pytest.fixture(scope="session")
def example_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example site, built once per test session."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    env = {"SOURCE_DATE_EPOCH": "1795838400"}  # 2026-11-28 12:00 +08:00: the example's "today"
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert cli_main(["build", "--site", str(root)]) == 0
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return root / "output"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser closed at the end of one test drops its connections while a
        # thread still writes; that traceback would land in a later test's
        # captured stderr. Any other error is still printed.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def serve_folder(folder: Path, prefix: str = "/") -> tuple[_QuietServer, str]:
    """Serve `folder` at http://127.0.0.1:<free port><prefix> in a thread."""
    root = folder
    if prefix != "/":
        # Mount the folder under a sub-path, as a web server would for /wenming/.
        mount = folder.parent / "_mount"
        target = mount / prefix.strip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(folder, target_is_directory=True)
        root = mount
    handler = functools.partial(_QuietHandler, directory=str(root))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}{prefix}"


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        server, url = serve_folder(folder, prefix)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Real headless Chromium (Debian's package) driven by Playwright.

    In CI a missing browser is a failure, not a skip: browser behaviour is
    part of the product."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; the test command installs it")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


def output_tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site by path, for byte-for-byte comparisons. The
    Pagefind index is left out: its filter files are not byte-stable between runs."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"
    }
