"""State carried from one build to the next, so a rebuild redoes only what
a change needs. `serve` keeps one in memory; `build` keeps it on disk in
.bangyang-cache/ (see `load_cache` / `save_cache`).

- documents: each content file with the files it depends on (itself, the
  images it points at, its bundle folder) and their stamps; a file whose
  stamps are unchanged is not read, parsed or rendered as Markdown again,
  and its problems are reported again as they were;
- pages: each output file with the key of its inputs, the hash of its bytes
  and the identity of the file written; a page whose key is unchanged and
  whose file in the live output is still that very file (same inode, size
  and mtime: hard links keep them from release to release) is not rendered
  again but linked from the live output.

Correctness does not depend on the cache: a key covers everything a page
reads, the tests compare cached rebuilds with clean builds, and a cache file
that is missing, truncated, from another version of bangyang or otherwise
unreadable is ignored (the build is only slower).
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import sys
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PosixPath
from typing import IO

from .models import Doc
from .problems import Problem
from .quick import code_stamp

Stamp = tuple[str, int, int]  # (path, size, mtime_ns); (-1, -1) when missing
FileId = tuple[int, int, int]  # (inode, size, mtime_ns) of a written file


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


PRESENT = -2  # size and mtime of a stamp that stands for "the file is there", whatever it holds


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


@dataclass
class DocEntry:
    deps: tuple[Stamp, ...]
    doc: Doc | None
    problems: tuple[Problem, ...]

    @functools.cached_property
    def version(self) -> str:
        """Stands for the document's inputs in page keys (asked once per page that shows it)."""
        return digest(self.deps)

    @functools.cached_property
    def card(self) -> str:
        """Stands for the document where a page shows it without its text (a
        list's card, a related profile): every field but `body_html`, and the
        stamps of the files it reads besides its own (images, its folder).
        Made once, when the document is read, and kept with it."""
        if self.doc is None:
            return self.version
        own = str(self.doc.source)
        fields = tuple(getattr(self.doc, f.name) for f in dataclasses.fields(self.doc) if f.name != "body_html")
        return digest((fields, tuple(d for d in self.deps if d[0] != own)))

    def is_current(self, stamps: Mapping[str, tuple[int, int]] | None = None) -> bool:
        """Every file it depends on as it was; `stamps` (path → size, mtime_ns)
        from a walk just made answer for the files they name."""
        for path, size, mtime in self.deps:  # plain os.stat: called for every file of the site on every rebuild
            known = stamps.get(path) if stamps is not None else None
            if size == PRESENT:
                if known is None and not os.path.isfile(path):
                    return False
                continue
            if known is not None:
                if known != (size, mtime):
                    return False
                continue
            try:
                st = os.stat(path)
            except OSError:
                if size != -1:
                    return False
                continue
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return False
        return True


@dataclass(frozen=True)
class PageEntry:
    key: str  # what the bytes were made from
    digest: str  # hash of the bytes (for the release id)
    file: FileId  # the file written for them
    searchable: bool  # marked for the search index


@dataclass(frozen=True)
class ReleaseRecord:
    """The release a build published: what it was made from, its id, and the
    files other than pages (whose entries are in `pages`)."""

    inputs: str
    build_id: str
    files: dict[str, tuple[str, FileId | None]]  # (hash of the bytes, file identity)
    pages: tuple[str, ...]  # every HTML page, kiosk screens included
    spare: str = ""  # the id of the release it replaced, kept as the spare (publish.py)


@dataclass
class BuildCache:
    settings_key: str = ""
    docs: dict[Path, DocEntry] = field(default_factory=dict)
    pages: dict[str, PageEntry] = field(default_factory=dict)
    release: ReleaseRecord | None = None
    slugs: dict[str, str] = field(default_factory=dict)  # name → pinyin slug (categories, themes, tags)
    exports: dict = field(default_factory=dict)  # pieces of the exports made before: VEVENTs, JSON items (exports.py)
    search: dict[str, dict[str, str]] = field(default_factory=dict)  # what the live search index holds (search.IndexState)
    # The kiosk screens' QR codes (URL → SVG): every screen is made on every build.
    qr_codes: dict[str, str] = field(default_factory=dict)
    # Whether a template (with those it extends, includes or imports) names
    # `body_html`, by the key of the templates (render.plan_pages).
    shows_text: dict[tuple[str, str], bool] = field(default_factory=dict)
    # What the last build did, for tests and the serve log.
    docs_parsed: int = 0
    docs_reused: int = 0
    pages_rendered: int = 0
    pages_reused: int = 0
    docs_removed: int = 0
    # What each shard file holds, as read or last written (save_cache): a shard
    # equal to it is not written again. Never saved itself.
    stored: dict[int, tuple[str, Shard]] | None = field(default=None, compare=False, repr=False)

    def reset_counters(self) -> None:
        self.docs_parsed = self.docs_reused = self.pages_rendered = self.pages_reused = 0
        self.docs_removed = 0

    def version_of(self, doc: Doc) -> str:
        entry = self.docs.get(doc.source)
        return entry.version if entry else ""

    def card_of(self, doc: Doc) -> str:
        entry = self.docs.get(doc.source)
        return entry.card if entry else ""


def cache_file(cache_dir: Path, output_dir: Path) -> Path:
    """One cache file per output folder: its page entries describe that folder's files."""
    name = hashlib.blake2b(str(output_dir.absolute()).encode(), digest_size=6).hexdigest()
    return cache_dir / f"build-{name}.pickle"


def code_version() -> str:
    """Changes with bangyang's own code, Python and Python-Markdown (quick.code_stamp)."""
    return digest(code_stamp())


@contextlib.contextmanager
def _no_collection(freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector off while a cache is read or written: it would
    walk the millions of objects made meanwhile again and again, and take
    more than half the time (at 10,000 documents, 0.7 of 1.3 s to read).
    `freeze`: what was made is moved out of the collector's reach before it
    is on again; else the first allocation after this walks all of it as
    young objects (0.13 s at 10,000 documents). The caller unfreezes."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


# Paths are most of the cost of reading a cache: every document names its file,
# and the files it links to, and Python 3.11 parses each path again as it is
# unpickled (0.2 of 0.37 s for 10,000 documents). A path is written as its text
# and, on 3.11, made from its parts without parsing; later Pythons make paths
# lazily anyway.
_PARSED_PARTS = sys.version_info < (3, 12) and hasattr(PosixPath, "_from_parsed_parts")


def _posix_path(text: str) -> PosixPath:
    if _PARSED_PARTS and text not in ("", ".") and "//" not in text and not text.endswith("/"):
        root = "/" if text.startswith("/") else ""
        parts = ["/", *text[1:].split("/")] if root else text.split("/")
        if "." not in parts and "" not in parts:
            return PosixPath._from_parsed_parts("", root, parts)  # type: ignore[attr-defined]
    return PosixPath(text)


def _reduce_posix_path(path: PosixPath) -> tuple[object, tuple[str]]:
    return _posix_path, (str(path),)


_DISPATCH = {**copyreg.dispatch_table, PosixPath: _reduce_posix_path}


# --- On disk ------------------------------------------------------------------
#
# The documents and the export pieces made from each (nine tenths of the
# bytes) are kept in SHARDS files by a hash of the document's path, the rest
# in the cache file itself, which lists the shard files it goes with. After
# an edit only the shard of the edited document is written again (at 10,000
# documents: 1.5 of 88 MB). The cache file is written last and renamed into
# place: a build killed meanwhile leaves the previous cache, whose shard
# files are still there; files no cache lists are removed afterwards.

SHARDS = 64
Shard = dict[tuple[str, ...], dict]  # ("docs",) → {path: DocEntry}; an export memo's place → its items


def _shard_of(source: Path) -> int:
    return zlib.crc32(str(source).encode("utf-8", "surrogatepass")) % SHARDS


def _document_memos(exports: dict, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict]]:
    """The export memos kept per document: dicts keyed by tuples that start with the document."""
    for name, value in exports.items():
        if not isinstance(value, dict) or not isinstance(name, str):
            continue
        if value and all(isinstance(key, tuple) and key and isinstance(key[0], Doc) for key in value):
            yield (*at, name), value
        else:
            yield from _document_memos(value, (*at, name))


def _without(exports: dict, places: set[tuple[str, ...]], at: tuple[str, ...] = ()) -> dict:
    """`exports` with the memos at `places` left empty (they go to the shards)."""
    return {
        name: {} if (*at, name) in places else _without(value, places, (*at, name)) if isinstance(value, dict) else value
        for name, value in exports.items()
    }


def _memo_at(exports: dict, place: tuple[str, ...]) -> dict:
    """The memo at `place` in `exports`, made where it is missing."""
    for name in place:
        exports = exports.setdefault(name, {})
    return exports


def _split(cache: BuildCache) -> tuple[BuildCache, list[Shard]]:
    shards: list[Shard] = [{("docs",): {}} for _ in range(SHARDS)]
    for source, entry in cache.docs.items():
        shards[_shard_of(source)][("docs",)][source] = entry
    places = set()
    for place, memo in _document_memos(cache.exports):
        places.add(place)
        for key, value in memo.items():
            shards[_shard_of(key[0].source)].setdefault(place, {})[key] = value
    core = dataclasses.replace(cache, docs={}, exports=_without(cache.exports, places), stored=None)
    return core, shards


def _dump(value: object, f: IO[bytes]) -> None:
    pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)


def shards_dir(path: Path) -> Path:
    return path.with_suffix(".shards")


def load_cache(path: Path, freeze: bool = False) -> BuildCache:
    """The cache saved by the last build, or an empty one when there is none
    usable (missing, truncated, another version, a shard missing): never an error.
    `freeze`: leave its objects frozen (gc.freeze), for the caller to unfreeze."""
    try:
        with _no_collection(freeze):
            with open(path, "rb") as f:
                version, cached, names = pickle.load(f)
            if version != code_version() or not isinstance(cached, BuildCache) or len(names) != SHARDS:
                return BuildCache()
            folder = shards_dir(path)
            stored: dict[int, tuple[str, Shard]] = {}
            for number, name in enumerate(names):
                with open(folder / name, "rb") as f:
                    shard = pickle.load(f)
                stored[number] = (name, shard)
                cached.docs.update(shard[("docs",)])
                for place, items in shard.items():
                    if place != ("docs",):
                        _memo_at(cached.exports, place).update(items)
    except Exception:  # noqa: BLE001 - any unreadable cache is simply not used
        return BuildCache()
    cached.reset_counters()
    cached.stored = stored
    return cached


def save_cache(cache: BuildCache, path: Path) -> None:
    """The shards that changed, then the cache file naming them, written to a
    temporary file and renamed: a build killed while saving leaves the
    previous cache (or none), never half of one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    folder = shards_dir(path)
    names: list[str] = []
    written: list[Path] = []
    try:
        core, shards = _split(cache)
        folder.mkdir(parents=True, exist_ok=True)
        with _no_collection():
            for number, shard in enumerate(shards):
                # A shard file is never changed once written, so one that is still
                # there holds what was read from it (or last written to it).
                old_name, old_shard = (cache.stored or {}).get(number, ("", None))
                if old_shard is not None and old_shard == shard and (folder / old_name).is_file():
                    names.append(old_name)
                    continue
                name = f"{number:02d}-{uuid.uuid4().hex[:12]}.pickle"
                written.append(folder / name)
                with open(folder / name, "wb") as f:
                    _dump(shard, f)
                names.append(name)
            with open(tmp, "wb") as f:
                _dump((code_version(), core, names), f)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a cache that cannot be written (disk, an unpicklable value) is only slower next time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        for orphan in written:
            with contextlib.suppress(OSError):
                orphan.unlink()
        return
    cache.stored = {number: (name, shard) for number, (name, shard) in enumerate(zip(names, shards, strict=True))}
    keep = set(names)
    with contextlib.suppress(OSError):
        for item in folder.iterdir():
            if item.name not in keep:
                item.unlink()
