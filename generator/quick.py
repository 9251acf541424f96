"""Nothing changed? Answered from file stamps before anything is loaded.

A build that finds nothing to do must not cost what a build costs: on a
10,000-page site, loading the cache of parsed documents and planning every
page takes seconds. So each successful command-line build leaves a small
manifest next to its cache:

- a key for everything that shapes the output besides the files: this
  code, Python, Python-Markdown, the settings and command-line options;
- a digest of the stamps (name, size, mtime, inode) of every file the
  build could read — site.toml, content/, the site's and the built-in
  templates — taken *before* the build read anything, so an edit made
  while it ran is seen next time;
- the span of time in which the same files give the same site: until the
  next midnight and the next moment any document names (a profile's date,
  an activity's start or end, a slogan's window), since pages and feeds
  change with the clock at those moments;
- the identity (inode, size, mtime) of every file the build published.

`unchanged()` compares all of that with the disk and the clock, stat calls
only; when everything matches, the live output is exactly what a build
would make, and the build is skipped. Anything it cannot read or does not
recognise means "build" — the manifest can only make a build faster, never
skip one that would change something.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .config import Config
from .fingerprint import file_id
from .inputs import Scan, file_stamp, scan_inputs

if TYPE_CHECKING:  # the no-change check itself imports none of the stages
    from .problems import Problems
    from .state import BuildState

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    key: str
    inputs: str
    window: tuple[float, float]  # POSIX seconds: [from, until)
    files: list[tuple[str, int, int, int]]  # (path in the output, inode, size, mtime_ns)
    pages: int
    images: int
    warnings: list[str]  # as printed, so a skipped build reports what a full one would


def build_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def manifest_path(cache_file: Path) -> Path:
    """Beside the build cache of the same output folder."""
    return cache_file.with_suffix(".quick.json")


@functools.cache
def code_stamp() -> tuple:
    """bangyang's own code (any edit of generator/*.py, not only a release),
    Python, and the installed Python-Markdown and icalendar, by stamps:
    nothing is imported. The build cache holds HTML and calendar pieces that
    these made (cache.py, exports.py)."""
    here = Path(__file__).parent
    code = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in here.glob("*.py"))
    libraries = []
    for name in ("markdown", "icalendar"):
        spec = importlib.util.find_spec(name)
        libraries.append(file_stamp(spec.origin) if spec is not None and spec.origin else None)
    return (code, sys.version, libraries)


def settings_key(config: Config, rel_to: Path | None) -> str:
    """Code, Python, Markdown and the settings (site.toml and the command line)."""
    h = hashlib.blake2b(digest_size=16)
    for part in (MANIFEST_FORMAT, code_stamp(), repr(config), str(rel_to)):
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def time_window(moments: Iterable[datetime], now: datetime) -> tuple[float, float]:
    """From the last moment at or before `now` to the next one after it, each
    day's midnight (in now's zone) counting as a moment."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = midnight.timestamp(), (midnight + timedelta(days=1)).timestamp()
    at = now.timestamp()
    for moment in moments:
        t = moment.timestamp()
        if t <= at:
            start = max(start, t)
        else:
            end = min(end, t)
    return start, end


def moments_of(docs: Iterable[object]) -> Iterable[datetime]:
    """Every date and time a document names: where the site may change by itself."""
    names: dict[type, list[str]] = {}  # the fields of each kind of document, found once
    for doc in docs:
        kind = type(doc)
        if kind not in names:
            # Only the fields declared as dates and times are looked at (ten thousand documents a build).
            fields = dataclasses.fields(doc) if dataclasses.is_dataclass(doc) else ()
            names[kind] = [f.name for f in fields if "datetime" in str(f.type)]
        for name in names[kind]:
            value = getattr(doc, name, None)
            if isinstance(value, datetime):
                yield value


@dataclass(frozen=True)
class Made:
    """What a build that just ended made its release from, and of what size."""

    inputs: str  # the digest of the inputs' walk, taken before anything was read
    now: datetime  # the build time
    pages: int
    images: int


def record(path: Path, config: Config, problems: Problems, state: BuildState, made: Made) -> None:
    """What lets the next command-line build see at a glance that nothing changed."""
    files = [(rel, entry.file) for rel, entry in state.render.pages.items()]
    if state.release is not None:
        files += [(rel, fid) for rel, (_, fid) in state.release.files.items()]
    for rel in urls.SEARCH_ENTRIES:  # the search index's entry files, which no page or file record names
        fid = file_id(config.output_dir / rel)
        if fid is not None:
            files.append((rel, fid))
    if state.release is None or any(fid is None for _, fid in files):
        forget(path)  # a file it could not name: no shortcut next time
        return
    moments = moments_of(entry.doc for entry in state.load.docs.values())
    manifest = Manifest(
        key=settings_key(config, problems.rel_to),
        inputs=made.inputs,
        window=time_window(moments, made.now),
        files=[(rel, *fid) for rel, fid in files if fid is not None],
        pages=made.pages,
        images=made.images,
        warnings=[problem.format() for problem in problems.warnings],
    )
    save(path, manifest)


def save(path: Path, manifest: Manifest) -> None:
    """Written to a temporary file and renamed, like the cache."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not dataclasses.asdict: it deep-copies every one of the ten thousand file entries.
        fields = {f.name: getattr(manifest, f.name) for f in dataclasses.fields(manifest)}
        tmp.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def unchanged(path: Path, config: Config, rel_to: Path | None, now: datetime) -> tuple[Manifest | None, Scan | None]:
    """(the manifest when the live output is what a build would make now, else
    None; the inputs' scan when it was taken, for the build to reuse)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(
            key=str(raw["key"]),
            inputs=str(raw["inputs"]),
            window=(float(raw["window"][0]), float(raw["window"][1])),
            files=[(str(r), int(i), int(s), int(m)) for r, i, s, m in raw["files"]],
            pages=int(raw["pages"]),
            images=int(raw["images"]),
            warnings=[str(w) for w in raw["warnings"]],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None, None
    at = now.timestamp()
    if not (manifest.window[0] <= at < manifest.window[1]) or not manifest.files:
        return None, None
    if manifest.key != settings_key(config, rel_to):
        return None, None
    # The inputs first: an edit is found without looking at the output, and
    # the build uses the scan.
    scan = scan_inputs(config)
    if manifest.inputs != scan.digest:
        return None, scan
    prefix = str(config.output_dir) + os.sep
    for rel, ino, size, mtime in manifest.files:
        try:
            st = os.stat(prefix + rel)
        except OSError:
            return None, scan
        if (st.st_ino, st.st_size, st.st_mtime_ns) != (ino, size, mtime):
            return None, scan
    return manifest, scan
