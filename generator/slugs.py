"""URL slugs: Chinese names become pinyin (张晓明 → zhang-xiao-ming)."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lowercase ASCII slug; pinyin for Chinese, digits and Latin kept."""
    words = lazy_pinyin(text, style=Style.NORMAL)
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug))
