"""Stage 7 — publish: a fresh release folder swapped in for output/.

Every build writes into a release folder that no reader sees; only when
everything is written (build.json last) is it swapped in, in one rename
where the system allows it. A failed build discards its folder and leaves
output/ exactly as it was; removed content disappears with the old release.
Leftovers of a killed build are cleaned up by the next one.

Where: every working file of a build — its lock, the release folder being
written, the release swapped out — lives in the site's cache folder, in
`.bangyang-cache/releases/<output folder>-<hash of its path>/`, never beside
output/: an `--out` in a web root (`--out /var/www/wenming`) would otherwise
put a whole earlier release (`/var/www/.wenming.spare/`), withdrawn pages and
all, where the web server serves it. Renames only work within one file
system, so a short probe (an empty folder renamed across) checks that the
cache folder and output/'s parent are on one; when they are not (an `--out`
on another disk or mount), nothing of an earlier release is kept at all:
the release folder is written beside output/ (it has to be, to be swapped
in), closed to other users (mode 700) while it is written, and the release
swapped out is closed at once and deleted before the build ends. Staging in
the cache and copying across at the end was not chosen: it copies every
file twice and changes every file's identity, which the next build uses to
find the files it can keep. Keep the site folder on the disk of `--out` for
the cheaper whole releases below. Earlier versions kept `.output.spare` and
`.output.lock` beside output/; the next build removes them.

The release that was swapped out is kept as the spare and becomes the next
whole release's folder: it already holds the site's folders and, as hard
links, most of its files, so it is not made afresh. Files in it are never
written in place (they share their inode with the live output): a file
that changes is unlinked and written anew.

A rebuild that changes few pages (`overlay_for`, OVERLAY_SHARE; every rebuild of
serve) writes an overlay instead: only the new and changed files go into
the release folder, and `commit` moves each into output/ (build.json last)
and deletes the files that are gone. That costs what the edit changed, not
a walk of the whole site. Each file is replaced whole, and a failed build
still changes nothing; the spare stays as it was, for the next whole release.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import FileId, file_id
from .layover import JOURNAL, Journal, clear_way, exchange
from .problems import Problems
from .workdir import SPARE, delete, leftovers, spare_path, work_folder


@dataclass(frozen=True)
class ReleaseRecord:
    """The release a build published: what it was made from, its id, and the
    files other than pages (whose entries are in `pages`)."""

    inputs: str
    build_id: str
    files: dict[str, tuple[str, FileId | None]]  # (hash of the bytes, file identity)
    pages: tuple[str, ...]  # every HTML page, kiosk screens included
    spare: str = ""  # the id of the release it replaced, kept as the spare (publish.py)


# When at most this share of the pages changed, a release is laid over the
# live output (each file replaced whole, build.json last) rather than swapped
# in whole: a whole release costs a walk of every file and folder of the site.
OVERLAY_SHARE = 0.1


def overlay_for(
    output_dir: Path, record: ReleaseRecord | None, changed: int, total: int, preview: bool, pages: Mapping[str, object]
) -> set[str] | None:
    """The files of the live output a release is laid over, or None for a
    whole release: laid over only when few pages changed (or in serve's
    preview) and the live output is the release the cache knows (`record`,
    whose other files and `pages` are what it holds)."""
    few = changed <= OVERLAY_SHARE * total
    if (preview or few) and record is not None and build_id_of(output_dir) == record.build_id:
        return set(pages) | set(record.files)
    return None


class Release:
    """A release folder being written; refuses a second write to one path.

    `over` (used by serve): the files of the live output as the last build
    left them. The release is then an overlay: only new and changed files are
    written (to the release folder), and `commit` moves each into output/ and
    deletes the files that are gone, so a rebuild after one edit costs what
    the edit changed, not what the site holds. Each file is replaced whole;
    a failed build still changes nothing."""

    def __init__(
        self,
        output_dir: Path,
        cache_dir: Path,
        problems: Problems,
        over: set[str] | None = None,
        known: Mapping[str, tuple[str, FileId | None]] | None = None,
        spare: str = "",
    ):
        """`spare`: the build id the spare release must carry to be reused —
        the release the last build replaced; any other spare is removed (in
        the background) and the release starts empty."""
        self.output_dir = output_dir
        self.problems = problems
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.work = work_folder(cache_dir, output_dir)
        self.work.mkdir(parents=True, exist_ok=True)
        self._beside = f".{output_dir.name}."  # the names this and earlier versions gave folders beside output/
        self._removals: list[threading.Thread] = []
        found = leftovers(self.work, "*-*") + leftovers(output_dir.parent, f"{self._beside}*-*")
        for leftover in found:
            self._remove_later(leftover)  # a killed build's whole release: not on the critical path
        for legacy in (output_dir.parent / f"{self._beside}spare", output_dir.parent / f"{self._beside}lock"):
            if legacy.exists() or legacy.is_symlink():
                self._remove_later(legacy)  # an earlier version's, beside a folder a web server may serve
        # Another disk: the release is written beside output/ and no spare is kept (see the module's docstring).
        self.same_disk = _renames_between(self.work, output_dir.parent, self._beside)
        self.dir = self._fresh(self.work if self.same_disk else output_dir.parent, "new")
        self.over = over if over is not None and output_dir.is_dir() else None
        # A spare release becomes this one's folder: renamed first, so a build
        # killed while updating it leaves an ordinary leftover, never a half spare.
        self.reused = False
        if self.over is None:
            kept = spare_path(cache_dir, output_dir)
            if spare and self.same_disk and build_id_of(kept) == spare:
                self.reused = _take_spare(kept, self.dir)
            elif kept.is_dir() and not kept.is_symlink():
                # Not the release the cache knows (output/ or the cache deleted by hand):
                # nothing it holds can be trusted.
                self._remove_later(kept)
        self._mode: int | None = None  # the folder's own mode, while it is closed to others
        if not self.reused:
            self.dir.mkdir()
            if not self.same_disk:
                self._mode = stat.S_IMODE(self.dir.stat().st_mode)
                _close(self.dir)
        self.owners: dict[str, str] = {}
        self.digests: dict[str, str] = {}  # rel → hash of its bytes, for the release id
        self.kept: set[str] = set()  # overlay: files left in place in output/
        # The live output's files as the last build wrote them: (hash of the bytes, file identity).
        self.known = known or {}
        self._made_dirs: set[Path] = set()

    def claim(self, rel: str, owner: str, digest: str = "", make: bool = True, vacate: bool = True) -> Path | None:
        """The path to write `rel` to, or None (and a problem) when taken.
        `digest` stands for the file's bytes (a content-hashed name may pass itself).
        In a reused folder the path is emptied first, unless `vacate=False`."""
        if not self._own(rel, owner, digest):
            return None
        path = self.dir / rel
        if make and path.parent not in self._made_dirs:
            if self.reused:
                if not os.path.isdir(path.parent):
                    clear_way(self.dir, path)  # a file stands where a folder goes now
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(path.parent)
        if vacate:
            self._vacate(path)
        return path

    def _own(self, rel: str, owner: str, digest: str) -> bool:
        key = rel.lower()  # Windows and macOS readers: a.html and A.html are one file
        if key in self.owners:
            self.problems.error(
                owner, 0, "", f"输出文件 {rel} 已由 {self.owners[key]} 生成 (two sources write one file)", "改名或删除其中一个"
            )
            return False
        self.owners[key] = owner
        self.digests[rel] = digest
        return True

    def _vacate(self, path: Path) -> None:
        """A reused folder's file at `path` goes before new bytes do: it may be
        a hard link to a live file, which must never be written in place."""
        if self.reused:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except (IsADirectoryError, PermissionError):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    raise

    def final_path(self, rel: str) -> Path:
        """Where `rel` is now: in output/ when the overlay kept it, else in the release folder."""
        return (self.output_dir if rel in self.kept else self.dir) / rel

    def write(self, rel: str, data: bytes, owner: str) -> Path | None:
        """Write `rel`; returns the file written (None when the path was taken).
        Bytes the live output already holds in that very file are linked, not written."""
        digest = content_hash(data)
        known = self.known.get(rel)
        if known is not None and known[0] == digest and known[1] is not None and file_id(f"{self.output_dir}{os.sep}{rel}") == known[1]:
            return self.link_from_live(rel, digest, owner, known[1])
        path = self.claim(rel, owner, digest)
        if path is not None:
            path.write_bytes(data)
        return path

    def link_from_live(self, rel: str, digest: str, owner: str, live_id: FileId | None = None) -> Path | None:
        """A file whose bytes the live output already holds (the caller checked
        it is the very file it wrote, `live_id`): hard-link it, which is cheap,
        or copy it where links are not possible. A reused folder that already
        holds that very file keeps it."""
        if self.over is not None:
            if not self._own(rel, owner, digest):
                return None
            self.kept.add(rel)
            return self.output_dir / rel
        if self.reused and live_id is not None and file_id(self.dir / rel) == live_id:
            # The reused folder holds that very file already (and so its folder).
            return self.claim(rel, owner, digest, make=False, vacate=False)
        path = self.claim(rel, owner, digest)
        if path is not None:
            link_or_copy(self.output_dir / rel, path)
        return path

    def keep_live(self, rel: str, source: Path) -> bool:
        """Laid over: when output/ holds `source` itself at `rel` (a hard link of
        it, as image variants are), leave it there; True if so. `rel` must be claimed."""
        if self.over is None:
            return False
        live = file_id(f"{self.output_dir}{os.sep}{rel}")
        if live is None or live != file_id(source):
            return False
        self.kept.add(rel)
        return True

    def copy(self, rel: str, source: Path, owner: str) -> None:
        path = self.claim(rel, owner, content_hash(source.read_bytes()))
        if path is not None:
            shutil.copyfile(source, path)

    def prune(self, keep: Callable[[str], bool]) -> None:
        """A reused folder: delete the files this release did not write (unless
        `keep(rel)`; a folder's rel ends in "/" and keeps all below it), then
        the folders left empty."""
        if not self.reused:
            return
        root = str(self.dir)
        remaining: dict[str, bool] = {}  # folder → anything left in it
        order: list[str] = []
        for folder, dirs, files in os.walk(root):
            prefix = folder[len(root) + 1 :].replace(os.sep, "/") + "/" if folder != root else ""
            walked = [d for d in dirs if not keep(prefix + d + "/")]
            left = len(walked) < len(dirs)  # a folder kept whole
            dirs[:] = walked
            for name in files:
                rel = prefix + name
                if rel.lower() in self.owners or keep(rel):
                    left = True
                else:
                    os.unlink(os.path.join(folder, name))
            remaining[folder] = left
            order.append(folder)
        for folder in reversed(order[1:]):  # deepest first; never the release folder itself
            if remaining[folder]:
                remaining[os.path.dirname(folder)] = True
            else:
                try:
                    os.rmdir(folder)
                except OSError:
                    remaining[os.path.dirname(folder)] = True

    def content_id(self) -> str:
        """A hash of every file's path and bytes (known from what was written, so
        nothing is read back): the same content gives the same id, and a kiosk
        reloads only for a real change."""
        return content_hash("\n".join(f"{rel}\0{digest}" for rel, digest in sorted(self.digests.items())).encode())[:16]

    def commit(self, whole: tuple[str, ...] = ()) -> None:
        """Swap the finished release in; the old one is removed afterwards, in a
        background thread (a big site's folders take a while): call `finish()`.
        `whole`: folders ("a/b") an overlay replaces as one (the search index,
        whose files belong together), not file by file."""
        out = self.output_dir
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            raise OSError(f"{out} is not a folder")
        if self.over is not None and out.exists():
            self._lay_over(out, whole)
        elif out.exists():
            self._open()
            if not exchange(self.dir, out):
                old = self._fresh(self.dir.parent, "old")
                os.replace(out, old)
                os.replace(self.dir, out)
                self.dir = old
            if not self.same_disk:
                # Beside output/: closed at once, deleted before the build ends.
                _close(self.dir)
                self._remove_later(self.dir)
                return
            # The old release is the next build's folder (see the module's docstring).
            spare = self.work / SPARE
            if spare.exists() or spare.is_symlink():
                self._remove_later(spare)
            try:
                os.replace(self.dir, spare)
            except OSError:
                self._remove_later(self.dir)
        else:
            self._open()
            os.replace(self.dir, out)

    def _open(self) -> None:
        """The release folder gets its own mode back before it becomes output/."""
        if self._mode is not None:
            os.chmod(self.dir, self._mode)
            self._mode = None

    def _lay_over(self, out: Path, whole: tuple[str, ...]) -> None:
        """Move every file written into output/ (the `whole` folders swapped in
        next, build.json last, as in a whole release), then delete the files
        the last build made that this one did not. The steps are written to a
        journal first: a build killed halfway leaves it, and the next build
        finishes them before anything else (`finish_interrupted`)."""
        root = str(self.dir)
        written: list[str] = []
        for folder, dirs, files in os.walk(root):
            prefix = folder[len(root) + 1 :].replace(os.sep, "/")
            dirs[:] = [name for name in dirs if f"{prefix}/{name}".lstrip("/") not in whole]
            written.extend(f"{prefix}/{name}".lstrip("/") for name in files)
        # A file beside a whole folder (the list of search indexes) follows that folder.
        late = {rel for rel in written if rel == "build.json" or any(w.startswith(f"{os.path.dirname(rel)}/") for w in whole)}
        journal = Journal(
            self.work / JOURNAL,
            release=str(self.dir),
            files=[rel for rel in written if rel not in late],
            folders=[name for name in whole if (self.dir / name).is_dir()],
            late=sorted(late, key=lambda rel: rel == "build.json"),
            gone=sorted((rel for rel in self.over or () if rel.lower() not in self.owners), reverse=True),
        )
        journal.save()
        journal.apply(out)
        self._remove_later(self.dir)

    def _remove_later(self, folder: Path) -> None:
        """Renamed away at once (a leftover if the build is killed), deleted in
        the background while the build goes on: `finish()` waits for it."""
        doomed = self._fresh(folder.parent, "old")
        try:
            os.replace(folder, doomed)
        except OSError:
            doomed = folder
        removal = threading.Thread(target=delete, args=(doomed,))
        removal.start()
        self._removals.append(removal)

    def _fresh(self, parent: Path, kind: str) -> Path:
        """A name in `parent` for a release folder being made ("new") or deleted
        ("old") that the next build finds as a leftover if this one is killed."""
        prefix = "" if parent == self.work else self._beside
        return parent / f"{prefix}{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def finish(self) -> None:
        """Wait until the folders being removed are gone."""
        for removal in self._removals:
            removal.join()
        self._removals.clear()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard links make publishing cheap (unchanged bytes are shared, not
    copied); a copy where links are not possible (another drive, FAT)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def content_hash(data: bytes) -> str:
    """The hash a release records for a file's bytes (the release id, serve's changed pages)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def build_id_of(folder: Path) -> str | None:
    """The id in a release's build.json (written last: a whole release has one)."""
    try:
        return str(json.loads((folder / "build.json").read_bytes())["build_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _renames_between(folder: Path, other: Path, prefix: str) -> bool:
    """Whether a folder renames from `folder` into `other` (one file system and
    one mount: a bind mount of the same disk refuses it too), tried with an empty one."""
    try:
        if os.stat(folder).st_dev != os.stat(other).st_dev:
            return False
        name = f"probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        (folder / name).mkdir()
    except OSError:
        return False
    try:
        os.rename(folder / name, other / f"{prefix}{name}")
    except OSError:
        delete(folder / name)
        return False
    delete(other / f"{prefix}{name}")
    return True


def _close(folder: Path) -> None:
    """Closed to other users (a web server): what is below it cannot be read
    through it. (Windows keeps its own permissions.)"""
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)


def _take_spare(spare: Path, target: Path) -> bool:
    """Make the spare release the folder `target`; False when there is none."""
    if spare.is_symlink() or not spare.is_dir():
        return False
    try:
        os.replace(spare, target)
    except OSError:
        return False
    return True
