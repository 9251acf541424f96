"""Stage 5 — render: the site model → HTML pages (Jinja).

Input: `SiteModel` and the image plan. Output: `OutputFile`s, one at a time
(site-relative path, bytes). Nothing here touches the disk except reading
templates; the publish stage writes. A site's own templates/ overrides the
built-in theme file by file.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from . import urls
from .config import Config
from .environment import PageMeta, QRCodes, SiteEnvironment, make_environment, theme_dirs
from .fingerprint import FileId, digest
from .images import PublishedImage
from .inputs import Scan
from .links import relative_to_page
from .load import LoadMemo
from .markup import cut_summary
from .models import Activity, Doc, OutputFile, Page, Profile, Slogan
from .problems import Problems
from .site import SiteModel


@dataclass(frozen=True)
class PageEntry:
    key: str  # what the bytes were made from
    digest: str  # hash of the bytes (for the release id)
    file: FileId  # the file written for them
    searchable: bool  # marked for the search index


@dataclass
class RenderMemo:
    """render's memo: each page's key, the hash of its bytes and the file
    written for it (a page whose key is unchanged and whose file the live
    output still holds is not rendered again); whether each template shows a
    document's text; the kiosk screens' QR codes (URL → SVG)."""

    pages: dict[str, PageEntry] = field(default_factory=dict)
    # Whether a template (with those it extends, includes or imports) names
    # `body_html`, by the key of the templates (plan_pages).
    shows_text: dict[tuple[str, str], bool] = field(default_factory=dict)
    qr_codes: dict[str, str] = field(default_factory=dict)
    # What this build did (not kept between builds).
    rendered: int = 0
    reused: int = 0


@dataclass(frozen=True)
class PageJob:
    template: str
    path: str
    # The template's variables, or what makes them when the page is rendered:
    # most pages of a rebuild are not, and a document page's context costs.
    args: dict[str, Any] | Callable[[], dict[str, Any]]
    deps: tuple[Doc, ...] | None  # the documents the page shows; None: all of them
    shows: str = ""  # anything else the page shows that its documents do not tell (counts of other terms)
    # Documents the page shows without their text (cards): an edit of a
    # document's text leaves such a page as it is, unless its template names `body_html`.
    cards: tuple[Doc, ...] = ()

    @property
    def context(self) -> dict[str, Any]:
        return self.args() if callable(self.args) else self.args


@dataclass
class PagePlan:
    """Every page of the site with the key of its inputs, decided before anything
    is rendered: a build can tell from it alone whether anything changed."""

    env: SiteEnvironment
    qr_codes: QRCodes
    jobs: list[tuple[PageJob, str, bool]]  # (job, key, reuse the live output's file)
    common: str  # the key part every page shares (settings, templates, taxonomies, clock)
    everything: str  # the versions of all documents
    images: dict[Path, PublishedImage]
    asset_hashes: dict[str, str]

    @property
    def all_reused(self) -> bool:
        return all(reuse for _, _, reuse in self.jobs)


@dataclass(frozen=True)
class Theme:
    """What a page key says of the theme: each asset's version (?v=…) and the
    stamps of the templates (`template_stamps`)."""

    asset_hashes: dict[str, str]
    templates: tuple[tuple[str, int, int], ...] = ()


def plan_pages(
    site: SiteModel,
    images: dict[Path, PublishedImage],
    theme: Theme,
    memo: RenderMemo | None = None,
    documents: LoadMemo | None = None,
    reusable: Callable[[str, PageEntry], bool] | None = None,
) -> PagePlan:
    """Keys for every page, the documents standing in them by their versions in
    `documents` (load's memo); with the memo of the last build, a page whose
    key is unchanged and that `reusable` says the live output still holds is
    marked for reuse."""
    memo = memo if memo is not None else RenderMemo()
    documents = documents if documents is not None else LoadMemo()
    asset_hashes = theme.asset_hashes
    qr_codes = QRCodes(memo.qr_codes)
    env = make_environment(site, images, asset_hashes, qr_codes)
    version_of = _versions(site, documents.version_of)
    card_of = _versions(site, documents.card_of)
    every = "\0".join(version_of(d) for d in (*site.profiles, *site.activities, *site.slogans, *site.pages))
    everything = hashlib.blake2b(every.encode(), digest_size=16).hexdigest()
    common = _common_key(site, asset_hashes, theme.templates)
    shows_text = _shows_text(env, common, memo)
    jobs = []
    for job in _pages(site, images):
        deps = everything if job.deps is None else "\0".join(version_of(d) for d in job.deps)
        if job.cards:
            as_card = version_of if shows_text(job.template) else card_of
            deps += "\1" + "\0".join(as_card(d) for d in job.cards)
        key = hashlib.blake2b(f"{common}\0{job.template}\0{job.shows}\0{deps}".encode(), digest_size=16).hexdigest()
        known = memo.pages.get(job.path)
        jobs.append((job, key, known is not None and known.key == key and reusable is not None and reusable(job.path, known)))
    return PagePlan(env, qr_codes, jobs, common, everything, images, asset_hashes)


def _shows_text(env: jinja2.Environment, common: str, render_memo: RenderMemo) -> Callable[[str], bool]:
    """Whether a template may show a document's text: it, or a template it
    extends, includes or imports, names `body_html` (or names another template
    by an expression, which cannot be followed). Such a template's cards count
    as whole documents in page keys. Kept in the memo while the templates are
    the same (`common` has their stamps)."""
    memo = {template: said for (key, template), said in render_memo.shows_text.items() if key == common}
    render_memo.shows_text = {(common, template): said for template, said in memo.items()}

    def names_text(template: str, seen: frozenset[str] = frozenset()) -> bool:
        if template in memo:
            return memo[template]
        try:
            source, _, _ = env.loader.get_source(env, template)  # type: ignore[union-attr]
            parsed = env.parse(source)
        except jinja2.TemplateError:
            return True  # rendering reports it; until then, the safe answer
        said = "body_html" in source
        for other in jinja2.meta.find_referenced_templates(parsed):
            if said:
                break
            said = other is None or (other not in seen and names_text(other, seen | {template}))
        memo[template] = render_memo.shows_text[(common, template)] = said
        return said

    return names_text


def _versions(site: SiteModel, base: Callable[[Doc], str]) -> Callable[[Doc], str]:
    """What stands for a document in page keys: `base` (its inputs' version, or its card's), what it
    shows by the clock, and the URLs of the documents it links to (which its pages show). Only whether a
    linked document is there is part of the version (fingerprint.presence): an edit
    of it does not make every page that shows a document linking to it new."""
    known: dict[int, str] = {}

    def version_of(doc: Doc) -> str:
        version = known.get(id(doc))
        if version is None:
            version = base(doc)
            # What it shows by the clock: a page listing it changes when that does.
            if isinstance(doc, Activity):
                version += doc.status(site.now)
            elif isinstance(doc, Slogan):
                version += "+" if doc.shown_at(site.now) else "-"
            if doc.links:
                linked = (site.address_of_file(t.as_posix()) for t, _, _ in doc.links)
                version = "\0".join((version, *(address or "" for address in linked)))
            known[id(doc)] = version
        return version

    return version_of


PARALLEL_RENDER_FROM = 400  # pages to render; below this a process pool costs more than it saves
_CHUNK = 50  # pages per task: results come back in order, a chunk at a time


def render_pages(plan: PagePlan, site: SiteModel, problems: Problems, memo: RenderMemo | None = None) -> Iterator[OutputFile]:
    """Every page, one at a time, in the plan's order (the caller writes each
    before the next is made, so a big site is never all in memory); a reused
    page comes back `unchanged`, without bytes. Many pages are rendered on
    all cores: each worker process gets the site model once and makes its
    own environment."""
    memo = memo if memo is not None else RenderMemo()
    todo = [i for i, (_, _, reuse) in enumerate(plan.jobs) if not reuse]
    workers = min(site.config.jobs or os.cpu_count() or 1, len(todo) // (PARALLEL_RENDER_FROM // 2) or 1)
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(todo) >= PARALLEL_RENDER_FROM:
            pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(site, plan.images, plan.asset_hashes))
            )
            chunks = [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
            rendered = (item for part in pool.map(_render_chunk, chunks) for item in part)
        else:
            # Every role model and activity page shows a QR code: encode the missing ones in parallel first.
            paths = {plan.jobs[i][0].path for i in todo}
            targets = [
                d.url
                for d in (*site.profiles, *site.activities)
                if urls.page_file(d.url) in paths or urls.page_file(urls.poster(d.url)) in paths
            ]
            plan.qr_codes.prefill([plan.env.abs_url(url) for url in targets], site.config.jobs)
            rendered = ((i, plan.jobs[i][0].path, *_render_one(plan.env, plan.jobs[i][0])) for i in todo)
        for job, key, reuse in plan.jobs:
            if reuse:
                memo.reused += 1
                yield OutputFile(job.path, b"", unchanged=True, key=key)
                continue
            _, path, data, error = next(rendered)
            if path != job.path:  # the workers list the pages from the same model, in the same order
                raise RuntimeError(f"render worker returned {path} for {job.path}")
            if error is not None:
                name, line, message = error
                problems.error(
                    f"templates/{name}",
                    line,
                    "",
                    f"模板错误 template error: {message}（生成 {job.path} 时 while rendering it）",
                    "检查自定义模板 templates/ 中的这个文件",
                )
                continue
            memo.rendered += 1
            yield OutputFile(job.path, data, key=key)


def own_pages(doc: Doc) -> frozenset[str]:
    """The output paths of the pages that are `doc`'s own: its page (and a
    profile's poster); for a slogan, the slogans page that lists it."""
    if isinstance(doc, Slogan):
        return frozenset({urls.page_file(urls.SLOGANS)})
    if isinstance(doc, Profile):
        return frozenset({urls.page_file(doc.url), urls.page_file(urls.poster(doc.url))})
    return frozenset({urls.page_file(doc.url)})


def own_page_jobs(site: SiteModel, images: dict[Path, PublishedImage], doc: Doc) -> list[PageJob]:
    """The jobs of `doc`'s own pages (see `own_pages`) exactly as `plan_pages`
    lists them, made without listing the whole site: serve's express path
    renders a saved document's own pages before the full build."""
    if isinstance(doc, Profile):
        return [_profile_job(site, doc, images), _poster_job(site, doc, images)]
    if isinstance(doc, Activity):
        return [_activity_job(site, doc, images)]
    if isinstance(doc, Slogan):
        return [_slogans_job(site)]
    return [_page_job(doc)]


def render_page(env: SiteEnvironment, job: PageJob) -> bytes | None:
    """One page's bytes, the same as `render_pages` makes them; None on a template error."""
    data, error = _render_one(env, job)
    return None if error is not None else data


def _render_one(env: SiteEnvironment, job: PageJob) -> tuple[bytes, None] | tuple[bytes, tuple[str, int, str]]:
    try:
        text = env.get_template(job.template).render(**job.context)
    except Exception as exc:
        found = template_problem(exc, env, job.template)
        if found is None:
            raise  # not in a template: our bug, with its traceback
        return b"", found
    return finish_page(env, job.path, text).encode("utf-8"), None


def template_problem(exc: Exception, env: SiteEnvironment, template: str) -> tuple[str, int, str] | None:
    """(template, line, what went wrong) for an error in a template: one Jinja
    reports (syntax, a missing template or variable), or a template's own code
    failing as it runs ({{ 1 / 0 }}, {{ 'a' + 1 }}); None for any other error."""
    if isinstance(exc, jinja2.TemplateError):
        return (getattr(exc, "name", None) or template, getattr(exc, "lineno", 0) or 0, str(exc))
    where = _template_frame(exc, env)
    return None if where is None else (*where, f"{type(exc).__name__}: {exc}")


def _template_frame(exc: BaseException, env: SiteEnvironment) -> tuple[str, int] | None:
    """The template and line an exception was raised at (Jinja points the
    traceback at templates), the innermost; None when no template is in it."""
    folders = [Path(folder) for folder in getattr(env.loader, "searchpath", ())]
    found = None
    tb = exc.__traceback__
    while tb is not None:
        file = Path(tb.tb_frame.f_code.co_filename)
        for folder in folders:
            if file.is_relative_to(folder):
                found = (file.relative_to(folder).as_posix(), tb.tb_lineno)
        tb = tb.tb_next
    return found


def finish_page(env: SiteEnvironment, path: str, text: str) -> str:
    """A rendered page's links made relative to it (links.relative_to_page), so
    the output works from disk and under any path. Not 404.html's: a web
    server sends it for a missing page at any depth, where only links from
    the site's root path (base_url's path) find the site."""
    if path == urls.NOT_FOUND:
        return text
    return relative_to_page(text, path, env.base_path)


# A render worker's own environment and page list (one per worker process, made once).
_worker: dict[str, Any] = {}


def _start_worker(site: SiteModel, images: dict[Path, PublishedImage], asset_hashes: dict[str, str]) -> None:
    _worker["env"] = make_environment(site, images, asset_hashes, QRCodes())
    _worker["jobs"] = list(_pages(site, images))


def _render_chunk(indices: list[int]) -> list[tuple[int, str, bytes, tuple[str, int, str] | None]]:
    jobs, env = _worker["jobs"], _worker["env"]
    return [(i, jobs[i].path, *_render_one(env, jobs[i])) for i in indices]


def template_stamps(config: Config, scan: Scan) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of every template of the site's and the built-in
    theme, from the inputs' walk: what a page key says of the templates."""
    found = []
    for folder in theme_dirs(config.templates_dir):
        for rel, path in scan.files_below(folder):
            if rel.endswith(".html"):
                found.append((str(path), *scan.stamps.get(str(path), (-1, -1))))
    return tuple(sorted(found))


def _common_key(site: SiteModel, asset_hashes: dict[str, str], templates: tuple[tuple[str, int, int], ...]) -> str:
    """What any page may show besides its own documents: settings, templates,
    the menu, taxonomies and the year. What a document shows by the clock (an
    activity's status, a slogan being current) is part of its version (`_versions`)."""
    return digest(
        (
            repr(site.config),
            templates,
            sorted(asset_hashes.items()),
            # Not how many documents each has: the pages that show it list those
            # documents, or say so (`shows`); so a new document does not make every page new.
            [(t.name, t.slug) for t in (*site.categories, *site.themes, *site.tags)],
            [(p.title, p.url, p.menu) for p in site.pages],
            site.now.year,
        )
    )


def _pages(site: SiteModel, images: dict[Path, PublishedImage]) -> Iterator[PageJob]:
    """Every HTML page of the site: template, output path, context, dependencies."""
    cfg = site.config

    def meta(title: str, path: str, **kw: Any) -> PageMeta:
        return PageMeta(title=title, path=path, **kw)

    yield PageJob(
        "index.html", urls.page_file(urls.HOME), {"meta": meta(cfg.title, urls.HOME, description=cfg.description, section="")}, None
    )
    all_profiles = tuple(site.profiles)
    yield PageJob(
        "profiles/list.html",
        urls.page_file(urls.PROFILES),
        {
            "meta": meta(
                "先进典型",
                urls.PROFILES,
                description=f"{cfg.title}先进典型：" + "、".join(c.name for c in site.categories),
                section=urls.PROFILES,
            )
        },
        (),
        cards=all_profiles,
    )
    # A category page shows how many each category has; so does a theme page for themes.
    category_counts = repr([len(t.profiles) for t in site.categories])
    for term in site.categories:
        description = f"{term.name}（{len(term.profiles)}人）"
        context = {"term": term, "meta": meta(f"{term.name} · 先进典型", term.url, description=description, section=urls.PROFILES)}
        yield PageJob("profiles/category.html", urls.page_file(term.url), context, (), category_counts, term.profiles)
    for profile in site.profiles:
        yield _profile_job(site, profile, images)
    honors_meta = meta("荣誉榜", urls.HONORS, description=f"{cfg.title}先进典型荣誉榜：按年份和级别列出每一项荣誉", section=urls.HONORS)
    # The honours board lists the role models that have honours, and nobody else.
    honored = tuple(p for p in all_profiles if p.honors)
    yield PageJob("honors.html", urls.page_file(urls.HONORS), {"meta": honors_meta}, (), cards=honored)
    activities_meta = meta(
        "主题活动", urls.ACTIVITIES, description=f"{cfg.title}主题活动：即将开始、进行中与往期活动", section=urls.ACTIVITIES
    )
    yield PageJob("activities/list.html", urls.page_file(urls.ACTIVITIES), {"meta": activities_meta}, (), cards=tuple(site.activities))
    theme_counts = repr([len(t.activities) for t in site.themes])
    for term in site.themes:
        description = f"{term.name}主题活动（{len(term.activities)}项）"
        context = {"term": term, "meta": meta(f"{term.name} · 主题活动", term.url, description=description, section=urls.ACTIVITIES)}
        yield PageJob("activities/theme.html", urls.page_file(term.url), context, (), theme_counts, term.activities)
    for activity in site.activities:
        yield _activity_job(site, activity, images)
    yield _slogans_job(site)
    tags_meta = meta("标签", urls.TAGS, description="按标签浏览先进典型和主题活动", section=urls.TAGS)
    yield PageJob("tags/list.html", urls.page_file(urls.TAGS), {"meta": tags_meta}, (), cards=(*site.profiles, *site.activities))
    for term in site.tags:
        description = f"标签“{term.name}”下的先进典型和主题活动"
        context = {"term": term, "meta": meta(f"标签：{term.name}", term.url, description=description, section=urls.TAGS)}
        yield PageJob("tags/single.html", urls.page_file(term.url), context, (), cards=(*term.profiles, *term.activities))
    for page in site.pages:
        yield _page_job(page)
    search_meta = meta("搜索", urls.SEARCH, description=f"搜索{cfg.title}的先进典型、主题活动和宣传标语", section=urls.SEARCH)
    yield PageJob("search.html", urls.page_file(urls.SEARCH), {"meta": search_meta}, ())
    for profile in site.profiles:
        yield _poster_job(site, profile, images)
    yield PageJob("404.html", urls.NOT_FOUND, {"meta": meta("页面未找到", urls.NOT_FOUND, description="页面未找到")}, ())


# One page of a document each (own_page_jobs makes them one at a time).


def _profile_job(site: SiteModel, profile: Profile, images: dict[Path, PublishedImage]) -> PageJob:
    related = _related(site, profile)
    return PageJob(
        "profiles/single.html",
        urls.page_file(profile.url),
        lambda: _profile_context(site, profile, images, related),
        (profile,),
        cards=related,
    )


def _poster_job(site: SiteModel, profile: Profile, images: dict[Path, PublishedImage]) -> PageJob:
    related = _related(site, profile)

    def context() -> dict[str, Any]:
        made = _profile_context(site, profile, images, related)
        made["meta"] = replace(made["meta"], title=f"{profile.name} · 宣传海报", path=urls.poster(profile.url))
        return made

    # The same variables as the profile page, so its key covers the related cards too.
    return PageJob("profiles/poster.html", urls.page_file(urls.poster(profile.url)), context, (profile,), cards=related)


def _activity_job(site: SiteModel, activity: Activity, images: dict[Path, PublishedImage]) -> PageJob:
    def context() -> dict[str, Any]:
        image = images.get(activity.cover.source) if activity.cover else None
        return {
            "activity": activity,
            "term": site.theme_of(activity),
            "tags": site.tag_terms(activity.tags),
            "meta": PageMeta(
                title=activity.title,
                path=activity.url,
                description=activity.summary,
                section=urls.ACTIVITIES,
                image=image,
                og_type="article",
            ),
        }

    return PageJob("activities/single.html", urls.page_file(activity.url), context, (activity,))


def _slogans_job(site: SiteModel) -> PageJob:
    meta = PageMeta(title="宣传标语", path=urls.SLOGANS, description=f"{site.config.title}宣传标语与公益广告", section=urls.SLOGANS)
    return PageJob(
        "slogans.html", urls.page_file(urls.SLOGANS), {"groups": _slogan_groups(site.slogans), "meta": meta}, tuple(site.slogans)
    )


def _page_job(page: Page) -> PageJob:
    meta = PageMeta(title=page.title, path=page.url, description=_first_words(page.body_html), section=page.url)
    return PageJob("page.html", urls.page_file(page.url), {"doc": page, "meta": meta}, (page,))


RELATED = 4  # profiles shown under a profile as more of its category


def _related(site: SiteModel, profile: Profile) -> tuple[Profile, ...]:
    """More of its category: those next to it in the category's order (newest
    first), two on either side where there are. So a new or edited profile
    changes the pages of its neighbours only; the newest of a big category
    used to be on every page of it. Not the profile itself, found by its file
    (express pages pass a newer copy of it)."""
    term = site.category_of(profile)
    at = term.places.get(profile.source)
    if at is None:
        return tuple(itertools.islice((p for p in term.profiles if p.source != profile.source), RELATED))
    start = max(0, min(at - RELATED // 2, len(term.profiles) - RELATED - 1))
    return tuple(p for p in term.profiles[start : start + RELATED + 1] if p.source != profile.source)[:RELATED]


def _profile_context(site: SiteModel, profile: Profile, images: dict[Path, PublishedImage], related: tuple[Profile, ...]) -> dict[str, Any]:
    return {
        "profile": profile,
        "term": site.category_of(profile),
        "tags": site.tag_terms(profile.tags),
        "related": related,
        "meta": PageMeta(
            title=f"{profile.name} · {profile.category}",
            path=profile.url,
            description=profile.summary,
            section="profiles/",
            image=images.get(profile.photo.source) if profile.photo else None,
            og_type="profile",
        ),
    }


def _slogan_groups(slogans: tuple[Slogan, ...]) -> list[tuple[str, list[Slogan]]]:
    groups: dict[str, list[Slogan]] = {}
    for slogan in slogans:
        groups.setdefault(slogan.theme or "其他", []).append(slogan)
    return list(groups.items())


def _first_words(html_text: str) -> str:
    return cut_summary(html_text, 80)
