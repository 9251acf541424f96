"""`bangyang import`: a Word document (.docx) → a content bundle.

Input: the path of a .docx, the kind (profile, activity or page), `Config` and
the build time. Output: an `ImportedBundle` held in memory — the index.md text
(front matter scaffolded by scaffold.py with every field and its Chinese
comment, filled in with what the document gives: title from the first
heading or first line, a date from the text) and the images found in the
document. `write_bundle` puts it at content/<folder>/<title>/; it never
replaces an existing bundle, and writes nothing when the file cannot be read.

The way through: mammoth (docx → plain HTML, Word headings → h2/h3, styling
ignored, images collected) → Word debris removed from the HTML → markdownify
(HTML → Markdown: headings, lists, tables, bold and italic).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from .config import Config
from .scaffold import new_file_path, scaffold_text

IMPORT_KINDS = ("profile", "activity", "page")

# Word's own heading styles, under their English and Chinese (WPS) names. The
# page's title is its only h1, so Heading 1 becomes h2 and Heading 2 h3.
_STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='标题'] => h1:fresh",
        *(f"p[style-name='{name} 1'] => h2:fresh" for name in ("Heading", "heading", "标题")),
        *(f"p[style-name='{name} 2'] => h3:fresh" for name in ("Heading", "heading", "标题")),
        *(f"p[style-name='{name} {n}'] => h4:fresh" for name in ("Heading", "heading", "标题") for n in range(3, 7)),
    ]
)

_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/bmp": "bmp", "image/tiff": "tif"}
_MAX_UNPACKED = 300 * 1024 * 1024  # a real document with photos stays far below; a zip bomb does not
_SAVE_AS = "请用 Word 或 WPS 打开它，点“文件 → 另存为”，文件类型选“Word 文档 (*.docx)”，再导入新文件"


class ImportRefused(Exception):
    """The document cannot be imported; the message is for the clerk, Chinese first."""


@dataclass(frozen=True)
class ExtractedImage:
    name: str  # image1.png, … in document order
    data: bytes
    alt: str


@dataclass(frozen=True)
class ImportedBundle:
    kind: str
    index: Path  # content/<folder>/<title>/index.md
    title: str
    title_from: str  # where the title came from, for the summary line
    found_date: datetime | None  # None: the document had no date, today was used
    text: str  # the whole index.md
    images: tuple[ExtractedImage, ...]
    skipped: tuple[str, ...]  # images left out, with the reason

    @property
    def folder(self) -> Path:
        return self.index.parent


def read_docx(source: Path, kind: str, config: Config, now: datetime, title: str | None = None) -> ImportedBundle:
    """Convert in memory; raises ImportRefused for anything that is not a readable .docx."""
    import mammoth

    _check_is_docx(source)
    images: list[ExtractedImage] = []
    skipped: list[str] = []

    def convert_image(image: object) -> dict[str, str]:
        number = len(images) + len(skipped) + 1
        extracted = _extract_image(image, number, skipped)
        if extracted is None:
            return {"src": ""}  # dropped by _clean_html
        images.append(extracted)
        return {"src": extracted.name, "alt": extracted.alt}

    try:
        with source.open("rb") as stream:
            result = mammoth.convert_to_html(stream, style_map=_STYLE_MAP, convert_image=mammoth.images.img_element(convert_image))
    except Exception as exc:  # any parser failure on a clerk's file means a damaged document, not a bug of ours
        raise ImportRefused(
            f"无法读取 {source.name}：文件可能已损坏 (cannot read the document: {type(exc).__name__})\n    提示：{_SAVE_AS}"
        ) from None
    blocks = _clean_html(result.value)
    title_text, title_from = _take_title(blocks, source, kind, title)
    found = find_date(_plain(blocks), config.tz, with_time=kind == "activity")
    body = _to_markdown(blocks)
    text = _front_matter(kind, title_text, config, now, found, body, bool(images)) + ("\n" + body if body else "")
    index = new_file_path(kind, title_text, config)
    if kind == "page":
        index = index.with_suffix("") / "index.md"  # a bundle, so images can sit beside it
    return ImportedBundle(kind, index, title_text, title_from, found, text, tuple(images), tuple(skipped))


def write_bundle(bundle: ImportedBundle) -> None:
    """index.md and images into a new folder; refuses to touch an existing one."""
    folder = bundle.folder
    sibling = folder.with_suffix(".md")  # content/profiles/张三.md would want the same URL
    for taken in (folder, sibling):
        if taken.exists():
            raise ImportRefused(
                f"{taken} 已存在，没有覆盖 (already exists; nothing written)\n    提示：用 --title 另起一个名字，或先把原来的文件夹改名"
            )
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise ImportRefused(f"无法新建文件夹 {folder}：{exc.strerror or exc} (cannot create the folder)") from None
    try:
        for image in bundle.images:
            (folder / image.name).write_bytes(image.data)
        bundle.index.write_text(bundle.text, encoding="utf-8")
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)  # ours alone: created just above
        if isinstance(exc, OSError):
            raise ImportRefused(
                f"无法写入 {folder}：{exc.strerror or exc} (cannot write; nothing kept)\n    提示：检查磁盘空间和文件夹权限"
            ) from None
        raise


# --- reading the file ----------------------------------------------------------


def _check_is_docx(source: Path) -> None:
    if not source.is_file():
        raise ImportRefused(f"找不到文件 {source} (no such file)\n    提示：检查文件名和所在文件夹；文件名有空格时加英文引号")
    suffix = source.suffix.lower()
    try:
        with source.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise ImportRefused(
            f"无法打开 {source.name}：{exc.strerror or exc} (cannot open)\n    提示：先在 Word/WPS 中关闭这个文件再导入"
        ) from None
    if suffix in (".doc", ".wps", ".dot", ".wpt") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            f"{source.name} 是旧版 Word/WPS 文档或加了密码，不能直接导入 (not a .docx: .doc, .wps or password-protected)\n    提示：{_SAVE_AS}（如有密码请先取消密码）"
        )
    if suffix == ".pdf" or head.startswith(b"%PDF"):
        raise ImportRefused(f"{source.name} 是 PDF，不能导入 (PDF cannot be imported)\n    提示：找到原来的 Word/WPS 文档，{_SAVE_AS}")
    if suffix not in (".docx", ".docm"):
        raise ImportRefused(f"{source.name} 不是 Word 文档 (only .docx can be imported)\n    提示：{_SAVE_AS}")
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        names, unpacked = set(), 0
    if "word/document.xml" not in names or unpacked > _MAX_UNPACKED:
        raise ImportRefused(f"{source.name} 已损坏或不是真正的 .docx 文件 (damaged or not a real .docx)\n    提示：{_SAVE_AS}")


def _extract_image(image: object, number: int, skipped: list[str]) -> ExtractedImage | None:
    from PIL import Image, UnidentifiedImageError

    content_type = str(getattr(image, "content_type", "") or "").lower()
    extension = _IMAGE_TYPES.get(content_type)
    if extension is None:
        skipped.append(f"图片{number}：{content_type or '未知'} 格式不能用于网页（Word 绘图或图表），请截图另存为 JPG 后放进文件夹")
        return None
    with image.open() as stream:  # type: ignore[attr-defined]
        data = stream.read()
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        skipped.append(f"图片{number}：已损坏，无法读取")
        return None
    alt = re.sub(r"\s+", " ", str(getattr(image, "alt_text", "") or "")).strip()
    if not alt or re.search(r"\.(jpe?g|png|gif|bmp|tiff?|heic)$", alt, re.I):
        alt = f"图片{number}"  # no description, or only a camera file name
    return ExtractedImage(f"image{number}.{extension}", data, alt)


# --- cleaning and converting -----------------------------------------------------


def html_to_markdown(html_text: str) -> str:
    """Word's HTML (mammoth's, or pasted from Word) → clean Markdown."""
    return _to_markdown(_clean_html(html_text))


def _clean_html(html_text: str) -> list:
    """The document's top-level blocks with Word debris removed: empty paragraphs,
    class/style attributes, <o:p>, stray spans, runs of non-breaking spaces,
    full-width indentation, bookmarks and footnote back-links."""
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html_text, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(["o:p", "style", "script", "meta", "xml", "link"]):
        tag.decompose()
    for tag in soup.find_all(["span", "font"]):
        tag.unwrap()
    for tag in soup.find_all("img"):
        if not tag.get("src"):
            tag.decompose()
    for tag in soup.find_all("a"):
        href = str(tag.get("href") or "")
        if tag.get_text(strip=True) == "↑":
            tag.decompose()  # mammoth's footnote back-link
        elif not re.match(r"(https?:|mailto:)", href, re.I):
            tag.unwrap()  # bookmarks, table-of-contents and footnote anchors, local files
    for tag in soup.find_all(True):
        keep = {"href", "src", "alt", "colspan", "rowspan"}
        tag.attrs = {k: v for k, v in tag.attrs.items() if k in keep}
    for node in list(soup.find_all(string=True)):
        text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", str(node))
        text = re.sub(r"[\u00a0\u3000 \t]{2,}|\u00a0", " ", text)
        node.replace_with(NavigableString(text))
    for tag in soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th"]):
        first = next((s for s in tag.find_all(string=True)), None)
        if first is not None:
            first.replace_with(NavigableString(str(first).lstrip(" \u3000")))
    for tag in reversed(soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "strong", "em"])):
        if not tag.get_text(strip=True) and not tag.find("img"):
            tag.decompose()
    return [node for node in soup.contents if not (isinstance(node, NavigableString) and not node.strip())]


def _plain(blocks: list) -> str:
    return "\n".join(block.get_text(" ", strip=True) if hasattr(block, "get_text") else str(block).strip() for block in blocks)


def _take_title(blocks: list, source: Path, kind: str, given: str | None) -> tuple[str, str]:
    """The title: --title, else the first block when it is a heading or a short
    line (it is then taken out of the body: the page shows it as its h1), else
    the file name. A profile's name is the person's: 《…——记张三同志》 → 张三."""
    if given and given.strip():
        return given.strip(), "--title"
    text, origin = "", ""
    if blocks and getattr(blocks[0], "name", None) in ("h1", "h2", "h3", "h4", "p"):
        first = blocks[0].get_text(" ", strip=True)
        is_heading = blocks[0].name != "p"
        if first and (is_heading or (len(first) <= 40 and not first.endswith(("。", "；", "，")))) and not blocks[0].find("img"):
            text, origin = first, "第一个标题 first heading" if is_heading else "第一行 first line"
            blocks.pop(0)
            _promote_headings(blocks)
    if not text:
        text, origin = source.stem.strip(), "文件名 file name"
    if kind == "profile":
        text = _person_name(text)
    return re.sub(r"\s+", " ", text)[:80], origin


def _person_name(title: str) -> str:
    """ "张三同志先进事迹" and "——记张三同志" → 张三; anything less clear stays as it is."""
    honorific = re.search(r"同志|先生|女士", title)
    if honorific is None:
        return title
    chunk = re.split(r"[\s—\-，,、的记：:（）()“”\"《》]+", title[: honorific.start()])[-1]
    return chunk if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", chunk) else title


def _promote_headings(blocks: list) -> None:
    """Title taken as Heading 1 leaves sections at h3: move them up to h2."""
    tags = [getattr(b, "name", "") for b in blocks]
    if "h2" in tags or "h3" not in tags:
        return
    for block in blocks:
        if getattr(block, "name", "") in ("h3", "h4", "h5"):
            block.name = f"h{int(block.name[1]) - 1}"


def _to_markdown(blocks: list) -> str:
    from markdownify import MarkdownConverter

    class _Converter(MarkdownConverter):
        def escape(self, text: str, parent_tags: set[str]) -> str:
            text = super().escape(text, parent_tags).replace("<", "&lt;")  # 《》 typed as << >> is not HTML
            if parent_tags & {"td", "th"}:
                text = text.replace("|", "\\|")
            return text

    converter = _Converter(heading_style="ATX", bullets="-", table_infer_header=True, strong_em_symbol="*")
    html_text = "".join(str(block) for block in blocks)
    markdown = converter.convert(html_text)
    lines = [line if line.strip() else "" for line in markdown.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n" if markdown.strip() else ""


# --- dates and front matter ------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"),
)
_TIME = re.compile(r"\s*(上午|下午|晚上)?\s*(\d{1,2})\s*[:：]\s*(\d{2})")


def find_date(text: str, tz: tzinfo, with_time: bool = False) -> datetime | None:
    """The document's date: a line that is only a date (the 落款 at the end of an
    official document) wins, else the first date in the text that is not a birthday."""
    candidates: list[tuple[tuple[int, int], datetime]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            day = _to_date(*m.groups())
            if day is None or re.match(r"\s*(出生|生于|生人|生[，,。；、）)])", text[m.end() : m.end() + 4]):
                continue
            moment = datetime(day.year, day.month, day.day, tzinfo=tz)
            t = _TIME.match(text, m.end())
            if with_time and t and int(t.group(2)) < 24 and int(t.group(3)) < 60:
                hour = int(t.group(2)) + (12 if t.group(1) in ("下午", "晚上") and int(t.group(2)) < 12 else 0)
                moment = moment.replace(hour=hour, minute=int(t.group(3)))
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            alone = text[line_start : line_end if line_end >= 0 else None].strip() == m.group(0).strip()
            candidates.append(((0, -m.start()) if alone else (1, m.start()), moment))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _to_date(y: str, m: str, d: str) -> date | None:
    try:
        if not y.isdigit():
            y, m, d = "".join(str(_CN_DIGITS[c]) for c in y), str(_cn_number(m)), str(_cn_number(d))
        return date(int(y), int(m), int(d)) if 1949 <= int(y) <= 2100 else None
    except (ValueError, KeyError):
        return None


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _front_matter(kind: str, title: str, config: Config, now: datetime, found: datetime | None, body: str, has_images: bool) -> str:
    """scaffold.py's front matter (every field, Chinese comments), with what the
    document told us written in and a note on each value the clerk should check."""
    when = found or now.astimezone(config.tz)
    scaffold = scaffold_text(kind, title, config, when)
    lines = scaffold.split("\n")
    end = lines.index("---", 1)
    front = lines[: end + 1]
    note = "从文档中找到，请核对" if found else "文档里没有日期，已填今天，请核对"
    if kind == "profile":
        _set(front, "date", None, note)
        category = _mentioned(title + "\n" + body, config.categories)
        _set(front, "category", category, "导入时" + ("按文档内容" if category else "默认填了第一个") + "，请核对")
    elif kind == "activity":
        if found is not None and (found.hour or found.minute):
            _set(front, "start", found.strftime("%Y-%m-%d %H:%M"), note)
        else:
            _set(front, "start", None, note)
        theme = _mentioned(title + "\n" + body, config.themes)
        _set(front, "theme", theme, "导入时" + ("按文档内容" if theme else "默认填了第一个") + "，请核对")
        if has_images:
            _set(front, "gallery", "[]", "文档里的图片已放在正文中，这里留空以免重复")
    return "\n".join(front) + "\n"


def _set(lines: list[str], key: str, value: str | None, note: str) -> None:
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            field, sep, comment = line.partition("  # ")
            if value is not None:
                field = f"{key}: {value}"
            lines[i] = f"{field}{sep or '  # '}{comment}{'；' if comment else ''}{note}"
            return


def _mentioned(text: str, names: tuple[str, ...]) -> str | None:
    """The first configured category/theme the document names, if any."""
    hits = [(text.find(name), name) for name in names if name in text]
    return min(hits)[1] if hits else None
