"""Plain data passed between stages: documents, images, honors.

Documents are frozen: a stage that needs more (URLs, relations) derives it
instead of mutating what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import urls


@dataclass(frozen=True)
class Honor:
    title: str
    year: int
    level: str  # 国家级 省级 市级 县级 单位级


@dataclass(frozen=True)
class ImageRef:
    """An image a document uses; `source` is an absolute path inside content/."""

    source: Path
    alt: str
    field: str  # where it came from, for messages: "photo", "gallery[2]", "正文"
    line: int
    doc: Path  # the Markdown file that uses it


@dataclass(frozen=True)
class Doc:
    source: Path  # the Markdown file
    rel: str  # its path relative to content/, posix
    slug: str
    body_html: str
    draft: bool

    def __hash__(self) -> int:
        # Documents key the export memos, ten thousand a build: their file tells
        # them apart (equal documents have the same file) without hashing every field.
        return hash(self.source)


@dataclass(frozen=True)
class Profile(Doc):
    __hash__ = Doc.__hash__  # not the hash of every field a dataclass would make
    name: str
    category: str
    date: datetime
    photo: ImageRef | None
    unit: str
    position: str
    honors: tuple[Honor, ...]
    summary: str
    tags: tuple[str, ...]
    featured: bool
    body_images: tuple[ImageRef, ...] = ()
    links: tuple[tuple[Path, str, int], ...] = ()  # other documents the body links to: (file, #fragment, line)

    kind = "profile"

    @property
    def title(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return urls.profile(self.slug)

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return ((self.photo,) if self.photo else ()) + self.body_images


@dataclass(frozen=True)
class Activity(Doc):
    __hash__ = Doc.__hash__  # not the hash of every field a dataclass would make
    title: str
    theme: str
    start: datetime
    end: datetime  # always set: defaults to the end of the start day
    all_day: bool  # start/end written as dates without a time
    location: str
    organizer: str
    cover: ImageRef | None
    gallery: tuple[ImageRef, ...]
    summary: str
    tags: tuple[str, ...]
    body_images: tuple[ImageRef, ...] = ()
    links: tuple[tuple[Path, str, int], ...] = ()  # other documents the body links to: (file, #fragment, line)

    kind = "activity"

    @property
    def date(self) -> datetime:
        return self.start

    @property
    def url(self) -> str:
        return urls.activity(self.slug)

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return ((self.cover,) if self.cover else ()) + self.gallery + self.body_images

    def status(self, now: datetime) -> str:
        """即将开始 / 进行中 / 已结束 at the given moment."""
        if now < self.start:
            return "upcoming"
        if now < self.end:
            return "ongoing"
        return "ended"


@dataclass(frozen=True)
class Slogan(Doc):
    __hash__ = Doc.__hash__  # not the hash of every field a dataclass would make
    text: str
    theme: str
    source_name: str  # front matter `source`; `source` is the file
    valid_from: datetime | None
    valid_until: datetime | None  # exclusive: the moment after the `until` day ends
    background: ImageRef | None
    weight: int
    body_images: tuple[ImageRef, ...] = ()
    links: tuple[tuple[Path, str, int], ...] = ()  # other documents the body links to: (file, #fragment, line)

    kind = "slogan"

    @property
    def title(self) -> str:
        return self.text

    @property
    def url(self) -> str:
        return urls.slogan(self.slug)

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return ((self.background,) if self.background else ()) + self.body_images

    def shown_at(self, now: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= now) and (self.valid_until is None or now < self.valid_until)

    def ahead_at(self, now: datetime) -> bool:
        """Its window opens after `now`."""
        return self.valid_from is not None and now < self.valid_from

    def over_at(self, now: datetime) -> bool:
        """Its window closed at or before `now`."""
        return self.valid_until is not None and self.valid_until <= now


@dataclass(frozen=True)
class Page(Doc):
    __hash__ = Doc.__hash__  # not the hash of every field a dataclass would make
    title: str
    weight: int
    menu: bool
    body_images: tuple[ImageRef, ...] = ()
    links: tuple[tuple[Path, str, int], ...] = ()  # other documents the body links to: (file, #fragment, line)

    kind = "page"

    @property
    def url(self) -> str:
        return urls.page(self.slug)

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return self.body_images


@dataclass(frozen=True)
class OutputFile:
    """A file of the built site, before it is written."""

    path: str  # site-relative, e.g. "profiles/zhang-san/index.html"
    data: bytes
    unchanged: bool = False  # the same bytes as the live output's file (not rendered again; `data` is empty)
    key: str = ""  # what the bytes are made from (cached pages); "" when not cached
