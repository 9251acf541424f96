"""Stage 3 — site model: documents → URLs, taxonomies and relations.

Input: `Config`, `Content`, the build time. Output: a frozen `SiteModel` the
templates read (categories, themes, tags, the 荣誉榜, activity groups,
current slogans), plus problems for two sources that want one URL.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path

from . import urls
from .config import HONOR_LEVELS, Config
from .load import Content
from .models import Activity, Doc, Honor, Page, Profile, Slogan
from .problems import Problems
from .slugs import slugify

# First path segments the generator itself uses; a free page may not take them.
RESERVED = frozenset(
    {
        "profiles",
        "activities",
        "slogans",
        "honors",
        "tags",
        "search",
        "kiosk",
        "api",
        "assets",
        "media",
        urls.SEARCH_INDEX,
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "build.json",
        "index.html",
    }
)


@dataclass(frozen=True)
class Term:
    """A category, theme or tag with its members."""

    name: str
    slug: str
    url: str
    profiles: tuple[Profile, ...] = ()
    activities: tuple[Activity, ...] = ()

    @property
    def count(self) -> int:
        return len(self.profiles) + len(self.activities)

    @functools.cached_property
    def places(self) -> dict[Path, int]:
        """Where each profile stands in `profiles`, by its file."""
        return {p.source: i for i, p in enumerate(self.profiles)}


@dataclass(frozen=True)
class HonorEntry:
    honor: Honor
    profile: Profile


@dataclass(frozen=True)
class HonorYear:
    year: int
    levels: tuple[tuple[str, tuple[HonorEntry, ...]], ...]  # (level, entries) in level order

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.levels)


@dataclass(frozen=True)
class YearGroup:
    year: int
    activities: tuple[Activity, ...]


@dataclass(frozen=True)
class SiteModel:
    config: Config
    now: datetime
    profiles: tuple[Profile, ...]
    activities: tuple[Activity, ...]
    slogans: tuple[Slogan, ...]
    pages: tuple[Page, ...]
    categories: tuple[Term, ...]
    themes: tuple[Term, ...]
    tags: tuple[Term, ...]
    honors: tuple[HonorYear, ...]
    upcoming: tuple[Activity, ...]  # soonest first
    ongoing: tuple[Activity, ...]
    past_by_year: tuple[YearGroup, ...]  # newest year first
    current_slogans: tuple[Slogan, ...]
    # Slogans not public until their window opens; only kiosk screens carry them (kiosk.py).
    slogans_ahead: tuple[Slogan, ...] = ()
    # The documents by their file (resolved, posix), for bodies that link to
    # another document; empty when no body does (resolving every path costs).
    by_file: Mapping[str, Doc] = field(default_factory=dict, compare=False, repr=False)
    # Slogan files a body links to that are not on the site now (their window
    # has not opened or has closed): such a link goes to the slogans page.
    unlisted: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def address_of_file(self, path: str) -> str | None:
        """The address a body's link to the content file `path` (posix) goes to."""
        doc = self.by_file.get(path)
        return doc.url if doc is not None else self.unlisted.get(path)

    @property
    def featured(self) -> tuple[Profile, ...]:
        return tuple(p for p in self.profiles if p.featured)

    def category_of(self, profile: Profile) -> Term:
        return next(t for t in self.categories if t.name == profile.category)

    def theme_of(self, activity: Activity) -> Term:
        return next(t for t in self.themes if t.name == activity.theme)

    def tag_terms(self, names: tuple[str, ...]) -> tuple[Term, ...]:
        by_name = {t.name: t for t in self.tags}
        return tuple(by_name[n] for n in names if n in by_name)

    def latest(self, count: int = 8) -> tuple[Doc, ...]:
        items: list[Profile | Activity] = [*self.profiles, *self.activities]
        items.sort(key=lambda d: d.date, reverse=True)
        return tuple(items[:count])


@dataclass
class SiteMemo:
    """The site model's memo: the slug of each category, theme and tag name
    seen before (pinyin is slow to load, and slugs must not move)."""

    slugs: dict[str, str] = field(default_factory=dict)


def build_site_model(config: Config, content: Content, now: datetime, problems: Problems, slugs: dict[str, str] | None = None) -> SiteModel:
    """`slugs`: the slugs of names seen before (a build cache keeps them: pinyin is slow to load)."""
    known = slugs if slugs is not None else {}

    def slug(name: str) -> str:
        if name not in known:
            known[name] = slugify(name)
        return known[name]

    _check_collisions(content, problems)
    by_file = _linked_files(content, config.content_dir)
    unlisted = _check_links(by_file, config.content_dir, problems)
    categories = tuple(
        Term(name, slug, urls.category(slug), profiles=tuple(p for p in content.profiles if p.category == name))
        for name, slug in _unique_slugs(config.categories, slug)
    )
    themes = tuple(
        Term(name, slug, urls.theme(slug), activities=tuple(a for a in content.activities if a.theme == name))
        for name, slug in _unique_slugs(config.themes, slug)
    )
    tag_names = sorted({t for d in (*content.profiles, *content.activities) for t in d.tags}, key=slug)
    tagged: dict[str, tuple[list[Profile], list[Activity]]] = {name: ([], []) for name in tag_names}
    for profile in content.profiles:
        for name in dict.fromkeys(profile.tags):
            tagged[name][0].append(profile)
    for activity in content.activities:
        for name in dict.fromkeys(activity.tags):
            tagged[name][1].append(activity)
    tags = tuple(
        Term(name, slug, urls.tag(slug), profiles=tuple(tagged[name][0]), activities=tuple(tagged[name][1]))
        for name, slug in _unique_slugs(tag_names, slug)
    )
    upcoming = tuple(sorted((a for a in content.activities if a.status(now) == "upcoming"), key=lambda a: a.start))
    ongoing = tuple(sorted((a for a in content.activities if a.status(now) == "ongoing"), key=lambda a: a.end))
    ended = [a for a in content.activities if a.status(now) == "ended"]  # already newest first
    past = tuple(YearGroup(year, tuple(group)) for year, group in groupby(ended, key=lambda a: a.start.year))
    return SiteModel(
        config=config,
        now=now,
        profiles=content.profiles,
        activities=content.activities,
        slogans=content.slogans,
        pages=content.pages,
        categories=categories,
        themes=themes,
        tags=tags,
        honors=_honor_roll(content.profiles),
        upcoming=upcoming,
        ongoing=ongoing,
        past_by_year=past,
        current_slogans=tuple(s for s in content.slogans if s.shown_at(now)),
        slogans_ahead=content.slogans_ahead,
        by_file=by_file,
        unlisted=unlisted,
    )


def _unique_slugs(names: list[str] | tuple[str, ...], slug: Callable[[str], str] = slugify) -> list[tuple[str, str]]:
    """Pinyin slugs, made unique: 公路 and 攻路 both read gong-lu."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = slug(name) or "x"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append((name, base if n == 0 else f"{base}-{n + 1}"))
    return out


def _honor_roll(profiles: tuple[Profile, ...]) -> tuple[HonorYear, ...]:
    by_year: dict[int, list[HonorEntry]] = defaultdict(list)
    for profile in profiles:
        for honor in profile.honors:
            by_year[honor.year].append(HonorEntry(honor, profile))
    years = []
    for year in sorted(by_year, reverse=True):
        entries = by_year[year]
        levels = tuple(
            (level, tuple(sorted((e for e in entries if e.honor.level == level), key=lambda e: (e.profile.name, e.honor.title))))
            for level in HONOR_LEVELS
            if any(e.honor.level == level for e in entries)
        )
        years.append(HonorYear(year, levels))
    return tuple(years)


def _linked_files(content: Content, content_dir: Path) -> dict[str, Doc]:
    docs = (*content.profiles, *content.activities, *content.pages, *content.slogans)
    if not any(d.links for d in docs):
        return {}
    # Documents are found without entering linked folders, so below content/ only
    # the file itself can be a link: resolve content/ once, and each file that is a link.
    root = str(content_dir) + os.sep
    real_root = os.path.realpath(content_dir) + os.sep

    def real(path: Path) -> str:
        text = str(path)
        if text.startswith(root) and not os.path.islink(text):
            text = real_root + text[len(root) :]
        else:
            text = os.path.realpath(text)
        return text.replace(os.sep, "/")

    return {real(d.source): d for d in docs}


def _check_links(by_file: dict[str, Doc], content_dir: Path, problems: Problems) -> dict[str, str]:
    """A link to another Markdown file must reach a published document (and its
    heading). A slogan comes and goes by its dates, and nobody is there to
    mend a link the day it goes: a link to a slogan not on the site now goes
    to the slogans page, with a warning. Returns those slogan files."""
    slogans = os.path.realpath(content_dir / "slogans").replace(os.sep, "/") + "/"
    unlisted: dict[str, str] = {}
    for doc in by_file.values():
        for target, fragment, line in doc.links:
            other = by_file.get(target.as_posix())
            if other is None and target.as_posix().startswith(slogans) and target.is_file():
                unlisted[target.as_posix()] = urls.SLOGANS
                problems.warn(
                    doc.source,
                    line,
                    "正文 body",
                    f"链接的标语 {target.name} 现在不在网站上（未到或已过展示期），链接改为指向宣传标语页 (slogan not shown now)",
                    "标语有自己的展示期；想一直链接，就链接到宣传标语页",
                )
            elif other is None:
                problems.error(
                    doc.source,
                    line,
                    "正文 body",
                    f"链接的 {target.name} 没有发布（草稿、日期未到或有错误） (link to an unpublished document)",
                    "发布那篇内容，或删去这个链接",
                )
            elif fragment and f'id="{fragment}"' not in other.body_html:
                problems.error(
                    doc.source,
                    line,
                    "正文 body",
                    f"{target.name} 里没有小标题“{fragment}” (broken anchor)",
                    "链接写成 [文字](文件.md#小标题文字)",
                )
    return unlisted


def _check_collisions(content: Content, problems: Problems) -> None:
    owners: dict[str, Doc] = {}
    # Slogans still ahead too: a kiosk screen carries them by their slug already.
    for doc in (*content.profiles, *content.activities, *content.pages, *content.slogans, *content.slogans_ahead):
        url = doc.url
        if isinstance(doc, Page) and doc.slug.split("/")[0] in RESERVED:
            problems.error(
                doc.source, 0, "slug", f"网址 /{url} 已被网站自身使用 (reserved URL)", f"换一个 slug，不要用：{'、'.join(sorted(RESERVED))}"
            )
            continue
        if url in owners:
            other = owners[url]
            problems.error(
                doc.source,
                0,
                "slug",
                f"与 content/{other.rel} 的网址相同：/{url} (two files want one URL)",
                "给其中一个文件写不同的 slug: …，或改文件名",
            )
        else:
            owners[url] = doc
