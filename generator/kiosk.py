"""Kiosk screens: self-contained full-screen pages for office-lobby displays.

Input: `SiteModel`, the image plan and the Jinja environment of the render
stage. Output: `OutputFile`s under kiosk/ (one folder per screen of
site.toml's [[kiosk]] list, plus the kiosk/ index).
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from .images import PublishedImage
from .models import OutputFile
from .site import SiteModel


def render_kiosks(site: SiteModel, images: dict[Path, PublishedImage], env: jinja2.Environment) -> list[OutputFile]:
    return []
