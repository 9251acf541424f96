"""serve's express path: a saved document's own pages, published before the full build.

Input: the last build's cache (documents, pages), the saved files and, when
only the wording of a body changed, the last build's site model. Output: the
bytes of the saved documents' own pages, or None when anything is unusual
(the full build that always follows then does all of it). `watch.py` writes
what this returns and announces it; the full build decides in the end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .build import site_images
from .config import Config
from .environment import hash_assets, make_environment, theme_assets
from .images import ImageCache, plan_images
from .load import MARKDOWN_SUFFIXES, content_of, is_published, load_document
from .models import Doc, Slogan
from .problems import Problems
from .quick import build_time
from .render import own_page_jobs, own_pages, render_page
from .site import SiteModel, build_site_model
from .state import BuildState


def render_saved(
    config: Config, cache: BuildState, saved: set[Path], rel_to: Path | None, last: tuple[SiteModel, dict] | None = None
) -> dict[str, bytes] | None:
    """The express path: the own pages of the documents in `saved`, rendered
    from the last build's documents (`cache`) with those read again. None —
    the full build alone then — unless every path is an edit of a published
    document the cache knows, read without any error, still published at
    the same URLs, using only images the last build published, and the site
    model made with them is free of errors (links and anchors included).
    The bytes are those the full build will make for these pages, as long
    as nothing else changed; the full build always follows and decides.
    `last`: the site model and image plan of the last full build; when only
    the text of the saved documents changed (no field, link, image or
    heading anchor), their pages are rendered from it, without relating ten
    thousand documents again."""
    if not saved or not cache.render.pages:
        return None
    now = build_time().astimezone(config.tz)
    fresh = {}
    for path in saved:
        known = cache.load.docs.get(path)
        if (
            not path.name.lower().endswith(MARKDOWN_SUFFIXES)
            or known is None
            or known.doc is None
            or not is_published(known.doc, config, now)
            or not path.is_file()
        ):
            return None
        entry = load_document(known.doc.kind, path, config, rel_to)
        doc = entry.doc
        if doc is None or any(not p.warning for p in entry.problems) or not is_published(doc, config, now):
            return None  # the full build reports it; nothing is shown before
        if own_pages(doc) != own_pages(known.doc):
            return None  # a new URL: links to it everywhere, the old page to remove
        fresh[path] = doc
    if last is not None and last[0].now.date() == now.date() and all(_text_only(cache.load.docs[p].doc, d) for p, d in fresh.items()):
        site, images = last
        jobs = {job.path: job for doc in fresh.values() for job in own_page_jobs(site, images, doc)}
        return _render_jobs(config, site, images, jobs)
    docs = [fresh.get(path, entry.doc) for path, entry in cache.load.docs.items() if entry.doc is not None]
    problems = Problems(rel_to=rel_to)
    site = build_site_model(config, content_of(docs, config, now), now, problems, dict(cache.site.slugs))
    if problems:
        return None
    images = plan_images(site_images(site), problems, ImageCache(config.cache_dir), config.image_widths, config.avif)
    if problems:
        return None
    live = config.output_dir
    for doc in fresh.values():
        for ref in doc.images:
            image = images.get(ref.source)
            if image is None or not all((live / v.url).is_file() for v in image.variants):
                return None  # a new image: the full build makes its sizes
    # The documents of the new site model (the same as `fresh`, but the ones it relates).
    by_source = {d.source: d for d in (*site.profiles, *site.activities, *site.slogans, *site.pages) if d.source in fresh}
    if len(by_source) != len(fresh):
        return None
    jobs = {job.path: job for doc in by_source.values() for job in own_page_jobs(site, images, doc)}
    return _render_jobs(config, site, images, jobs)


_ANCHOR = re.compile(r'\sid="([^"]*)"')


def _text_only(old: Doc | None, new: Doc) -> bool:
    """Only the wording of the body (and so its summary) differs: every field,
    link, image and heading anchor is the same, so no other page and no
    relation between documents can change."""
    if old is None or type(old) is not type(new) or isinstance(new, Slogan):
        return False  # (a slogan's page lists every slogan: made from the documents, not passed one)
    wording = {"body_html": old.body_html}
    if hasattr(old, "summary"):
        wording["summary"] = old.summary
    if replace(new, **wording) != old:
        return False
    return _ANCHOR.findall(new.body_html) == _ANCHOR.findall(old.body_html)


def _render_jobs(config: Config, site: SiteModel, images: dict, jobs: dict) -> dict[str, bytes] | None:
    env = make_environment(site, images, hash_assets(theme_assets(config)))
    pages = {}
    for job in jobs.values():
        data = render_page(env, job)
        if data is None:
            return None  # a template error: the full build reports it
        pages[job.path] = data
    return pages
