"""State carried from one build to the next, so a rebuild redoes only what
a change needs (used by `serve`; a plain `build` starts empty).

- documents: each content file with the files it depends on (itself, the
  images it points at, its bundle folder) and their stamps; a file whose
  stamps are unchanged is not read, parsed or rendered as Markdown again,
  and its problems are reported again as they were;
- pages: each output page with the key of its inputs and its bytes; a page
  whose key is unchanged is not rendered again and its file is linked from
  the live output instead of written.

Correctness does not depend on the cache: a key covers everything a page
reads, and the tests compare a series of cached rebuilds with clean builds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .models import Doc
from .problems import Problem

Stamp = tuple[str, int, int]  # (path, size, mtime_ns); (-1, -1) when missing


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


def digest(parts: Iterable[object]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class DocEntry:
    deps: tuple[Stamp, ...]
    doc: Doc | None
    problems: tuple[Problem, ...]

    @property
    def version(self) -> str:
        return digest(self.deps)

    def is_current(self) -> bool:
        return all(stamp(Path(p)) == (p, size, mtime) for p, size, mtime in self.deps)


@dataclass
class BuildCache:
    settings_key: str = ""
    docs: dict[Path, DocEntry] = field(default_factory=dict)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # What the last build did, for tests and the serve log.
    docs_parsed: int = 0
    docs_reused: int = 0
    pages_rendered: int = 0
    pages_reused: int = 0

    def reset_counters(self) -> None:
        self.docs_parsed = self.docs_reused = self.pages_rendered = self.pages_reused = 0

    def version_of(self, doc: Doc) -> str:
        entry = self.docs.get(doc.source)
        return entry.version if entry else ""
