"""Stage 1 — inputs: one walk over every file a build could read.

Input: `Config`. Output: a `Scan` of site.toml, content/, the site's
templates/ and the built-in theme: each folder's entries, classified once
(folder, file, symbolic link, other), the stamps (size, mtime) of each, and a
digest of all of it. Names that editors and office suites leave behind
(`~$事迹.docx`, `.~lock…#`, `*.swp`, `Thumbs.db`, dot files) are never
inputs: the walk skips them with everything below them.

Every later step asks the scan instead of the disk: the no-change check
(quick.py) compares its digest with the last build's, loading the content
lists its folders and stamps (load.py), the static files and the theme's
assets are taken from it (build.py), and serve's watcher ignores the same
names. Symbolic links are listed, never followed into (a loop cannot hang a
build); the stage that reads a linked file checks where it points.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .config import Config, builtin_theme_dir

# Files editors and office suites leave behind; never content.
_TEMP_FILE = re.compile(r"^(~\$|\.~|\.#|~WRL)|(~|\.swp|\.tmp|\.bak)$|^(4913|Thumbs\.db|desktop\.ini|\.DS_Store)$", re.I)


def is_ignored(name: str) -> bool:
    """A name no build reads: dot files and editors' temporary files."""
    return name.startswith(".") or bool(_TEMP_FILE.search(name))


# How an entry is listed: "d" folder, "f" file, "l" symbolic link, "o" anything else.
Listing = list[tuple[str, str]]


@dataclass
class Scan:
    """The input files as one walk found them, taken before the build reads anything."""

    digest: str
    folders: dict[str, Listing] = dataclasses.field(default_factory=dict)  # folder → its entries (name, kind)
    stamps: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)  # path → (size, mtime_ns)

    def files_below(self, root: Path) -> list[tuple[str, Path]]:
        """(path below `root` with "/", file) for every file under `root`, in
        the order of the paths' parts; linked files included, linked folders
        not followed."""
        found: list[tuple[str, Path]] = []
        pending = [str(root)]
        while pending:
            folder = pending.pop()
            for name, kind in self.folders.get(folder, ()):
                path = os.path.join(folder, name)
                if kind == "d":
                    pending.append(path)
                elif kind == "f" or (kind == "l" and os.path.isfile(path)):
                    found.append((path, Path(path)))
        prefix = len(str(root)) + 1
        found.sort(key=lambda item: item[0].split(os.sep))
        return [(path[prefix:].replace(os.sep, "/"), file) for path, file in found]


def scan_inputs(config: Config) -> Scan:
    """Every file a build could read (site.toml, content/, the site's and the
    built-in templates), and a digest of their stamps in a stable order."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(file_stamp(config.site_dir / "site.toml")).encode())
    scan = Scan("")
    for root in (config.content_dir, config.templates_dir, builtin_theme_dir()):
        h.update(f"\0root {root}\0".encode())
        _walk(str(root), h, scan)
    scan.digest = h.hexdigest()
    return scan


def scan_folders(roots: tuple[Path, ...]) -> Scan:
    """The same walk over only these folders (serve's express path: the theme's assets)."""
    h = hashlib.blake2b(digest_size=16)
    scan = Scan("")
    for root in roots:
        _walk(str(root), h, scan)
    scan.digest = h.hexdigest()
    return scan


def _walk(root: str, h: hashlib.blake2b, scan: Scan) -> None:
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted((entry for entry in it if not is_ignored(entry.name)), key=lambda e: e.name)
        except OSError as exc:
            h.update(f"!{folder}\0{exc.errno}\n".encode())
            continue
        listed = scan.folders[folder] = []
        for entry in entries:
            link = entry.is_symlink()
            try:
                st = entry.stat()
            except OSError:
                h.update(f"?{entry.path}\n".encode())  # a dangling link: the build reports it
                listed.append((entry.name, "l" if link else "o"))
                continue
            scan.stamps[entry.path] = (st.st_size, st.st_mtime_ns)
            if stat.S_ISDIR(st.st_mode):
                h.update(f"d{entry.path}\n".encode())
                listed.append((entry.name, "l" if link else "d"))
                if not link:  # a linked folder's files are stamped where they live (or refused)
                    folders.append(entry.path)
            else:
                h.update(f"f{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
                listed.append((entry.name, "l" if link else "f" if stat.S_ISREG(st.st_mode) else "o"))


def file_stamp(path: str | Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, or None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)
