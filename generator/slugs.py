"""URL slugs: Chinese names become pinyin (张晓明 → zhang-xiao-ming)."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# Names Windows keeps for devices: a folder profiles/con/ cannot be copied to
# a clerk's PC or many intranet servers. A slug made from such a name gets a
# suffix; one written in `slug:` is refused.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})


def slugify(text: str) -> str:
    """A lowercase ASCII slug; pinyin for Chinese, digits and Latin kept.
    Full-width letters and accents fold (ＡＢＣ → abc, Zoë → zoe), so names that
    differ only by Unicode normalisation get one slug and are reported."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if text.isascii():
        return _windows_safe(_NOT_SLUG.sub("-", text.lower()).strip("-"))  # nothing to transliterate
    # Imported here: pypinyin loads its phrase dictionary (~0.3 s) on import, and
    # a rebuild whose documents all come from the cache never needs it.
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(text, style=Style.NORMAL)
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return _windows_safe(slug)


def _windows_safe(slug: str) -> str:
    return f"{slug}-1" if slug in WINDOWS_RESERVED else slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)) and slug not in WINDOWS_RESERVED
