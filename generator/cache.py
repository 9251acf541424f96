"""Saving and loading the state one build leaves for the next (state.py).

`build` keeps a `BuildState` per output folder in .bangyang-cache/; `serve`
keeps its own in memory and saves it when it stops. This module knows how
to write and read one quickly and safely, not what is in it: the state
splits itself into its per-document shards (`BuildState.split`). A cache
file that is missing, truncated, from another version of bangyang or
otherwise unreadable is ignored (the build is only slower); correctness
never depends on it, and the tests compare cached rebuilds with clean builds.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import hashlib
import os
import pickle
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path, PosixPath
from typing import IO, TYPE_CHECKING

from .fingerprint import digest
from .quick import code_stamp

if TYPE_CHECKING:  # at run time imported when a cache is read or written: the no-change check needs none of the stages
    from .state import BuildState, Shard


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


def _dump(value: object, f: IO[bytes]) -> None:
    pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)


def shards_dir(path: Path) -> Path:
    return path.with_suffix(".shards")


def load_cache(path: Path, freeze: bool = False) -> BuildState:
    """The state saved by the last build, or an empty one when there is none
    usable (missing, truncated, another version, a shard missing): never an error.
    `freeze`: leave its objects frozen (gc.freeze), for the caller to unfreeze."""
    from .state import BuildState

    try:
        with _no_collection(freeze):
            with open(path, "rb") as f:
                version, cached, names = pickle.load(f)
            if version != code_version() or not isinstance(cached, BuildState) or len(names) != SHARDS:
                return BuildState()
            folder = shards_dir(path)
            stored: dict[int, tuple[str, Shard]] = {}
            for number, name in enumerate(names):
                with open(folder / name, "rb") as f:
                    shard = pickle.load(f)
                stored[number] = (name, shard)
                cached.merge(shard)
    except Exception:  # noqa: BLE001 - any unreadable cache is simply not used
        return BuildState()
    cached.reset_counts()
    cached.stored = stored
    return cached


def save_cache(cache: BuildState, path: Path) -> None:
    """The shards that changed, then the cache file naming them, written to a
    temporary file and renamed: a build killed while saving leaves the
    previous cache (or none), never half of one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    folder = shards_dir(path)
    names: list[str] = []
    written: list[Path] = []
    try:
        core, shards = cache.split(SHARDS)
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
