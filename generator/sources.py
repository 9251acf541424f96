"""Reading a content file: bytes → text → (front matter mapping, body).

Input: a path. Output: a `SourceFile` with the decoded text, the front matter
as plain Python values, the 1-based line of each key, and the body with the
line it starts on. Every way a clerk's editor can save a file (BOM, CRLF,
GBK, UTF-16 from PowerShell) is decoded; every way YAML goes wrong is turned
into a problem with a line number instead of silently producing nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .problems import Problems

MAX_FILE_BYTES = 5 * 1024 * 1024  # a Markdown file this large is a mistake (a pasted image?)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    meta: dict[str, Any]
    lines: dict[str, int]  # "name" → 3, "honors[0]" → 9
    body: str
    body_line: int  # the file line that body[0] is on
    has_front_matter: bool = True
    # Keys on front-matter lines that could not be read (already reported);
    # "*" when a broken line names no key. The rest of the file is still
    # checked, but these are not "missing" and the document is not published.
    broken: frozenset[str] = frozenset()


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML without timestamps: dates are parsed by us, so 2024-02-30 gets
    a clear message instead of an exception from inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def decode(data: bytes, path: Path, problems: Problems) -> str | None:
    """Bytes → text with LF line ends, or None (and a problem) when not text."""
    if data.startswith(b"PK\x03\x04"):
        problems.error(
            path, 0, "", "这是 Word/压缩文件，不是 Markdown 文本 (a .docx or zip file)", "请把内容复制到记事本，另存为 .md（UTF-8 编码）"
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: its mark starts the same
        try:
            text = data.decode("utf-32").lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.error(path, 0, "", "UTF-32 文件已损坏，无法读取", "请用记事本另存为 UTF-8")
            return None
        problems.warn(path, 0, "", "文件是 UTF-32 编码，已自动转换 (file is UTF-32, decoded)", "建议“另存为”UTF-8 编码")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            problems.error(path, 0, "", "UTF-16 文件已损坏，无法读取", "请用记事本另存为 UTF-8")
            return None
        text = text.lstrip("\ufeff")
    elif b"\x00" in data:
        problems.error(path, 0, "", "不是文本文件 (binary data)", "内容文件应为用记事本或 WPS 另存的 UTF-8 文本 .md")
        return None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                problems.error(path, 0, "", "无法识别文件编码 (neither UTF-8 nor GBK)", "请用记事本打开，“另存为”时编码选 UTF-8")
                return None
            problems.warn(path, 0, "", "文件是 GBK 编码，已自动转换 (file is GBK, decoded)", "建议“另存为”UTF-8 编码，便于在各系统通用")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FENCE = re.compile(r"^-{3,}\s*$")  # the boundary python-frontmatter splits on
_KEY_FULLWIDTH = re.compile(r"^(\s*-?\s*)([A-Za-z_][A-Za-z0-9_]*|[\u4e00-\u9fff]{1,6})\s*：")
_KEY_NOSPACE = re.compile(r"^(\s*-?\s*)([A-Za-z_][A-Za-z0-9_]*):(?![\s/]|$)")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+]?\s*$")  # `key: |` opens a block of free text


def read_source(path: Path, problems: Problems, known_keys: frozenset[str]) -> SourceFile | None:
    """Read and split one content file; None when it cannot be used at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                path,
                0,
                "",
                f"文件太大（{size // 1024 // 1024} MB），不像是 Markdown 文本",
                "图片请单独放在文件旁边，用 photo 或 ![说明](图片.jpg) 引用",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(path, 0, "", f"无法读取文件 cannot read: {exc.strerror}", "检查文件是否被其他程序占用")
        return None
    text = decode(data, path, problems)
    if text is None:
        return None
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or not _FENCE.match(lines[start]):
        return SourceFile(path, {}, {}, text, 1, has_front_matter=False)
    end = next((i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        problems.error(
            path,
            start + 1,
            "",
            "前言区没有结束的 --- (front matter is not closed)",
            "在最后一个字段下面单独一行写 ---，再写正文",
        )
        return None
    first = start + 2  # file line of the first front-matter line
    fm_lines = lines[start + 1 : end]
    bad = _lint(fm_lines, first, path, problems, known_keys)
    # python-frontmatter does the split of record (same fences); our checks above
    # guarantee it cannot silently return an empty mapping. Its boundary pattern
    # may swallow blank lines, so line numbers count back from the closing fence.
    joined = "\n".join(lines[start:]) + "\n"
    fm_text, body = frontmatter.YAMLHandler().split(joined)
    yaml_first = end + 1 - fm_text.count("\n")
    body_line = start + 1 + joined[: len(joined) - len(body)].count("\n")
    body = body.rstrip("\n") + "\n"
    if not bad:
        trial = Problems(rel_to=problems.rel_to)
        meta, key_lines = _parse_yaml(fm_text, yaml_first, path, trial)
        if meta is not None:
            problems.items.extend(trial.items)  # read, but not without remarks (a key written twice)
            return SourceFile(path, meta, key_lines, body, body_line)
    # One unreadable line must not hide the rest of the file's problems: read
    # each top-level field on its own and report every one that fails.
    mark = len(problems.items)
    shift = first - yaml_first  # the lint counted from the fence, the YAML text may start later
    bad = {offset + shift: key for offset, key in bad.items()}
    meta, key_lines, broken = _parse_entries(fm_text.split("\n"), yaml_first, bad, path, problems)
    if not bad and len(problems.items) == mark:
        problems.items.extend(trial.items)  # no field fails on its own: the whole parse's message stands
        return None
    return SourceFile(path, meta, key_lines, body, body_line, broken=frozenset(broken or {"*"}))


_TOP_KEY = re.compile(r"^([^\s#:：\-][^:：]*?)\s*[:：]")


def _entries(fm_lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) offsets of each top-level field: a line at column 0 that is
    not a comment or a list item starts one; indented lines, list items and
    blank lines belong to the field above."""
    starts = [i for i, line in enumerate(fm_lines) if line[:1] not in ("", " ", "\t", "#", "-")]
    if not starts:
        return []
    return list(zip(starts, [*starts[1:], len(fm_lines)], strict=True))


def _parse_entries(
    fm_lines: list[str], first: int, bad: dict[int, str], path: Path, problems: Problems
) -> tuple[dict[str, Any], dict[str, int], set[str]]:
    """The fields that can be read, their lines, and the keys of those that cannot."""
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    broken: set[str] = set()
    for begin, stop in _entries(fm_lines):
        guess = _TOP_KEY.match(fm_lines[begin])
        key = guess.group(1).strip() if guess else "*"
        flagged = [offset for offset in range(begin, stop) if offset in bad]
        if flagged:
            # A slip on the field's own line may name the key the guess cannot (a full-width colon).
            broken.add(bad[begin] or key if flagged[0] == begin else key)
            continue
        part, part_lines = _parse_yaml("\n".join(fm_lines[begin:stop]), first + begin, path, problems)
        if part is None:
            broken.add(key)
            continue
        for name, value in part.items():
            if name in meta:
                problems.error(
                    path, part_lines[name], name, f"字段“{name}”重复出现 (duplicate key; first on line {key_lines[name]})", "删掉其中一行"
                )
                continue
            meta[name] = value
            key_lines.update({k: v for k, v in part_lines.items() if k == name or k.startswith(name + "[")})
    return meta, key_lines, broken


def _lint(fm_lines: list[str], first: int, path: Path, problems: Problems, known: frozenset[str]) -> dict[int, str]:
    """Catch what editors and IMEs produce and YAML would misread or reject
    cryptically: the offsets of the lines reported, each with the key it names ("" if none)."""
    bad: dict[int, str] = {}
    in_block = False
    for offset, line in enumerate(fm_lines):
        lineno = first + offset
        if in_block and (line.startswith((" ", "\t")) or not line.strip()):
            continue  # inside a `|` block scalar any text is allowed
        in_block = ("|" in line or ">" in line) and _BLOCK_SCALAR.search(line) is not None
        indent_char = line.lstrip(" ")[:1]
        if indent_char == "\t":
            problems.error(path, lineno, "", "用了 Tab 键缩进 (tab used for indentation)", "YAML 只能用空格缩进，请把 Tab 换成两个空格")
            bad[offset] = ""
        elif indent_char == "\u3000":
            problems.error(
                path, lineno, "", "用了全角空格缩进 (full-width space used for indentation)", "请切换到半角（英文）输入，用两个普通空格缩进"
            )
            bad[offset] = ""
        m = _KEY_FULLWIDTH.match(line) if "：" in line else None
        if m and (m.group(2) in known or m.group(1).strip() == "" and m.group(2).isascii()):
            problems.error(
                path,
                lineno,
                m.group(2),
                f"“{m.group(2)}”后面用了全角冒号“：” (full-width colon)",
                f"改成英文冒号加一个空格：{m.group(2)}: …",
            )
            bad[offset] = m.group(2)
            continue
        m = _KEY_NOSPACE.match(line)
        if m and m.group(2) in known:
            problems.error(
                path,
                lineno,
                m.group(2),
                f"“{m.group(2)}:”后面缺少空格 (missing space after colon)",
                f"冒号后要加一个空格：{m.group(2)}: {line[m.end() :].strip()}",
            )
            bad[offset] = m.group(2)
    return bad


def _plain_yaml(text: str, first: int, path: Path, problems: Problems) -> bool:
    """Front matter is plain data: no anchors/aliases (a few lines of them can
    expand to gigabytes) and no tags such as !!python/object."""
    if not ("&" in text or "*" in text or "!" in text):
        return True  # anchors need &, aliases *, tags !: nothing to look for
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = first + event.start_mark.line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.error(
                    path, line, "", "前言区不能使用 YAML 锚点或别名 (& / *) (anchors and aliases are not allowed)", "每个值直接写出来"
                )
                return False
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            if tag and not (implicit is True or (isinstance(implicit, tuple) and any(implicit))):
                problems.error(
                    path, line, "", f"前言区不能使用 YAML 标签 {tag} (tags are not allowed)", "删掉以 ! 开头的标记，只写普通的值"
                )
                return False
    except yaml.YAMLError:
        return True  # the parse below reports it with a located message
    return True


def _parse_yaml(text: str, first: int, path: Path, problems: Problems) -> tuple[dict[str, Any] | None, dict[str, int]]:
    if not _plain_yaml(text, first, path, problems):
        return None, {}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            problems.error(
                path,
                first + node.start_mark.line,
                "",
                "前言区应是“字段: 值”的列表 (front matter must be a mapping)",
                "每行一个字段，例如 name: 张三",
            )
            return None, {}
        meta: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            line = first + knode.start_mark.line
            if not isinstance(key, str):
                problems.error(path, line, str(key), "字段名应是文字 (keys must be text)", "例如 name: 张三")
                continue
            if key in meta:
                problems.error(path, line, key, f"字段“{key}”重复出现 (duplicate key; first on line {key_lines[key]})", "删掉其中一行")
                continue
            meta[key] = loader.construct_object(vnode, deep=True)
            key_lines[key] = line
            if isinstance(vnode, yaml.SequenceNode):
                for i, item in enumerate(vnode.value):
                    key_lines[f"{key}[{i}]"] = first + item.start_mark.line
        return meta, key_lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first + mark.line if mark else first
        problems.error(path, line, "", _explain_yaml(exc), _yaml_hint(exc))
        return None, {}
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (ESC, BEL … pasted in): on its own line
        # Found by the character itself: libyaml counts its position in bytes, PyYAML in characters.
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line = first + text[:at].count("\n") if at >= 0 else first
        problems.error(
            path,
            line,
            "",
            f"这一行有看不见的控制字符 U+{exc.character:04X} (control character)"
            if isinstance(exc.character, int)
            else "这一行有无法读取的字符",
            "删掉这个字符（多半是从别处粘贴来的），或重新输入这一行",
        )
        return None, {}
    except yaml.YAMLError as exc:
        problems.error(path, first, "", f"前言区格式错误 (YAML error): {exc}", "检查冒号、引号和缩进")
        return None, {}
    finally:
        loader.dispose()


def _explain_yaml(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return "值里含有“: ”（冒号加空格），YAML 会误读 (unquoted value contains ': ')"
    if "could not find expected ':'" in problem:
        return "这一行缺少“字段: 值”里的冒号 (expected 'key: value')"
    if "found character '\\t'" in problem or "\\t" in problem:
        return "用了 Tab 键 (tab character)"
    if "found undefined alias" in problem or "found unhashable key" in problem:
        return f"前言区格式错误 (YAML): {problem}"
    if "expected <block end>" in problem:
        return "缩进不一致 (inconsistent indentation)"
    return f"前言区格式错误 (YAML): {problem}"


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return '给整个值加上英文双引号，例如 title: "学习雷锋: 奉献他人"'
    if "expected <block end>" in problem:
        return "同一层的字段要对齐，列表项用两个空格缩进再写 - "
    return "检查冒号后是否有空格、引号是否成对、缩进是否只用空格"
