"""Stage 6 — extras: machine-readable files derived from the site model.

Input: `SiteModel`, the image plan and the rendered pages. Output: a list
of `OutputFile` (Atom feed, sitemap, robots.txt, JSON exports, iCalendar).
"""

from __future__ import annotations

from pathlib import Path

from .images import PublishedImage
from .models import OutputFile
from .site import SiteModel


def build_extras(site: SiteModel, images: dict[Path, PublishedImage], pages: list[OutputFile]) -> list[OutputFile]:
    return []
