"""Search: a Pagefind index of the finished release (Chinese segmented).

Input: the release folder with every HTML page written. Output: the
pagefind/ folder inside it; problems when indexing fails.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .problems import Problems


def index_release(release_dir: Path, config: Config, problems: Problems) -> None:
    return None
