"""Where the builds of one output folder keep their working files, and one build at a time.

In the site's cache folder, one folder per output folder (`work_folder`):
the lock, the release being written and the spare release (publish.py);
never beside the output, which may be in a folder a web server serves. A
killed build's folders are found by their names (`leftovers`) and removed
by the next build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from .config import Config
from .problems import Problems

LOCK_WAIT_SECONDS = 120


class BuildLocked(Exception):
    """Another build of the same output is running and did not finish in time."""


class OutputLock:
    """One build at a time per output folder (an OS file lock, released by the
    OS even when the process is killed)."""

    def __init__(self, output_dir: Path, cache_dir: Path, wait: float = LOCK_WAIT_SECONDS, on_wait=None):
        folder = work_folder(cache_dir, output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "lock"
        self.wait = wait
        self.on_wait = on_wait
        self.handle = None

    def __enter__(self) -> OutputLock:
        self.handle = open(self.path, "a+b")  # noqa: SIM115 - held for the whole build
        deadline = time.monotonic() + self.wait
        told = False
        while not _try_lock(self.handle):
            if time.monotonic() > deadline:
                self.handle.close()
                raise BuildLocked(str(self.path))
            if not told and self.on_wait:
                self.on_wait()
                told = True
            time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            _unlock(self.handle)
            self.handle.close()


def _try_lock(handle) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass


SPARE = "spare"


def work_folder(cache_dir: Path, output_dir: Path) -> Path:
    """Where builds of `output_dir` keep their lock, release folders and spare:
    in the site's cache folder, one folder per output folder."""
    key = hashlib.blake2b(str(output_dir.absolute()).encode(), digest_size=6).hexdigest()
    return cache_dir / "releases" / f"{output_dir.name}-{key}"


def spare_path(cache_dir: Path, output_dir: Path) -> Path:
    """Where the release before the live one waits to be reused."""
    return work_folder(cache_dir, output_dir) / SPARE


def leftovers(folder: Path, pattern: str) -> list[Path]:
    """What processes that died left in `folder`: names matching `pattern`
    that end in -<process id>-<random>, the process gone (or this one)."""
    found = []
    for path in folder.glob(pattern):
        parts = path.name.rsplit("-", 2)
        if len(parts) == 3 and parts[1].isdigit() and not process_alive(int(parts[1])):
            found.append(path)
    return found


def delete(path: Path) -> None:
    """A folder with all in it; a file or a symbolic link (never what it points at) itself."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass  # tried again by the next build (a leftover) or left for the user


def process_alive(pid: int) -> bool:
    """Whether another process with this id runs (this process counts as gone:
    its own leftovers are from a build that already ended)."""
    if pid == os.getpid():
        return False
    if os.name == "nt":
        return True  # signal 0 means Ctrl-C on Windows: never probe there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def check_output_location(config: Config, problems: Problems) -> None:
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
