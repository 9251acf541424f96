"""Links for files other systems read: feeds, sitemap, JSON exports, calendars;
and the site's own pages' links made relative to each page.

The rule is the templates' `url()`/`abs_url()` (render.py): a site-relative
path goes under base_url's path, and the origin (scheme and host) comes
first when base_url has one. Here URLs are percent-encoded as well, because
readers, crawlers and apps treat them as URIs, not as text in a page.
Bodies get their image placeholders and relative links made absolute, so
they still work when shown outside the site.

A page's own links go the other way (`relative_to_page`): the templates
write them under base_url's path, and each finished page gets them relative
to itself, so output/ browses opened from disk (file://), from a USB stick
and under any sub-path.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote, urljoin, urlsplit

from .images import PublishedImage
from .sanitize import IMAGE_SCHEME, LINK_SCHEME
from .site import SiteModel

# Reserved characters and "%" stay as written: a base_url that is already
# percent-encoded must not be encoded twice.
_SAFE = "/%:@!$&'()*+,;=~"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLACEHOLDER = re.compile(r'<img\b[^>]*\bsrc="' + re.escape(IMAGE_SCHEME) + r'([^"]*)"[^>]*>')
_DOC_LINK = re.compile(r'\bhref="' + re.escape(LINK_SCHEME) + r'([^"#]*)(#[^"]*)?"')
_ALT = re.compile(r'\balt="([^"]*)"')
_TAG_WITH_LINK = re.compile(r"<(?:a|img|source|area|iframe|video|audio)\b[^>]*>")
_LINK_ATTR = re.compile(r'\b(href|src)="([^"]*)"')


def encode_url(url: str) -> str:
    """Percent-encode what a URI may not hold (Chinese, spaces); keep the rest."""
    head, sep, fragment = url.partition("#")
    return quote(head, safe=_SAFE + "?") + sep + quote(fragment, safe=_SAFE + "?")


def xml_text(text: str) -> str:
    """Text with the control characters XML 1.0 forbids taken out (pasted from WPS)."""
    return _CONTROL.sub("", text)


@dataclass(frozen=True)
class SiteLinks:
    origin: str  # "https://example.gov.cn", or "" when base_url is only a path
    base_path: str  # "/wenming/": always a leading and a trailing slash
    host: str  # "example.gov.cn", or "" without an origin
    # A body's links to other Markdown files: the file (posix) → its site-relative URL.
    documents: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    @classmethod
    def for_site(cls, site: SiteModel) -> SiteLinks:
        documents = MappingProxyType({**site.unlisted, **{path: d.url for path, d in site.by_file.items()}})
        return cls.from_base_url(site.config.base_url, documents)

    @classmethod
    def from_base_url(cls, base_url: str, documents: Mapping[str, str] = MappingProxyType({})) -> SiteLinks:
        parts = urlsplit(base_url)
        path = parts.path or "/"
        path = path if path.endswith("/") else path + "/"
        if not parts.scheme or not parts.hostname:
            return cls("", path, "", documents)
        host = parts.hostname
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")  # 例子.中国 → xn--…
        netloc = host + (f":{parts.port}" if parts.port else "")
        return cls(f"{parts.scheme}://{netloc}", path, host, documents)

    def path(self, rel: str = "") -> str:
        """Site-relative path → encoded path under base_url (templates' url())."""
        return encode_url(self.base_path + rel.lstrip("/"))

    def absolute(self, rel: str = "") -> str:
        """Site-relative path → absolute, encoded URL (templates' abs_url())."""
        return self.origin + self.path(rel)

    def entry_id(self, rel: str) -> str:
        """A permanent identifier: the absolute URL, or a tag: URI without a host."""
        if self.origin:
            return self.absolute(rel)
        return "tag:bangyang,2024:" + self.path(rel)

    def body(self, html_text: str, page: str, images: dict[Path, PublishedImage]) -> str:
        """Body HTML for use outside the site: image placeholders become plain
        <img> of the largest JPEG/PNG variant, links to other documents and
        relative links become absolute."""
        base = self.absolute(page)

        def image(m: re.Match[str]) -> str:
            published = images.get(Path(html.unescape(m.group(1))))
            if published is None:
                return ""
            alt = _ALT.search(m.group(0))
            v = published.largest
            src = html.escape(self.absolute(v.url))
            return f'<img src="{src}" alt="{alt.group(1) if alt else ""}" width="{v.width}" height="{v.height}">'

        def document(m: re.Match[str]) -> str:
            target = self.documents.get(html.unescape(m.group(1)))
            if target is None:  # checked before the gate; cannot happen in a successful build
                return 'href="#"'
            fragment = "" if "#" in target else html.unescape(m.group(2) or "")
            return f'href="{html.escape(self.absolute(target) + encode_url(fragment))}"'

        def attribute(m: re.Match[str]) -> str:
            value = html.unescape(m.group(2))
            if urlsplit(value).scheme:
                return m.group(0)
            return f'{m.group(1)}="{html.escape(encode_url(urljoin(base, value)))}"'

        text = _DOC_LINK.sub(document, _PLACEHOLDER.sub(image, html_text))
        return _TAG_WITH_LINK.sub(lambda tag: _LINK_ATTR.sub(attribute, tag.group(0)), text)


# Attributes that hold a link the browser follows or loads (srcset: several).
_LINK_ATTRS = (" href", " src", " srcset", " action", " poster", " data-bundle", " data-base")


def relative_to_page(html_text: str, page: str, base_path: str) -> str:
    """A rendered page (`page`: its output path, "profiles/zhang-san/index.html")
    with every link that starts with `base_path` ("/wenming/profiles/…") made
    relative to it ("../../profiles/…"). Absolute URLs stay as they are: the
    canonical link, Open Graph tags and QR codes carry the public address.
    Only attribute values inside tags are changed, never text that shows
    such markup (a code sample)."""
    mark = '="' + base_path
    pieces = html_text.split(mark)
    if len(pieces) == 1:
        return html_text
    up = "../" * page.count("/") or "./"
    out = [pieces[0]]
    in_tag = False
    for before, piece in itertools.pairwise(pieces):
        lt, gt = before.rfind("<"), before.rfind(">")
        if lt != gt:  # both -1: the piece is one attribute value after another in the same tag
            in_tag = lt > gt
        # "//host/…" (base_path "/") is another host's address, not a path of this site.
        if in_tag and before.endswith(_LINK_ATTRS) and not before.endswith('rel="canonical" href') and piece[:1] != "/":
            if before.endswith(" srcset"):
                end = piece.find('"')
                piece = piece[:end].replace(", " + base_path, ", " + up) + piece[end:]
            out.append('="' + up)
        else:
            out.append(mark)
        out.append(piece)
    return "".join(out)
