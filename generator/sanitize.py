"""Safe HTML for document bodies.

Rendered Markdown is cleaned with nh3 (the Ammonia sanitizer) under an
allowlist fit for publicity content: text structure, tables, links with
http/https/mailto/tel or relative URLs, images. Scripts, styles, frames,
forms, event handlers, `style`/`target` attributes, comments and Word/WPS
paste debris go. `scan_unsafe` finds, in the source text, what the cleaner
will remove, so the clerk gets a warning naming the line.
"""

from __future__ import annotations

import re
from functools import partial

import nh3

# Placeholders the Markdown stage writes for local images and links to other
# documents; the render stage replaces them once URLs are known.
IMAGE_SCHEME = "bangyang-image:"
LINK_SCHEME = "bangyang-link:"

TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark",
    "small", "sup", "sub", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "a", "img", "figure", "figcaption", "div", "span", "abbr",
}  # fmt: skip
ATTRIBUTES = {
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
    "ol": {"start"}, "abbr": {"title"},
    "div": {"role", "tabindex", "aria-label"},
}  # fmt: skip
CLASSES = {
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
    "div": {"table-wrap"},
}
SCHEMES = {"http", "https", "mailto", "tel", IMAGE_SCHEME.rstrip(":"), LINK_SCHEME.rstrip(":")}
# Content whose text must go with the tag, not be kept as visible text.
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math", "xml", "title"}

_ALIGN = re.compile(r'\sstyle="text-align: (left|center|right);?"')

_OPTIONS = {
    "tags": TAGS,
    "clean_content_tags": DROP_WITH_CONTENT,
    "attributes": ATTRIBUTES,
    "allowed_classes": CLASSES,
    "url_schemes": SCHEMES,
    "strip_comments": True,
    "link_rel": None,
}
# A Cleaner holds the allowlists ready; nh3.clean converts them again on every call.
_clean = nh3.Cleaner(**_OPTIONS).clean if hasattr(nh3, "Cleaner") else partial(nh3.clean, **_OPTIONS)


def clean_body_html(html_text: str) -> str:
    # Python-Markdown aligns table cells with style=""; keep the alignment as a class.
    if "text-align" in html_text:
        html_text = _ALIGN.sub(r' class="align-\1"', html_text)
    return _clean(html_text)


_UNSAFE = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|button|textarea|select|meta|link|base|svg|math|template|frame|frameset|applet)\b"
    r"|\son[a-z]+\s*="
    r"|\s(style|target)\s*="
    r"|\b(javascript|vbscript|data)\s*:"
    r"|&#x?0*(9|10|13|106|74|6a|4a);"
    r"|<!--"
    r"|<\s*/?\s*o:p\b|class\s*=\s*\"?Mso",
    re.IGNORECASE,
)


def scan_unsafe(text: str) -> tuple[int, str] | None:
    """The (0-based line, snippet) of the first thing the cleaner would remove."""
    if not _may_be_unsafe(text):
        return None
    m = _UNSAFE.search(text)
    if not m:
        return None
    line = text.count("\n", 0, m.start())
    return line, m.group(0).strip()[:40]


_SCRIPT_OR_DATA_END = re.compile(r"(?:script|data)\Z", re.IGNORECASE)


def _may_be_unsafe(text: str) -> bool:
    """False only when _UNSAFE cannot match, found without its slow search:
    every match holds "<", "&#", "=", or a ":" after "script" or "data" and
    optional spaces (Chinese bodies have colons in times and links)."""
    if "<" in text or "&#" in text or "=" in text:
        return True
    colon = text.find(":")
    while colon >= 0:
        end = colon
        while end and text[end - 1].isspace():  # str.isspace is the \s of _UNSAFE
            end -= 1
        if _SCRIPT_OR_DATA_END.search(text, max(0, end - 6), end):
            return True
        colon = text.find(":", colon + 1)
    return False
