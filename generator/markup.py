"""Markdown → HTML for document bodies, and summaries cut from them.

One `MarkdownRenderer` per build (Python-Markdown instances are costly to
create; `reset()` makes reuse safe). Body images are resolved relative to the
Markdown file and replaced by `bangyang-image:` placeholders that the render
stage turns into `<picture>` markup once the image plan is known.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .models import ImageRef
from .problems import Problems

IMAGE_SCHEME = "bangyang-image:"


class _ImageCollector(Treeprocessor):
    """Finds local images in a body; knows the current file through `context`."""

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


def _line_of(text: str, needle: str, body_line: int) -> int:
    index = text.find(needle)
    return body_line + text.count("\n", 0, index) if index >= 0 else body_line


class _BodyStructure(Treeprocessor):
    """The page's title is its only h1: a `# ` in a body becomes h2. Tables
    get a focusable scroll region so a wide one can be scrolled on a phone."""

    def run(self, root: ET.Element) -> None:
        for heading in root.iter("h1"):
            heading.tag = "h2"
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrap = ET.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": "表格"})
                    parent.remove(child)
                    wrap.append(child)
                    wrap.tail, child.tail = child.tail, None
                    parent.insert(index, wrap)


class MarkdownRenderer:
    def __init__(self, content_dir: Path):
        self.content_dir = content_dir.resolve()
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "fenced_code", "toc"],
            extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
            output_format="html",
        )
        self._md.treeprocessors.register(_ImageCollector(self._md, self), "bangyang_images", 1)
        self._md.treeprocessors.register(_BodyStructure(self._md), "bangyang_structure", 6)  # before toc (5)
        self._context: dict = {}
        self.touched: list[Path] = []  # every image path looked up: a document's dependencies

    def render(self, text: str, path: Path, body_line: int, problems: Problems) -> tuple[str, tuple[ImageRef, ...]]:
        images: list[ImageRef] = []
        self._context = {"path": path, "text": text, "body_line": body_line, "problems": problems, "images": images}
        try:
            html_text = self._md.reset().convert(text)
        except RecursionError:
            problems.error(
                path, body_line, "正文 body", "正文嵌套太深，无法排版 (Markdown nesting too deep)", "检查是否有大量连续的 > 、* 或 [ 符号"
            )
            html_text = ""
        finally:
            self._context = {}
        return html_text, tuple(images)

    def resolve_image(self, doc: Path, src: str, alt: str, field: str, line: int, problems: Problems) -> ImageRef | None:
        """A path written in a document → an ImageRef inside content/, or a problem."""
        if re.match(r"^[A-Za-z]:[\\/]", src) or src.startswith(("/", "\\", "file:")):
            problems.error(
                doc, line, field, f"图片路径“{src}”是本机绝对路径 (absolute path)", "把图片复制到本文件旁边，只写文件名，例如 photo.jpg"
            )
            return None
        target = (doc.parent / src.replace("\\", "/")).resolve()
        self.touched.append(target)
        if not target.is_relative_to(self.content_dir):
            problems.error(doc, line, field, f"图片“{src}”在 content 文件夹之外 (outside content/)", "把图片复制到本文件旁边，只写文件名")
            return None
        if not target.is_file():
            problems.error(doc, line, field, f"找不到图片“{src}” (image not found)", _missing_hint(doc.parent, src))
            return None
        return ImageRef(target, alt, field, line, doc)


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
