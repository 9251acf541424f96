"""Search: a Pagefind index of the finished release, searchable in Chinese.

Input: the release folder with every HTML page written. Output: the
pagefind/ folder inside it (the index, and Pagefind's own pagefind.js that
the /search/ page loads from the site itself); problems when indexing fails.

Only what the templates mark with `data-pagefind-body` is indexed (profiles,
activities, slogans, pages); `data-pagefind-meta` / `data-pagefind-filter`
on those elements give each result its type, date and filters.

Why a per-character index: Pagefind cuts Chinese into words twice, with two
different dictionaries — jieba when indexing, the browser's Intl.Segmenter
when searching — and a word only matches a word. A page about a 养护站 was
indexed as 养护 + 站, a page about 学雷锋 as 学雷锋, so 养护 and 雷锋 missed
most of the pages that contain them. So Pagefind indexes a staged copy of
the pages in which every Han character is its own word (separated by a zero
width space, invisible in excerpts), and search.js asks for the characters
of each search word as an exact phrase: 养护 finds every page containing
养护, like the substring search Chinese readers expect. The published pages
are not changed. The extended Pagefind build (PyPI `pagefind[extended]`)
still segments any other CJK text.

Pagefind keeps every word of every page in memory until it writes the
index, so its peak grows with the text indexed: about 0.3 MB a page here,
whether the characters are parted by zero width spaces or plain spaces,
segmented by jieba or not, on one thread or several.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .config import Config
from .fingerprint import file_id
from .problems import Problems
from .publish import link_or_copy

BUNDLE = urls.SEARCH_INDEX  # the folder inside the release, and its URL: /pagefind/
_TIMEOUT = 300  # seconds; a big site takes a few, a hung binary must not hang serve
_INSTALL_HINT = "安装扩展版 Pagefind：pip install 'pagefind[extended]'"
_MARKER = b"data-pagefind-body"
ZWSP = "\u200b"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
_ACROSS_TAGS = re.compile(f"(?<=[{_HAN}])\x00+(?=[{_HAN}])")  # NUL: where a tag was, see split_han
_TAG_OR_TEXT = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)


SHARD_PAGES = 1000  # pages per index: Pagefind holds all of an index in memory (~0.35 MB a page)
SHARDS_FILE = "shards.json"  # in pagefind/: the other indexes search.js merges into the first
# Pages changed since the shards were made go into one small extra index,
# pagefind/recent/, instead of their shards being indexed again: after an
# edit Pagefind reads one page, not a thousand. Their old versions stay in
# the shards, each carrying a hidden filter value (VERSION_FILTER) that
# search.js excludes (`none`). Past RECENT_PAGES the shards are remade.
RECENT = "recent"
RECENT_PAGES = 100
VERSION_FILTER = "bangyang-v"

# What the live index holds, kept in the build cache between builds:
# {"keys": shard → key, "base": page → hash the shards hold, "recent": page → hash in recent/}.
IndexState = dict[str, dict[str, str]]


def shard_count(pages: int) -> int:
    return max(1, math.ceil(pages / SHARD_PAGES))


def shard_of(path: str, shards: int) -> int:
    """A page's index: by a hash of its path, so it stays put while the count does."""
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % shards


def shard_dir(bundle: Path, shard: int) -> Path:
    """The first index is pagefind/ itself (pagefind.js and the UI files live
    there); the others are pagefind/1/, pagefind/2/, …"""
    return bundle if shard == 0 else bundle / str(shard)


def version_ids(groups: list[list[tuple[str, str]]]) -> dict[str, str]:
    """Each page of the shards → its hidden filter value: shard and place in
    it, short, and the same for as long as the shard is."""
    return {path: f"{shard}.{i}" for shard, group in enumerate(groups) for i, (path, _) in enumerate(group)}


def _groups(pages: dict[str, str]) -> list[list[tuple[str, str]]]:
    """The pages (path → hash) of each shard, in path order."""
    count = shard_count(len(pages))
    groups: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    for path, digest in sorted(pages.items()):
        groups[shard_of(path, count)].append((path, digest))
    return groups


def _shard_key(config: Config, groups: list[list[tuple[str, str]]], shard: int) -> str:
    return hashlib.blake2b(repr((config.language, len(groups), groups[shard])).encode(), digest_size=16).hexdigest()


def _split(
    pages: list[tuple[str, str]], known: IndexState, config: Config, live: Path | None
) -> tuple[dict[str, str], list[list[tuple[str, str]]], dict[str, str], list[str], bool]:
    """What goes where: (the pages the shards hold, grouped by shard too, the
    pages for recent/, the version ids of the shards' pages that are changed
    or gone, whether the live shards stay). They stay when few pages changed
    since they were made, the page count still gives as many shards, and
    every one of them is there as made."""
    base = dict(pages)
    old_base = known.get("base") or {}
    old_keys = known.get("keys") or {}
    if live is None or not old_base or shard_count(len(old_base)) != shard_count(len(pages)):
        return base, _groups(base), {}, [], False
    changed = {path: digest for path, digest in pages if old_base.get(path) != digest}
    gone = [path for path in old_base if path not in base]
    if len(changed) + len(gone) > RECENT_PAGES:
        return base, _groups(base), {}, [], False
    groups = _groups(old_base)
    for shard in range(len(groups)):
        if (
            old_keys.get(str(shard)) != _shard_key(config, groups, shard)
            or not (shard_dir(live / BUNDLE, shard) / "pagefind-entry.json").is_file()
        ):
            return base, _groups(base), {}, [], False
    ids = version_ids(groups)
    stale = sorted(ids[path] for path in [*gone, *(path for path in changed if path in old_base)])
    return old_base, groups, changed, stale, True


@dataclass(frozen=True)
class IndexWork:
    """What an indexing run starts from besides the release folder.

    `pages` (path, hash of its bytes) are the pages marked for search; without
    them every page of the folder is read to find them. `known`: what the
    `live` output's index holds. `previous`: the index of a reused release
    folder (publish.py), moved aside; a shard it holds as the very files live
    holds is moved back. `where`: where a page's file is (laid over, an
    unchanged page stays in output/). `in_place`: the release is laid over
    the live output. `cancel`: set by serve when a save comes."""

    pages: list[tuple[str, str]] | None = None
    live: Path | None = None
    known: IndexState | None = None
    previous: Path | None = None
    cancel: threading.Event | None = None
    where: Callable[[str], Path] | None = None
    in_place: bool = False


def index_release(release_dir: Path, config: Config, problems: Problems, work: IndexWork | None = None) -> IndexState | None:
    """Index the pages of `release_dir` into `release_dir/pagefind/`, in shards
    of at most SHARD_PAGES pages, and return what the index holds (IndexState);
    None when `work.cancel` was set meanwhile (serve: a save came; Pagefind is
    stopped). When few pages changed since the live index's shards were made,
    the shards are linked from there and only the changed pages are indexed,
    into recent/; otherwise a shard whose pages are unchanged is linked and the
    others are made again."""
    work = work or IndexWork()
    bundle = release_dir / BUNDLE
    if bundle.exists():
        problems.error(
            f"{BUNDLE}/",
            0,
            "",
            f"输出文件夹 {BUNDLE}/ 已被网站内容占用，搜索索引无法写入 (output folder {BUNDLE}/ is taken)",
            f"把 content/static/{BUNDLE}/ 或 slug 为 {BUNDLE} 的页面改名",
        )
        return {}
    pages = work.pages
    if pages is None:
        pages = [(path.relative_to(release_dir).as_posix(), "") for path in _html_files(release_dir) if _MARKER in path.read_bytes()]
    if not pages:
        return {}  # nothing is marked for search (a theme without data-pagefind-body): no index, no error
    known, live = work.known or {}, work.live
    hashed = all(digest for _, digest in pages)
    old_keys = known.get("keys") or {}
    kept = False
    if hashed:
        base, groups, recent, stale, kept = _split(pages, known, config, live)
    else:
        base, recent, stale = dict(pages), {}, []
        groups = _groups(base)
    unchanged_recent = recent == (known.get("recent") or {}) and (not recent or (live is not None and (live / BUNDLE / RECENT).is_dir()))
    if work.in_place and kept and unchanged_recent:
        return {"keys": dict(old_keys), "base": base, "recent": recent}  # the live index holds just these pages: nothing to lay over
    # Every shard as the live index holds it (_split checked their keys): laid
    # over, they need not be linked into the release at all; recent/ is made anew.
    stay = work.in_place and kept and bool(recent)
    keys, todo = _shards_to_make(release_dir, config, work, groups, hashed, stay)
    if recent:
        carried = recent == known.get("recent") and live is not None and _carry_shard(live / BUNDLE / RECENT, bundle / RECENT)
        if not carried:
            todo.append((RECENT, sorted(recent), {}))
    if not _make_indexes(release_dir, config, problems, work, todo):
        return None if work.cancel is not None and work.cancel.is_set() and not problems else {}
    bundle.mkdir(parents=True, exist_ok=True)
    shards_in = live / BUNDLE if stay and live is not None else bundle
    listing: dict[str, object] = {
        "shards": [f"{shard}/" for shard in range(1, len(groups)) if (shard_dir(shards_in, shard) / "pagefind-entry.json").is_file()]
    }
    if recent:
        listing["recent"] = f"{RECENT}/"
    if stale:
        listing.update(filter=VERSION_FILTER, stale=stale)
    (bundle / SHARDS_FILE).write_text(json.dumps(listing), encoding="utf-8")
    return {"keys": keys, "base": base if hashed else {}, "recent": recent}


def _shards_to_make(
    release_dir: Path, config: Config, work: IndexWork, groups: list, hashed: bool, stay: bool
) -> tuple[dict[str, str], list[tuple[str, list[str], dict[str, str]]]]:
    """Each shard's key, and the shards to index (name, pages, version ids):
    a shard whose key the live index has is linked from there instead."""
    known, live, bundle = work.known or {}, work.live, release_dir / BUNDLE
    old_keys = known.get("keys") or {}
    ids = version_ids(groups)
    keys: dict[str, str] = {}
    todo: list[tuple[str, list[str], dict[str, str]]] = []
    for shard, group in enumerate(groups):
        key = _shard_key(config, groups, shard)
        if stay:
            keys[str(shard)] = key
            continue
        reusable = hashed and old_keys.get(str(shard)) == key and live is not None
        old = shard_dir(work.previous, shard) if work.previous is not None else None
        if reusable and _carry_shard(shard_dir(live / BUNDLE, shard), shard_dir(bundle, shard), old):
            keys[str(shard)] = key
            continue
        if group:
            todo.append((str(shard), [path for path, _ in group], ids))
        keys[str(shard)] = key if hashed else ""
    return keys, todo


def _make_indexes(
    release_dir: Path, config: Config, problems: Problems, work: IndexWork, todo: list[tuple[str, list[str], dict[str, str]]]
) -> bool:
    """Run Pagefind for each index to make, side by side as memory allows; each
    is made in a folder of its own, then moved into place (Pagefind owns its
    output folder). False when one failed or was cancelled."""
    bundle = release_dir / BUNDLE
    scratch = [(name, paths, versions, release_dir / f".{BUNDLE}-shard-{name}") for name, paths, versions in todo]
    where = work.where or release_dir.joinpath
    with ThreadPoolExecutor(max_workers=shard_workers(len(todo), config.jobs)) as pool:
        done = list(pool.map(lambda job: _index_shard(where, job[1], job[3], config, problems, work.cancel, job[2]), scratch))
    if not all(done):
        for *_, folder in scratch:
            shutil.rmtree(folder, ignore_errors=True)
        return False
    for name, _, _, folder in scratch:
        target = bundle / RECENT if name == RECENT else shard_dir(bundle, int(name))
        target.mkdir(parents=True, exist_ok=True)
        for item in folder.iterdir():
            os.replace(item, target / item.name)
        folder.rmdir()
    return True


SHARD_MEMORY = 1 << 30  # bytes of free memory asked per Pagefind run side by side (one peaks at ~0.4 GB)


def shard_workers(shards: int, jobs: int = 0) -> int:
    """How many shards to index at once: one per core (or `-j`), as free
    memory allows; one where free memory cannot be known."""
    cores = jobs or os.cpu_count() or 1
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        free = 0
    return max(1, min(shards, cores, free // SHARD_MEMORY))


def _carry_shard(source: Path, target: Path, previous: Path | None = None) -> bool:
    """Link a shard's index from the live output (not the other shards below
    the first); or move it from `previous` when that holds the very same files."""
    entry = source / "pagefind-entry.json"
    if not entry.is_file():
        return False
    same = previous is not None and file_id(previous / "pagefind-entry.json") == file_id(entry)
    origin = previous if same and previous is not None else source
    target.mkdir(parents=True, exist_ok=True)
    for item in origin.iterdir():
        if item.name.isdigit() or item.name in (SHARDS_FILE, RECENT):
            continue  # another index's folder, or the list written afresh
        if same:
            os.replace(item, target / item.name)
        elif item.is_dir():
            shutil.copytree(item, target / item.name, copy_function=link_or_copy)
        else:
            link_or_copy(item, target / item.name)
    return True


def _index_shard(
    where: Callable[[str], Path],
    paths: list[str],
    target: Path,
    config: Config,
    problems: Problems,
    cancel: threading.Event | None = None,
    versions: dict[str, str] | None = None,
) -> bool:
    binary, extended = _pagefind_binary()
    if binary is None:
        problems.error("", 0, "", "找不到搜索索引程序 Pagefind (Pagefind is not installed)", _INSTALL_HINT)
        return False
    if not extended:
        problems.warn("", 0, "", "Pagefind 不是扩展版，日文等文字无法分词 (Pagefind without CJK word segmentation)", _INSTALL_HINT)
    # Staged beside the shard's index, inside the release folder: a build killed
    # meanwhile leaves it with the release, which the next build removes
    # (the system's temporary folder would keep it for good).
    tmp = target.with_name(f"{target.name}-pages")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        staged = tmp / "site"
        for rel in paths:
            page = staged / rel
            page.parent.mkdir(parents=True, exist_ok=True)
            html = split_han(where(rel).read_bytes().decode("utf-8", "replace"))
            if versions and rel in versions:
                html = with_version(html, versions[rel])
            page.write_text(html, encoding="utf-8")
        command = [
            str(binary),
            "--site",
            str(staged),
            "--output-path",
            str(target.absolute()),  # Pagefind runs in the staging folder
            # (cwd is the staging folder: no stray pagefind.yml applies.)
            "--force-language",
            config.language.lower(),
            "--silent",
        ]
        try:
            done = _run(command, tmp, cancel)
            if done is None:
                return False  # cancelled: no problem to report
        except subprocess.TimeoutExpired:
            problems.error(
                "", 0, "", f"生成搜索索引超过 {_TIMEOUT} 秒仍未完成 (Pagefind timed out)", "再构建一次；如仍超时，请报告这个问题"
            )
            return False
        except OSError as exc:
            problems.error("", 0, "", f"无法运行搜索索引程序 Pagefind：{exc} (cannot run Pagefind)", _INSTALL_HINT)
            return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if done.returncode != 0 or not (target / "pagefind.js").is_file():
        output = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
        last = " / ".join(line.strip() for line in output.splitlines()[-5:] if line.strip()) or f"exit code {done.returncode}"
        problems.error("", 0, "", f"生成搜索索引失败 (Pagefind failed): {last}", "检查输出文件夹是否可写；如仍失败，请报告这个问题")
        return False
    return True


def _run(command: list[str], cwd: Path, cancel: threading.Event | None) -> subprocess.CompletedProcess[bytes] | None:
    """Run Pagefind to the end (at most _TIMEOUT seconds), or stop it as soon
    as `cancel` is set and return None."""
    if cancel is None:
        return subprocess.run(command, capture_output=True, timeout=_TIMEOUT, env=_pagefind_env(), cwd=cwd, check=False)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pagefind_env(), cwd=cwd) as proc:
        waited = 0.0
        while True:
            try:
                out, err = proc.communicate(timeout=0.05)
                return subprocess.CompletedProcess(command, proc.returncode, out, err)
            except subprocess.TimeoutExpired:
                waited += 0.05
                if cancel.is_set() or waited >= _TIMEOUT:
                    proc.kill()
                    proc.communicate()
                    if cancel.is_set():
                        return None
                    raise


def with_version(html: str, version: str) -> str:
    """The staged page with its hidden version filter, first thing inside the
    element marked for search (Pagefind reads filters only there)."""
    marker = html.find(_MARKER.decode())
    end = html.find(">", marker) if marker >= 0 else -1
    if end < 0:
        return html
    return f'{html[: end + 1]}<span data-pagefind-filter="{VERSION_FILTER}:{version}"></span>{html[end + 1 :]}'


def split_han(html: str) -> str:
    """A zero width space between neighbouring Han characters in text, also
    where only tags come between them (学<b>雷</b>锋, 单位</dt><dd>茅箭: Pagefind
    runs such text together, and jieba would make 学雷锋 and 位茅 words again),
    never inside tags: attribute values are filter and meta values."""
    parts = _TAG_OR_TEXT.split(html.replace("\x00", ""))
    # All the text in one pass, with a NUL where each tag or comment was. Across
    # tags the zero width space starts the next text rather than ends the last:
    # Pagefind puts a full stop after a block that ends in a letter, not after one
    # that ends in a zero width space.
    text = _BETWEEN_HAN.sub(ZWSP, "\x00".join(parts[0::2]))
    parts[0::2] = _ACROSS_TAGS.sub("\\g<0>" + ZWSP, text).split("\x00")
    return "".join(parts)


def _html_files(folder: Path) -> Iterator[Path]:
    """The HTML files under `folder` (os.walk: faster than rglob on a big site)."""
    for root, _dirs, files in os.walk(folder):
        yield from (Path(root, name) for name in files if name.endswith(".html"))


def _pagefind_binary() -> tuple[Path | None, bool]:
    """The Pagefind executable and whether it is the extended (CJK) build.

    PAGEFIND_BINARY_PATH wins (offline installs), then the binary wheels from
    PyPI, then one on PATH."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override), "extended" in Path(override).name
    try:
        from pagefind_bin_extended import get_executable as extended_executable  # type: ignore[import-not-found]

        return Path(extended_executable()), True
    except ImportError:
        pass
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        return Path(get_executable()), False
    except ImportError:
        pass
    for name, extended in (("pagefind_extended", True), ("pagefind", False)):
        found = shutil.which(name)
        if found:
            return Path(found), extended
    return None, False


def _pagefind_env() -> dict[str, str]:
    """Pagefind also reads PAGEFIND_* variables: only the command line applies."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def set_aside_index(release_dir: Path) -> Path | None:
    """A reused release folder (publish.py) still holds the index it was
    published with: set aside, so index_release starts from an empty
    pagefind/ (and finds site content there as a collision) and can move back
    unchanged shards. What stays there is pruned with the other files of the
    old release."""
    index = release_dir / BUNDLE
    if not index.is_dir() or index.is_symlink():
        return None
    aside = release_dir / f".{BUNDLE}-old"
    if aside.exists():
        shutil.rmtree(aside)
    index.rename(aside)
    return aside


def carry_index(live: Path, release_dir: Path) -> None:
    """The live index into a release that makes none (serve's first build: it refreshes the index after)."""
    index = live / BUNDLE
    if index.is_dir() and not (release_dir / BUNDLE).exists():
        shutil.copytree(index, release_dir / BUNDLE, copy_function=link_or_copy)
