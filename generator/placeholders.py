"""Sample values left in: what `init` and `new` wrote for the clerk to replace.

Input: `Config` (and the text of site.toml, for line numbers), or one content
file's `SourceFile`. Output: warnings in a `Problems` collector — for an
example or local host in base_url or a menu link, all-zero ICP / 公安备案 /
phone numbers and "请填写…" text in the settings every page shows, and the
lines a scaffold writes ("在这里写先进事迹…"). `build` and `check` warn;
`check --audit` fails on the same findings (audit.py).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from .config import Config
from .problems import Problems
from .scaffold import PLACEHOLDER_LINES
from .sources import SourceFile

# RFC 2606 / 6761 names no one can own: an "example" label anywhere
# (example.com, wenming.example.gov.cn) and the reserved top-level names.
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})

# A number in the text: digits, possibly joined by dashes or brackets (0719-0000000).
_NUMBER = re.compile(r"\d[\d\-－()（）]*\d|\d")
# What nobody writes on purpose into a site's name, footer or menu.
_FILL_ME = re.compile(r"请填写|待填写|某某|[xX×]{3,}")

# Settings every page shows (title, footer, menu) → what a clerk calls them.
_LABELS = {
    "title": "网站名称",
    "description": "网站简介",
    "footer.organizer": "主办单位",
    "footer.contact": "联系方式",
    "footer.icp": "ICP备案号",
    "footer.police": "公安备案号",
}
_FILING_NUMBERS = ("footer.icp", "footer.police")
_HINTS = {
    "title": "写网站的正式名称，例如 十堰公路文明网",
    "description": "用一句话介绍这个网站：谁办的、宣传什么",
    "footer.organizer": "写主办单位的全称",
    "footer.contact": "改成本单位真实的电话和地址",
    "footer.icp": "填写本网站在工信部备案管理系统（beian.miit.gov.cn）取得的备案号",
    "footer.police": "填写全国互联网安全管理服务平台（beian.mps.gov.cn）给出的公安备案号；还没有就删掉这一行",
}


def placeholder_host(host: str) -> tuple[str, str]:
    """Why `host` cannot be the site's address, in Chinese and in English; ("", "") when it can."""
    host = host.lower().rstrip(".")
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:
        host = host.split(":")[0]
    labels = host.split(".")
    if host in _LOCAL_HOSTS or host.startswith("127.") or labels[-1] == "localhost":
        return "是本机地址，别的电脑和手机都打不开", "a local address"
    if "example" in labels:
        return "是示例域名，不是本单位的网站", "an example domain"
    if labels[-1] in _RESERVED_TLDS:
        return "是保留的测试域名，不能用于正式网站", "a reserved test domain"
    return "", ""


def zero_numbers(text: str) -> list[str]:
    """The numbers in `text` that are only zeros: "0719-0000000", "鄂ICP备00000000号",
    a house number "00号". Times (12:00) and years (2000) are not."""
    found = []
    for m in _NUMBER.finditer(text):
        groups = re.findall(r"\d+", m.group())
        house = text[m.end() : m.end() + 1] == "号"
        if any(set(g) <= {"0", "０"} and (len(g) >= 4 or (len(g) >= 2 and house)) for g in groups):
            found.append(m.group() + ("号" if house else ""))
    return found


def check_settings(config: Config, problems: Problems) -> None:
    """Warn about each sample value of site.toml that would go live on every page."""
    path = config.site_dir / "site.toml"
    text, raw = _read_toml(path)
    lines = key_lines(text)
    _check_base_url(config, path, raw, lines, problems)
    footer = config.footer
    values = {
        "title": config.title,
        "description": config.description,
        "footer.organizer": footer.organizer,
        "footer.contact": footer.contact,
        "footer.icp": footer.icp,
        "footer.police": footer.police,
    }
    for key, value in values.items():
        _check_text(key, _LABELS[key], value, path, lines.get(key, 0), problems)
    for i, item in enumerate(config.menu):
        key = f"menu[{i}]"
        _check_text(f"{key}.title", "菜单名称", item.title, path, lines.get(f"{key}.title", 0), problems)
        reason, english = placeholder_host(urlsplit(item.url).hostname or "") if "://" in item.url else ("", "")
        if reason:
            problems.warn(
                path,
                lines.get(f"{key}.url", 0),
                f"{key}.url",
                f"菜单“{item.title}”的网址“{item.url}”{reason}，每个页面的菜单里都有它 (menu link to {english})",
                "改成真实的网址，或删掉这个 [[menu]]",
            )


def _check_base_url(config: Config, path: Path, raw: dict, lines: dict[str, int], problems: Problems) -> None:
    host = urlsplit(config.base_url).hostname or ""
    reason, english = placeholder_host(host) if host else ("", "")
    if not reason:
        return
    written = raw.get("base_url")
    # `build --base-url` overrides site.toml: then the command line is what to fix.
    from_file = isinstance(written, str) and (urlsplit(written.strip()).hostname or "") == host
    problems.warn(
        path if from_file else "--base-url",
        lines.get("base_url", 0) if from_file else 0,
        "base_url",
        f"网站地址“{config.base_url}”{reason}；海报和电子屏上的二维码、订阅和站点地图都会指向它 (base_url is {english})",
        '改成网站正式发布的网址，例如 base_url = "https://本单位网站的域名/"；还没有域名时先写 base_url = "/"',
    )


def _check_text(key: str, label: str, value: str, path: Path, line: int, problems: Problems) -> None:
    if not value:
        return
    zeros = zero_numbers(value)
    words = list(dict.fromkeys(_FILL_ME.findall(value)))
    if not zeros and not words:
        return
    shown = "每个页面的页脚" if key.startswith("footer.") else "每个页面"
    if words:
        message = f"{label}“{value}”还是待填写的占位内容，{shown}都会显示它 (placeholder text)"
    elif key in _FILING_NUMBERS:
        message = f"{label}“{value}”是占位号码（数字全是 0），不是真实的备案号 (placeholder filing number)"
    else:
        numbers = "、".join(f"“{number}”" for number in zeros)
        message = f"{label}“{value}”里的 {numbers} 是占位号码（数字全是 0），{shown}都会显示它 (placeholder number)"
    hint = _HINTS.get(key, f"改成真实的{label}")
    problems.warn(path, line, key, message, hint)


def check_scaffold_text(source: SourceFile, problems: Problems) -> None:
    """Warn about each line a scaffold wrote for the clerk that is still in the body."""
    for offset, line in enumerate(source.body.split("\n")):
        text = line.strip()
        if text not in PLACEHOLDER_LINES:
            continue
        if text.endswith("："):  # "- 时间：" with nothing after it
            message, hint = f"“{text}”后面还没有填写 (scaffold item left empty)", "在冒号后面填写，或删掉这一行"
        else:
            message = f"“{text}”是 bangyang new 写的示例文字，会原样显示在网页上 (scaffold text left in)"
            hint = "把这一行换成真实内容，或删掉它"
        problems.warn(source.path, source.body_line + offset, "正文 body", message, hint)


def key_lines(text: str) -> dict[str, int]:
    """ "footer.icp" → 17, "menu[0].url" → 23: the line each key of a TOML file is set on."""
    lines: dict[str, int] = {}
    table = ""
    arrays: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if m := re.match(r"\s*\[\[\s*([\w.-]+)\s*\]\]", line):
            arrays[m.group(1)] = arrays.get(m.group(1), -1) + 1
            table = f"{m.group(1)}[{arrays[m.group(1)]}]."
        elif m := re.match(r"\s*\[\s*([\w.-]+)\s*\]", line):
            table = m.group(1) + "."
        elif m := re.match(r"\s*([\w.-]+)\s*=", line):
            lines.setdefault(table + m.group(1), number)
    return lines


def _read_toml(path: Path) -> tuple[str, dict]:
    """(text, values) of site.toml; empty when it is missing or unreadable (config.py reports that)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return text, tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", {}
