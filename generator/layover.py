"""Laying files over output/: each moved in whole, a folder swapped in one
step where the system can, and a journal that makes the whole resumable.

A release laid over the live output (publish.py) moves its files in one by
one, `build.json` last, then deletes what is gone. The steps are written to
a journal in the work folder first; a build killed halfway leaves it, and
the next build, under the output lock and before anything else, finishes
them (`finish_interrupted`), so readers and kiosks never keep a mixed site.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .workdir import delete, work_folder

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


JOURNAL = "journal.json"  # in the work folder while a release is laid over


@dataclass
class Journal:
    """The steps of laying a release over output/, kept on disk while they run.
    Each step can be taken again: a file still in the release folder has not
    been moved, a folder swap is marked done as it is made, and deleting what
    is already gone does nothing."""

    path: Path
    release: str
    files: list[str]
    folders: list[str]
    late: list[str]  # build.json last: kiosks switch only when it changes
    gone: list[str]
    swapped: list[str] = field(default_factory=list)

    def save(self) -> None:
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    @classmethod
    def load(cls, path: Path) -> Journal | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, **{k: data[k] for k in ("release", "files", "folders", "late", "gone", "swapped")})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def apply(self, out: Path) -> None:
        release = Path(self.release)
        for rel in self.files:
            _move_if_there(release, out, rel)
        for name in self.folders:
            if name not in self.swapped:
                _swap_folder(release, out, name)
                self.swapped.append(name)
                self.save()
        for rel in self.late:
            _move_if_there(release, out, rel)
        for rel in self.gone:
            path = out / rel
            if path.is_file() or path.is_symlink():
                path.unlink()
            for parent in path.parents:
                if parent == out or not parent.is_dir() or any(parent.iterdir()):
                    break
                parent.rmdir()
        self.path.unlink()


def finish_interrupted(output_dir: Path, cache_dir: Path) -> bool:
    """Finish laying over a release that a killed build left halfway (its
    journal is still there), so output/ is one whole release again before
    anything else reads or writes it. Call under the output lock. True if
    there was one to finish."""
    path = work_folder(cache_dir, output_dir) / JOURNAL
    if not path.exists():
        return False
    journal = Journal.load(path)
    if journal is None or not Path(journal.release).is_dir():
        path.unlink(missing_ok=True)  # nothing left to move: the files are in place or gone with the folder
        return False
    journal.apply(output_dir)
    delete(Path(journal.release))
    return True


def _move_if_there(release: Path, out: Path, rel: str) -> None:
    source = release / rel
    if source.is_file() or source.is_symlink():
        clear_way(out, out / rel)
        os.replace(source, out / rel)


def _swap_folder(release: Path, out: Path, name: str) -> None:
    fresh, target = release / name, out / name
    if not fresh.is_dir():
        return
    if target.is_dir() and not target.is_symlink():
        # Swapped in one step where the system can; the old folder stays in
        # the release folder, deleted with it.
        if not exchange(fresh, target):
            os.replace(target, release / f".{name.replace('/', '-')}-old")
            os.replace(fresh, target)
    else:
        clear_way(out, target)
        os.replace(fresh, target)


def clear_way(out: Path, target: Path) -> None:
    """Make room for a file at `target`: a folder where the file goes, or a
    file where one of its folders goes (a static file became a folder), is removed."""
    for parent in reversed(target.relative_to(out).parents):
        folder = out / parent
        if folder.is_file() or folder.is_symlink():
            folder.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
