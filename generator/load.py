"""Stage 2 — load: content files → validated documents.

Input: `Config`, the build time, a `Problems` collector. Output: a `Content`
with every published profile, activity, slogan and page, all fields typed and
checked (dates in the site's time zone, categories and themes from
site.toml, images found inside content/). Drafts, future-dated profiles
and slogans whose window opens later are validated but left out unless
`--drafts` / `--future`; slogans whose window has closed are left out. The
slogans left out only until their day are kept apart: kiosk screens carry
them ahead, hidden until then by the screen's own clock. Files are found in
the inputs' walk (inputs.py), read by sources.py and checked by validate.py,
many at a time on all cores; the cache keeps each file's document.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .config import Config
from .fingerprint import PRESENT, Stamp, digest, presence, stamp
from .inputs import Listing, Scan, is_ignored
from .markup import MarkdownRenderer
from .models import Activity, Doc, Page, Profile, Slogan
from .placeholders import check_scaffold_text
from .problems import Problem, Problems, has_control
from .schema import ALL_KEYS, FOLDERS, KINDS
from .sources import read_source
from .validate import Validator


@dataclass(frozen=True)
class Content:
    profiles: tuple[Profile, ...]
    activities: tuple[Activity, ...]
    slogans: tuple[Slogan, ...]
    pages: tuple[Page, ...]
    slogans_ahead: tuple[Slogan, ...] = ()  # not public yet: for kiosk screens only


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


@dataclass
class LoadMemo:
    """load's memo: each content file's document (or its problems), with the
    stamps of the files it read; a file whose stamps are unchanged is not
    read, parsed or rendered as Markdown again. Made under `settings_key`
    (categories, themes, time zone, folders): other settings start it afresh."""

    settings_key: str = ""
    docs: dict[Path, DocEntry] = field(default_factory=dict)
    # What this build did (not kept between builds).
    parsed: int = 0
    reused: int = 0
    removed: int = 0

    def version_of(self, doc: Doc) -> str:
        """What stands for a document's inputs in page keys."""
        entry = self.docs.get(doc.source)
        return entry.version if entry else ""

    def card_of(self, doc: Doc) -> str:
        """What stands for a document shown without its text (a list's card)."""
        entry = self.docs.get(doc.source)
        return entry.card if entry else ""


def memo_key(config: Config, rel_to: Path | None) -> str:
    """The settings a document's checks depend on (problems name paths relative to `rel_to`)."""
    return digest((config.categories, config.themes, config.timezone, str(config.content_dir), str(rel_to)))


MARKDOWN_SUFFIXES = (".md", ".markdown")


def discover(content_dir: Path, problems: Problems, folders: Mapping[str, Listing]) -> list[tuple[str, Path]]:
    """(kind, markdown path) for every content file, in a stable order, from
    the listings of the inputs' walk (inputs.py)."""
    found: list[tuple[str, Path]] = []
    if not content_dir.is_dir():
        problems.error(
            content_dir,
            0,
            "",
            "找不到 content 文件夹 (no content/ folder)",
            "在网站文件夹里运行命令，或用 --site 指定网站文件夹；新建网站用 bangyang init 文件夹名",
        )
        return found
    for child in sorted(content_dir.iterdir()):
        if child.is_dir() and child.name in FOLDERS:
            kind = FOLDERS[child.name]
            for path, is_file in _walk(child, problems, content_dir, folders):
                if not is_file:
                    continue
                lower = path.name.lower()
                if lower.endswith(MARKDOWN_SUFFIXES):
                    if path.name != "index.md" and _in_bundle(path, child):
                        continue  # extra Markdown beside a bundle's index.md: notes, not pages
                    found.append((kind, path))
                elif lower.endswith((".md.txt", ".markdown.txt")):
                    problems.error(
                        path,
                        0,
                        "",
                        "文件名多了 .txt 后缀 (file saved as .md.txt)",
                        f"把文件改名为 {path.name[:-4]}（在资源管理器中打开“显示文件扩展名”）",
                    )
        elif child.is_dir() and child.name != "static" and not is_ignored(child.name):
            problems.warn(
                child,
                0,
                "",
                f"不认识的文件夹 content/{child.name}，已忽略 (unknown folder)",
                "内容应放在 profiles、activities、slogans、pages 或 static 里",
            )
    return found


def _walk(folder: Path, problems: Problems, content_dir: Path, folders: Mapping[str, Listing]) -> list[tuple[Path, bool]]:
    """(path, is a file) for everything below `folder`, sorted like the paths
    themselves, from the walk's listings (ignored names are not in them);
    symbolic links are checked but never followed into (a loop cannot hang
    the build). An unreadable folder has no listing: nothing from it."""
    entries: list[tuple[str, bool]] = []
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        for name, kind in folders.get(current, ()):
            path = os.path.join(current, name)
            if kind == "l" or has_control(name):
                if _safe_source(Path(path), content_dir, problems):
                    entries.append((path, os.path.isfile(path)))
            elif kind == "d":
                pending.append(path)
            else:
                entries.append((path, kind == "f"))
    entries.sort(key=lambda item: item[0].split(os.sep))  # the order of the paths' parts, as Path sorts
    return [(Path(path), is_file) for path, is_file in entries]


def _safe_source(path: Path, content_dir: Path, problems: Problems) -> bool:
    """No file outside content/ is ever read: symlinks out, loops and names with
    control characters are reported and skipped."""
    if has_control(path.name):
        problems.error(repr(path.name), 0, "", "文件名里有控制字符 (control character in a file name)", "把文件改成普通的名字")
        return False
    if not path.is_symlink():
        return True
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.error(path, 0, "", "符号链接无效或循环 (broken or looping symlink)", "删除这个链接，放入真正的文件")
        return False
    if not target.is_relative_to(content_dir.resolve()):
        problems.error(path, 0, "", "这个链接指向 content 文件夹之外，不会读取 (symlink outside content/)", "把文件本身复制到 content 里")
        return False
    return True


def _in_bundle(path: Path, kind_dir: Path) -> bool:
    """A file below a sub-folder that has an index.md belongs to that bundle."""
    for parent in path.parents:
        if parent == kind_dir:
            return False
        if (parent / "index.md").is_file():
            return True
    return False


def load_content(config: Config, now: datetime, problems: Problems, scan: Scan, memo: LoadMemo | None = None) -> Content:
    """Every published document, from the input files as the walk found them
    (listed and stamped, inputs.py). With the memo of the last build, files
    whose stamps (and those of the images and bundle they use) are unchanged
    are not read again; the memo is left holding this build's documents."""
    memo = memo if memo is not None else LoadMemo()
    # Problems are stored with paths relative to where the command runs.
    settings = memo_key(config, problems.rel_to)
    if memo.settings_key != settings:
        memo.docs.clear()
        memo.settings_key = settings
    found = discover(config.content_dir, problems, scan.folders)
    todo = [(kind, path) for kind, path in found if not (path in memo.docs and memo.docs[path].is_current(scan.stamps))]
    for path, entry in _parse_all(todo, config, problems.rel_to).items():
        # One Path object for the key and the document's source: the cache file stores it once.
        memo.docs[entry.doc.source if entry.doc is not None and entry.doc.source == path else path] = entry
    memo.parsed += len(todo)
    memo.reused += len(found) - len(todo)
    docs: dict[str, list[Doc]] = {k: [] for k in KINDS}
    ahead: list[Slogan] = []
    seen: set[Path] = set()
    for kind, path in found:
        seen.add(path)
        entry = memo.docs[path]
        problems.items.extend(entry.problems)
        doc = entry.doc
        if doc is None:
            continue
        if is_published(doc, config, now):
            docs[kind].append(doc)
        elif isinstance(doc, Slogan) and is_ahead(doc, config, now):
            ahead.append(doc)
    for gone in set(memo.docs) - seen:
        del memo.docs[gone]
        memo.removed += 1
    return _sorted_content(docs, ahead)


def is_published(doc: Doc, config: Config, now: datetime) -> bool:
    """Drafts (without --drafts), profiles dated in the future and slogans whose
    window opens later (without --future), and slogans whose window has closed,
    are left out."""
    if doc.draft and not config.drafts:
        return False
    if isinstance(doc, Slogan):
        return not doc.over_at(now) and (config.future or not doc.ahead_at(now))
    return not (isinstance(doc, Profile) and doc.date > now and not config.future)


def is_ahead(slogan: Slogan, config: Config, now: datetime) -> bool:
    """Left out only because its window opens later (without --future): kiosk
    screens carry it ahead and show it on its day by their own clock."""
    return not is_published(slogan, config, now) and not (slogan.draft and not config.drafts) and slogan.ahead_at(now)


def _sorted_content(docs: dict[str, list[Doc]], ahead: Iterable[Slogan] = ()) -> Content:
    return Content(
        profiles=tuple(sorted(docs["profile"], key=lambda d: (-d.date.timestamp(), d.slug))),
        activities=tuple(sorted(docs["activity"], key=lambda d: (-d.start.timestamp(), d.slug))),
        slogans=tuple(sorted(docs["slogan"], key=lambda d: (-d.weight, d.slug))),
        pages=tuple(sorted(docs["page"], key=lambda d: (d.weight, d.slug))),
        slogans_ahead=tuple(sorted(ahead, key=lambda d: (-d.weight, d.slug))),
    )


def content_of(docs: Iterable[Doc], config: Config, now: datetime) -> Content:
    """The Content `load_content` makes of these documents, without reading a
    file: serve's express path puts one saved document among the documents
    of the last build and needs the same lists in the same order."""
    by_kind: dict[str, list[Doc]] = {k: [] for k in KINDS}
    ahead: list[Slogan] = []
    for doc in docs:
        if is_published(doc, config, now):
            by_kind[doc.kind].append(doc)
        elif isinstance(doc, Slogan) and is_ahead(doc, config, now):
            ahead.append(doc)
    return _sorted_content(by_kind, ahead)


def load_document(kind: str, path: Path, config: Config, rel_to: Path | None) -> DocEntry:
    """One content file read, validated and rendered afresh, exactly as a build
    does it (serve's express path: the document just saved); no cache is touched."""
    return _parse_chunk([(kind, path)], config, rel_to)[path]


PARALLEL_FROM = 200  # files; below this a process pool costs more than it saves


def _parse_all(todo: list[tuple[str, Path]], config: Config, rel_to: Path | None) -> dict[Path, DocEntry]:
    """Read, validate and render every file of `todo`. Python-Markdown is most of
    a cold build, so many files are spread over processes (each with its own
    renderer); problems travel back inside each DocEntry."""
    workers = min(config.jobs or os.cpu_count() or 1, len(todo) // (PARALLEL_FROM // 2) or 1)
    if workers <= 1 or len(todo) < PARALLEL_FROM:
        return _parse_chunk(todo, config, rel_to)
    chunks = [todo[i::workers] for i in range(workers)]
    entries: dict[Path, DocEntry] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_parse_chunk, chunks, [config] * workers, [rel_to] * workers):
            entries.update(part)
    return entries


def _parse_chunk(todo: list[tuple[str, Path]], config: Config, rel_to: Path | None) -> dict[Path, DocEntry]:
    renderer = MarkdownRenderer(config.content_dir)
    entries = {}
    for kind, path in todo:
        entries[path] = _load_one(kind, path, config, Problems(rel_to=rel_to), renderer)
    return entries


def _load_one(kind: str, path: Path, config: Config, problems: Problems, renderer: MarkdownRenderer) -> DocEntry:
    mark = len(problems.items)
    renderer.touched.clear()
    renderer.linked.clear()
    source = read_source(path, problems, ALL_KEYS)
    if source is not None:
        check_scaffold_text(source, problems)
    doc = Validator(source, kind, config, problems, renderer).build() if source is not None else None
    deps = [path, *renderer.touched]
    if path.name == "index.md":
        deps.append(path.parent)  # a photo added to the bundle changes the default gallery
    stamps = {str(p): stamp(p) for p in deps}
    for target in renderer.linked:
        stamps.setdefault(str(target), presence(target))
    return DocEntry(tuple(stamps.values()), doc, tuple(problems.items[mark:]))
