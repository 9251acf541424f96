"""URL slugs: Chinese names become pinyin (张晓明 → zhang-xiao-ming)."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lowercase ASCII slug; pinyin for Chinese, digits and Latin kept.
    Full-width letters and accents fold (ＡＢＣ → abc, Zoë → zoe), so names that
    differ only by Unicode normalisation get one slug and are reported."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if text.isascii():
        return _NOT_SLUG.sub("-", text.lower()).strip("-")  # nothing to transliterate
    # Imported here: pypinyin loads its phrase dictionary (~0.3 s) on import, and
    # a rebuild whose documents all come from the cache never needs it.
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(text, style=Style.NORMAL)
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug))
