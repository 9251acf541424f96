"""Markdown → HTML for document bodies, and summaries cut from them.

One `MarkdownRenderer` per build (Python-Markdown instances are costly to
create; `reset()` makes reuse safe). Body images are resolved relative to the
Markdown file and replaced by `bangyang-image:` placeholders that the render
stage turns into `<picture>` markup once the image plan is known; links to
other Markdown files (`[乙](乙.md)`) become `bangyang-link:` placeholders
resolved to the target's URL. The HTML is sanitized (sanitize.py), and
input that would make Python-Markdown run for minutes is refused first.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .models import ImageRef
from .problems import Problems, has_control
from .sanitize import IMAGE_SCHEME, LINK_SCHEME, clean_body_html, scan_unsafe

# Python-Markdown is quadratic or deeply recursive on some inputs (`[` × 20000
# takes minutes); no real article comes near these limits.
MAX_BRACKETS_PER_BLOCK = 800
MAX_LIST_INDENT = 48  # spaces: about twelve nested levels
MAX_QUOTE_DEPTH = 16


class _LocalRefs(Treeprocessor):
    """Finds local images and links in a body; knows the current file through `_context`."""

    def __init__(self, md: markdown.Markdown, renderer: MarkdownRenderer):
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: ET.Element) -> None:
        ctx = self.renderer._context
        for img in root.iter("img"):
            src = img.get("src", "")
            if not src or urlsplit(src).scheme or src.startswith("//"):
                continue
            alt = img.get("alt", "")
            line = _line_of(ctx["text"], src, ctx["body_line"])
            ref = self.renderer.resolve_image(ctx["path"], unquote(src), alt, "正文 body", line, ctx["problems"])
            if ref is None:
                continue
            if not alt.strip():
                ctx["problems"].warn(
                    ctx["path"],
                    line,
                    "正文 body",
                    f"图片 {src} 没有说明文字 (image without alt text)",
                    "写成 ![图片说明](照片.jpg)，方便视障读者和搜索",
                )
            img.set("src", IMAGE_SCHEME + ref.source.as_posix())
            ctx["images"].append(ref)
        for a in root.iter("a"):
            href = a.get("href", "")
            parts = urlsplit(href)
            if not href or parts.scheme or href.startswith("//"):
                continue
            line = _line_of(ctx["text"], href, ctx["body_line"])
            if not parts.path:
                ctx["anchors"].append((unquote(parts.fragment), line))
                continue
            if not parts.path.lower().endswith((".md", ".markdown")):
                continue
            if has_control(unquote(parts.path)):
                ctx["problems"].error(
                    ctx["path"],
                    line,
                    "正文 body",
                    f"链接的文件名“{unquote(parts.path)}”里有控制字符 (control character in a path)",
                    "链接其他内容时写相对路径，例如 [王秀兰](王秀兰.md)",
                )
                continue
            target = (ctx["path"].parent / unquote(parts.path)).resolve()
            self.renderer.linked.append(target)  # missing too: when it comes, the link is no longer broken
            if not target.is_relative_to(self.renderer.content_dir) or not target.is_file():
                ctx["problems"].error(
                    ctx["path"],
                    line,
                    "正文 body",
                    f"链接的文件“{unquote(parts.path)}”不存在 (broken link)",
                    "检查文件名；链接其他内容时写相对路径，例如 [王秀兰](王秀兰.md)",
                )
                continue
            a.set("href", LINK_SCHEME + target.as_posix() + (f"#{parts.fragment}" if parts.fragment else ""))
            ctx["links"].append((target, unquote(parts.fragment), line))


def _line_of(text: str, needle: str, body_line: int) -> int:
    index = text.find(needle)
    return body_line + text.count("\n", 0, index) if index >= 0 else body_line


class _BodyStructure(Treeprocessor):
    """The page's title is its only h1: a `# ` in a body becomes h2. Tables
    get a focusable scroll region so a wide one can be scrolled on a phone."""

    def run(self, root: ET.Element) -> None:
        for heading in root.iter("h1"):
            heading.tag = "h2"
        if next(root.iter("table"), None) is None:
            return
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrap = ET.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": "表格"})
                    parent.remove(child)
                    wrap.append(child)
                    wrap.tail, child.tail = child.tail, None
                    parent.insert(index, wrap)


@dataclass(frozen=True)
class Body:
    html: str
    images: tuple[ImageRef, ...]
    links: tuple[tuple[Path, str, int], ...]  # (target Markdown file, fragment, line)


class MarkdownRenderer:
    def __init__(self, content_dir: Path):
        self.content_dir = content_dir.resolve()
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "fenced_code", "toc"],
            extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
            output_format="html",
        )
        self._md.treeprocessors.register(_LocalRefs(self._md, self), "bangyang_refs", 1)
        self._md.treeprocessors.register(_BodyStructure(self._md), "bangyang_structure", 6)  # before toc (5)
        # The inline treeprocessor fetches a pattern by index from the registry
        # some 250 times per document, and each fetch re-checks the registry's
        # order: about an eighth of Markdown's time. A tuple of the same
        # patterns in the same order is indexed directly; none are added later.
        self._md.treeprocessors["inline"].inlinePatterns = tuple(self._md.inlinePatterns)
        self._context: dict = {}
        self.touched: list[Path] = []  # every image path looked up: a document's dependencies
        # Every document linked to: only whether it is there counts (the page shows
        # its URL, which the site model gives; render.py keys pages by it).
        self.linked: list[Path] = []

    def render(self, text: str, path: Path, body_line: int, problems: Problems) -> Body:
        """Markdown → sanitized HTML, with the images and document links it uses."""
        images: list[ImageRef] = []
        links: list[tuple[Path, str, int]] = []
        anchors: list[tuple[str, int]] = []
        if not _within_limits(text, path, body_line, problems):
            return Body("", (), ())
        self._context = {
            "path": path, "text": text, "body_line": body_line, "problems": problems,
            "images": images, "links": links, "anchors": anchors,
        }  # fmt: skip
        try:
            html_text = self._md.reset().convert(text)
        except RecursionError:
            problems.error(
                path, body_line, "正文 body", "正文嵌套太深，无法排版 (Markdown nesting too deep)", "检查是否有大量连续的 > 、* 或 [ 符号"
            )
            return Body("", (), ())
        finally:
            self._context = {}
        unsafe = scan_unsafe(text)
        if unsafe is not None:
            problems.warn(
                path,
                body_line + unsafe[0],
                "正文 body",
                f"已删除不安全或多余的 HTML：{unsafe[1]} (unsafe HTML removed)",
                "正文只保留文字、标题、列表、表格、链接和图片；从 Word/WPS 粘贴时请用“只粘贴文本”",
            )
        html_text = clean_body_html(html_text)
        ids = set(_ID.findall(html_text)) if anchors else set()
        for anchor, line in anchors:
            if anchor and anchor not in ids:
                problems.error(
                    path,
                    line,
                    "正文 body",
                    f"页内链接 #{anchor} 找不到对应的小标题 (broken anchor)",
                    "页内链接写小标题的文字，例如 [见成长经历](#成长经历)；本页的小标题有：" + ("、".join(sorted(ids)) or "（没有）"),
                )
        return Body(html_text, tuple(images), tuple(links))

    def resolve_image(self, doc: Path, src: str, alt: str, field: str, line: int, problems: Problems) -> ImageRef | None:
        """A path written in a document → an ImageRef inside content/, or a problem."""
        if has_control(src):
            problems.error(
                doc, line, field, f"图片路径“{src}”里有控制字符 (control character in a path)", "只写图片的文件名，例如 photo.jpg"
            )
            return None
        if re.match(r"^[A-Za-z]:[\\/]", src) or src.startswith(("/", "\\", "file:")):
            problems.error(
                doc, line, field, f"图片路径“{src}”是本机绝对路径 (absolute path)", "把图片复制到本文件旁边，只写文件名，例如 photo.jpg"
            )
            return None
        try:
            target = (doc.parent / src.replace("\\", "/")).resolve()
        except (OSError, RuntimeError):
            problems.error(doc, line, field, f"图片路径“{src}”是无效或循环的链接 (symlink loop)", "把图片本身复制到本文件旁边")
            return None
        self.touched.append(target)
        if not target.is_relative_to(self.content_dir):
            problems.error(doc, line, field, f"图片“{src}”在 content 文件夹之外 (outside content/)", "把图片复制到本文件旁边，只写文件名")
            return None
        if not target.is_file():
            problems.error(doc, line, field, f"找不到图片“{src}” (image not found)", _missing_hint(doc.parent, src))
            return None
        return ImageRef(target, alt, field, line, doc)


def _within_limits(text: str, path: Path, body_line: int, problems: Problems) -> bool:
    if text.count("[") > MAX_BRACKETS_PER_BLOCK:  # else no block can hold too many
        for offset, block in _blocks(text):
            if block.count("[") > MAX_BRACKETS_PER_BLOCK:
                line = body_line + offset
                problems.error(path, line, "正文 body", "这一段里的方括号 [ 太多，无法排版 (too many brackets)", "检查是否误粘贴了大量符号")
                return False
    deep = _TOO_DEEP.search(text)
    if deep is None:
        return True
    line = body_line + text.count("\n", 0, deep.start())
    if deep.group("list") is not None:
        problems.error(path, line, "正文 body", "列表嵌套太深 (list nested too deep)", "列表最多嵌套几层；检查缩进")
    else:
        problems.error(path, line, "正文 body", "引用 > 嵌套太深 (quote nested too deep)", "检查行首的 > 符号")
    return False


# The first line that starts, after spaces and tabs, either with a list marker
# indented more than MAX_LIST_INDENT or with more than MAX_QUOTE_DEPTH `>`.
# One search over the body instead of two matches per line; [^\S\n] is \s
# within a line.
_TOO_DEEP = re.compile(
    rf"^(?:[ \t]{{{MAX_LIST_INDENT + 1},}}(?P<list>[-*+]|\d+[.)])[^\S\n]|[ \t]*(?:>[^\S\n]*){{{MAX_QUOTE_DEPTH + 1},}})",
    re.MULTILINE,
)
_ID = re.compile(r'\bid="([^"]+)"')


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraph-like blocks (runs of non-blank lines) with their line offsets."""
    return [(text.count("\n", 0, m.start()), m.group(0)) for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text)]


def _missing_hint(folder: Path, src: str) -> str:
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    except OSError:
        names = []
    lower = {n.lower(): n for n in names}
    if Path(src).name.lower() in lower:
        return f"文件名大小写不一致，实际是 {lower[Path(src).name.lower()]}"
    if names:
        return "这个文件夹里的图片有：" + "、".join(names[:8])
    return "把图片放在 Markdown 文件旁边，文件名写对（包括 .jpg/.png 后缀）"


IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"})

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"[。！？!?；]")


def plain_text(html_text: str) -> str:
    text = _TAG.sub(" ", html_text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def cut_summary(html_text: str, limit: int = 120) -> str:
    """The first sentence(s) of a body, ending at a Chinese sentence end."""
    text = plain_text(re.sub(r"<h[1-6][^>]*>.*?</h[1-6]>", " ", html_text, flags=re.S))
    if len(text) <= limit:
        return text
    cut = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > limit:
            break
        cut = m.end()
    if cut >= limit // 3:
        return text[:cut]
    return text[: limit - 1].rstrip("，、,;；:： ") + "…"
