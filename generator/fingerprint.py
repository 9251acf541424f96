"""How a build tells that an input or an output file is still the same.

- a `Stamp` of an input file: (path, size, mtime_ns), (-1, -1) when missing;
  `presence` stands for "the file is there", whatever it holds (a linked document);
- a `FileId` of a written file: (inode, size, mtime_ns); hard links keep it
  from release to release, so a page whose file is still that very file
  need not be written again;
- `digest` of any parts, for the keys each stage's memo is made under.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

Stamp = tuple[str, int, int]  # (path, size, mtime_ns); (-1, -1) when missing
FileId = tuple[int, int, int]  # (inode, size, mtime_ns) of a written file

PRESENT = -2  # size and mtime of a stamp that stands for "the file is there", whatever it holds


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


def presence(path: Path) -> Stamp:
    """A stamp that changes only when the file comes or goes (a linked document)."""
    return (str(path), PRESENT, PRESENT) if os.path.isfile(path) else (str(path), -1, -1)


def file_id(path: Path | str) -> FileId | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def digest(parts: Iterable[object]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()
