"""What one build leaves for the next: one memo per stage.

Each memo is defined in the module of the stage that makes and reads it,
with the key it is made under: load's documents (load.py), the site model's
slugs (site.py), render's pages (render.py), the export pieces (exports.py),
the search index (search.py) and the release that went live (publish.py).
`serve` keeps a `BuildState` in memory from build to build; `build` keeps it
on disk (cache.py, which only saves and loads it). A stage changes only its
own memo; a memo that is missing, or was made under other settings, makes
its stage start afresh, never a different result.

On disk the documents and the export pieces made from each (nine tenths of
the bytes) are kept in shards by document (`split` / `merge`), so that an
edit writes one shard.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .exports import ExportMemo, document_memos, memo_at, without_memos
from .load import LoadMemo
from .publish import ReleaseRecord
from .render import RenderMemo
from .search import IndexState
from .site import SiteMemo

Shard = dict[tuple[str, ...], dict]  # ("docs",) → {path: DocEntry}; an export memo's place → its items


@dataclass
class BuildState:
    load: LoadMemo = field(default_factory=LoadMemo)
    site: SiteMemo = field(default_factory=SiteMemo)
    render: RenderMemo = field(default_factory=RenderMemo)
    exports: ExportMemo = field(default_factory=dict)
    search: IndexState = field(default_factory=dict)  # what the live search index holds
    release: ReleaseRecord | None = None
    # cache.py's note of the shard files this state was read from or last
    # written to, so that an unchanged shard is not written again; never saved.
    stored: dict[int, tuple[str, Shard]] | None = field(default=None, compare=False, repr=False)

    def reset_counts(self) -> None:
        """What a build did (files read, pages rendered) is counted afresh."""
        self.load.parsed = self.load.reused = self.load.removed = 0
        self.render.rendered = self.render.reused = 0

    def split(self, shards: int) -> tuple[BuildState, list[Shard]]:
        """The state without its per-document parts, and those parts in
        `shards` groups by a hash of the document's file."""
        parts: list[Shard] = [{("docs",): {}} for _ in range(shards)]
        for source, entry in self.load.docs.items():
            parts[shard_of(source, shards)][("docs",)][source] = entry
        places = set()
        for place, memo in document_memos(self.exports):
            places.add(place)
            for key, value in memo.items():
                parts[shard_of(key[0].source, shards)].setdefault(place, {})[key] = value
        core = replace(self, load=replace(self.load, docs={}), exports=without_memos(self.exports, places), stored=None)
        return core, parts

    def merge(self, part: Shard) -> None:
        """Put one group of per-document parts back (see `split`)."""
        self.load.docs.update(part[("docs",)])
        for place, items in part.items():
            if place != ("docs",):
                memo_at(self.exports, place).update(items)


def shard_of(source: Path, shards: int) -> int:
    return zlib.crc32(str(source).encode("utf-8", "surrogatepass")) % shards
