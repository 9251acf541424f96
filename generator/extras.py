"""Stage 6 — extras: machine-readable files derived from the site model.

Input: `SiteModel`, the image plan and the paths of the rendered pages. Output: a list
of `OutputFile`: the Atom feed, the sitemap and robots.txt (feeds.py), the
JSON exports and the iCalendar files (exports.py). Every URL in them is
absolute under base_url and percent-encoded (links.py).
"""

from __future__ import annotations

from pathlib import Path

from . import urls
from .exports import calendars, exports_key, json_exports
from .feeds import atom_feed, robots_txt, sitemaps
from .images import PublishedImage
from .links import SiteLinks
from .models import OutputFile
from .site import SiteModel


def build_extras(site: SiteModel, images: dict[Path, PublishedImage], pages: list[str], made: dict | None = None) -> list[OutputFile]:
    """`made`: pieces an earlier build made, kept by a build cache (see
    exports.json_exports, exports.calendars, feeds.sitemaps, feeds.atom_feed):
    each is reused only while what it was made from is the same, so an edit of
    one document remakes that document's pieces and joins the rest."""

    def memo(name: str) -> dict | None:
        return None if made is None else made.setdefault(name, {})

    links = SiteLinks.for_site(site)
    site_key = exports_key(site, links)
    files = [OutputFile(urls.FEED, atom_feed(site, images, links, made=memo("feed"), site_key=site_key))]
    files += [OutputFile(path, data) for path, data in sitemaps(site, pages, links, made=memo("sitemap"))]
    files.append(OutputFile(urls.ROBOTS, robots_txt(links)))
    files += [OutputFile(path, data) for path, data in json_exports(site, images, links, memo("json-items"), site_key).items()]
    files += [OutputFile(path, data) for path, data in calendars(site, links, memo("calendars")).items()]
    return files
