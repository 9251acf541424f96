"""`bangyang check --audit`: the publishing-compliance rules of an inspection.

Input: `Config`, a `Problems` collector and the staleness limit in days.
Output: an `AuditReport` — one `RuleResult` (pass/fail and what failed) per
rule — or None when the site has errors and cannot be built at all.

The site is built with the normal pipeline into a temporary folder (the
site's own output/ is never touched; images use .bangyang-cache like any
build) and the rules read the site model and the HTML as a reader would get it:
1. every item with a page of its own (先进典型, 主题活动) shows its date;
2. no section — a category or theme with items, the slogans — has gone longer
   than N days without a new item, counted from the build time;
3. the footer carries 主办单位, contact and the ICP filing number;
4. every internal href/src resolves to a file of the build, anchors included;
5. every image has alt text;
6. no page loads anything (scripts, styles, images, frames, fonts) from another host;
7. no sample value is left: an example host in base_url, all-zero filing or
   phone numbers in the footer, text a scaffold wrote (placeholders.py).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .build import build, check_site
from .config import Config
from .models import Doc
from .placeholders import check_scaffold_text, check_settings
from .problems import BuildFailed, Problems
from .site import SiteModel
from .sources import SourceFile, decode
from .state import BuildState
from .workdir import work_folder

MAX_SHOWN = 20  # findings listed per rule; the rest are counted

# <link rel=…> values that make the browser fetch the target.
_LOADING_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest", "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch"})  # fmt: skip
# tag → attributes holding a URL the browser fetches on its own
_LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
_LINK_ATTRS = {"a": ("href",), "area": ("href",), "link": ("href",), "form": ("action",), **_LOADING_ATTRS}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)


@dataclass(frozen=True)
class RuleResult:
    title: str  # Chinese first, then English
    passed: bool
    checked: str  # what was looked at, e.g. "21 条内容"
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditReport:
    now: datetime
    stale_days: int
    rules: tuple[RuleResult, ...]

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)


@dataclass
class PageScan:
    """What one HTML file holds that the rules need."""

    ids: set[str] = field(default_factory=set)
    urls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url) of every reference
    loads: list[tuple[str, str]] = field(default_factory=list)  # (tag, url) the browser fetches by itself
    images_without_alt: list[str] = field(default_factory=list)
    dates_in_main: list[str] = field(default_factory=list)  # datetime="" of <time> inside <main>
    footer_text: str = ""


def audit_site(config: Config, problems: Problems, stale_days: int = 14) -> AuditReport | None:
    """Build into a temporary folder, then apply every rule. None if the build failed (see `problems`)."""
    state = BuildState()
    with _trial_folder(config) as out:
        trial = replace(config, output_dir=out)
        try:
            build(trial, problems, state)
        except BuildFailed:
            return None
        site, _ = check_site(trial, Problems(), state)  # the same documents, from the build's memo
        assert site is not None
        pages = {path.relative_to(trial.output_dir).as_posix(): scan_html(path) for path in sorted(trial.output_dir.rglob("*.html"))}
        css = {
            path.relative_to(trial.output_dir).as_posix(): path.read_text("utf-8", "replace") for path in trial.output_dir.rglob("*.css")
        }
        rules = (
            rule_dates(site, pages),
            rule_fresh_sections(site, stale_days),
            rule_footer(config, pages),
            rule_internal_links(config, trial.output_dir, pages),
            rule_alt_text(site, pages),
            rule_no_other_hosts(config, pages, css),
            rule_no_placeholders(config, site),
        )
    return AuditReport(site.now, stale_days, rules)


@contextlib.contextmanager
def _trial_folder(config: Config) -> Iterator[Path]:
    """A temporary output folder, and afterwards its working folder in the
    site's cache (the build's lock) gone with it: no build uses it again."""
    with tempfile.TemporaryDirectory(prefix="bangyang-audit-") as temp:
        out = Path(temp) / "site"
        try:
            yield out
        finally:
            shutil.rmtree(work_folder(config.cache_dir, out), ignore_errors=True)


# --- the rules -----------------------------------------------------------------------


def rule_dates(site: SiteModel, pages: dict[str, PageScan]) -> RuleResult:
    findings = []
    items: list[tuple[Doc, datetime]] = [(p, p.date) for p in site.profiles] + [(a, a.start) for a in site.activities]
    for doc, when in items:
        page = pages.get(doc.url + "index.html")
        day = when.strftime("%Y-%m-%d")
        if page is None or not any(value.startswith(day) for value in page.dates_in_main):
            findings.append(f"/{doc.url}（{doc.title}）页面上没有显示日期 {day} (no visible date) — content/{doc.rel}")
    return RuleResult("每条内容显示发布日期 every item shows its date", not findings, f"{len(items)} 条先进典型和活动", tuple(findings))


def rule_fresh_sections(site: SiteModel, stale_days: int) -> RuleResult:
    """A section is fresh when its newest item (an activity counts until it
    ends) is at most `stale_days` old. Slogans count from `from`; a slogan
    without one has no date and cannot show an update."""
    limit = timedelta(days=stale_days)
    sections: list[tuple[str, list[tuple[datetime, str]]]] = []
    sections += [(f"先进典型 · {t.name}", [(p.date, p.name) for p in t.profiles]) for t in site.categories if t.profiles]
    # An activity is current until it ends (one still to come counts as new).
    sections += [(f"主题活动 · {t.name}", [(min(a.end, site.now), a.title) for a in t.activities]) for t in site.themes if t.activities]
    if site.slogans:
        shown = [(s.valid_from, s.text) for s in site.slogans if s.valid_from is not None and s.valid_from <= site.now]
        sections.append(("宣传标语", shown))
    findings = []
    for name, dated in sections:
        if not dated:
            findings.append(f"{name}：没有一条标语写了开始展示日期 from，看不出最近是否更新 (no dated item)")
            continue
        when, title = max(dated)
        age = site.now - when
        if age > limit:
            findings.append(f"{name}：最新一条《{title}》是 {when:%Y-%m-%d}，已 {age.days} 天没有更新 ({age.days} days old)")
    return RuleResult(
        f"栏目 {stale_days} 天内有更新 every section updated within {stale_days} days",
        not findings,
        f"{len(sections)} 个栏目，按 {site.now:%Y-%m-%d %H:%M} 计算",
        tuple(findings),
    )


def rule_footer(config: Config, pages: dict[str, PageScan]) -> RuleResult:
    footer = config.footer
    wanted = (("organizer", "主办单位", footer.organizer), ("contact", "联系方式", footer.contact), ("icp", "ICP备案号", footer.icp))
    findings = [f"site.toml 的 [footer] 没有填写 {key}（{label}） (missing)" for key, label, value in wanted if not value]
    home = pages.get("index.html")
    shown = re.sub(r"\s+", "", home.footer_text) if home else ""
    for _key, label, value in wanted:
        if value and re.sub(r"\s+", "", value) not in shown:
            findings.append(f"首页页脚没有显示{label}“{value}” (not in the home page footer; a template of the site's own may hide it)")
    return RuleResult(
        "页脚有主办单位、联系方式和 ICP 备案号 footer: organizer, contact, ICP number",
        not findings,
        "site.toml 和首页页脚",
        tuple(findings),
    )


def rule_internal_links(config: Config, out: Path, pages: dict[str, PageScan]) -> RuleResult:
    findings: list[str] = []
    count = 0
    for rel, page in pages.items():
        for tag, attr, url in page.urls:
            for target in _urls_of(attr, url):
                internal = _internal_path(config, rel, target)
                if internal is None:
                    continue
                count += 1
                path, fragment = internal
                problem = _resolve(config, out, pages, path, fragment)
                if problem:
                    findings.append(f'/{rel} 的 <{tag} {attr}="{target}">：{problem}')
    return RuleResult("没有失效的站内链接和锚点 no broken internal link or anchor", not findings, f"{len(pages)} 个页面中的 {count} 个站内链接", tuple(dict.fromkeys(findings)))  # fmt: skip


def rule_alt_text(site: SiteModel, pages: dict[str, PageScan]) -> RuleResult:
    findings = [
        f'/{rel}：<img src="{src}"> 没有 alt 属性 (no alt attribute)' for rel, page in pages.items() for src in page.images_without_alt
    ]
    count = 0
    for doc in (*site.profiles, *site.activities, *site.pages, *site.slogans):
        for ref in doc.images:
            if ref.field == "background":
                continue  # a slogan's background is decoration behind the text
            count += 1
            if not ref.alt.strip():
                where = f"content/{doc.rel}" + (f":{ref.line}" if ref.line else "")
                findings.append(f"{where}：图片 {ref.source.name} 没有说明文字 (no alt text) — 写成 ![图片说明]({ref.source.name})")
    return RuleResult("每张图片都有说明文字 every image has alt text", not findings, f"{count} 张内容图片", tuple(findings))


def rule_no_other_hosts(config: Config, pages: dict[str, PageScan], css: dict[str, str]) -> RuleResult:
    findings = []
    for rel, page in pages.items():
        for tag, url in page.loads:
            if _other_host(config, url):
                findings.append(f"/{rel} 的 <{tag}> 从外部网站加载 {url} (loads from another host)")
    for rel, text in css.items():
        for m in _CSS_URL.finditer(text):
            url = m.group(1) or m.group(2)
            if _other_host(config, url):
                findings.append(f"/{rel} 从外部网站加载 {url} (loads from another host)")
    return RuleResult("不从其他网站加载任何内容 nothing loaded from another host", not findings, f"{len(pages)} 个页面和 {len(css)} 个样式表", tuple(findings))  # fmt: skip


def rule_no_placeholders(config: Config, site: SiteModel) -> RuleResult:
    """The warnings of placeholders.py, for site.toml and every published file, as failures."""
    found = Problems(rel_to=config.site_dir)
    check_settings(config, found)
    docs = (*site.profiles, *site.activities, *site.slogans, *site.pages)
    for doc in docs:
        # The whole file as its body: no front-matter line is a line a scaffold leaves, and no YAML is parsed again.
        try:
            text = decode(doc.source.read_bytes(), doc.source, Problems())
        except OSError:
            continue  # removed since the build read it
        if text is not None:
            check_scaffold_text(SourceFile(doc.source, {}, {}, text, 1), found)
    findings = [f"{p.path}{f':{p.line}' if p.line else ''} [{p.field}]：{p.message}" for p in found.warnings]
    return RuleResult(
        "没有未替换的示例内容 no sample placeholders left",
        not findings,
        f"site.toml 和 {len(docs)} 个内容文件",
        tuple(findings),
    )


# --- reading HTML and URLs -------------------------------------------------------


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self.main_depth = 0
        self.footer_depth = 0
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.scan.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.scan.ids.add(a["name"])
        self.main_depth += tag == "main"
        self.footer_depth += tag == "footer"
        self.in_style = tag == "style"
        if tag == "time" and self.main_depth and a.get("datetime"):
            self.scan.dates_in_main.append(a["datetime"])
        if tag == "img" and "alt" not in a:
            self.scan.images_without_alt.append(a.get("src", ""))
        for attr in _LINK_ATTRS.get(tag, ()):
            if a.get(attr, "").strip():
                self.scan.urls.append((tag, attr, a[attr].strip()))
        loading = _LOADING_ATTRS.get(tag, ())
        if tag == "link" and _LOADING_RELS & set(a.get("rel", "").lower().split()):
            loading = ("href",)
        for attr in loading:
            for url in _urls_of(attr, a.get(attr, "")):
                self.scan.loads.append((tag, url))
        for m in _CSS_URL.finditer(a.get("style", "")):
            self.scan.loads.append((tag, m.group(1) or m.group(2)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.main_depth -= tag == "main" and self.main_depth > 0
        self.footer_depth -= tag == "footer" and self.footer_depth > 0
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.footer_depth:
            self.scan.footer_text += data
        if self.in_style:
            self.scan.loads += [("style", m.group(1) or m.group(2)) for m in _CSS_URL.finditer(data)]


def scan_html(path: Path) -> PageScan:
    scanner = _Scanner()
    scanner.feed(path.read_text("utf-8", "replace"))
    scanner.close()
    return scanner.scan


def _urls_of(attr: str, value: str) -> Iterator[str]:
    """srcset holds "url 480w, url 960w"; every other attribute one URL."""
    if attr != "srcset":
        if value.strip():
            yield value.strip()
        return
    for candidate in value.split(","):
        url = candidate.strip().split(" ")[0]
        if url:
            yield url


def _site_origin(config: Config) -> tuple[str, str]:
    parts = urlsplit(config.base_url)
    return (parts.scheme or "https"), (parts.netloc.lower() or "site.invalid")


def _other_host(config: Config, url: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return False  # data:, blob:, mailto: …
    return bool(parts.netloc) and parts.netloc.lower() != _site_origin(config)[1]


def _internal_path(config: Config, page_rel: str, url: str) -> tuple[str, str] | None:
    """A reference → (path below base_url, #fragment), or None for other hosts and schemes."""
    scheme, host = _site_origin(config)
    page_url = f"{scheme}://{host}{config.base_path}{page_rel}"
    parts = urlsplit(urljoin(page_url, url))
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
        return None
    return unquote(parts.path), unquote(parts.fragment)


def _resolve(config: Config, out: Path, pages: dict[str, PageScan], path: str, fragment: str) -> str:
    """ "" when the path is a file of the build (and has the anchor), else what is wrong."""
    if not (path + "/").startswith(config.base_path):
        return f"在网站目录 {config.base_path} 之外 (outside the site)"
    rel = path[len(config.base_path) :] if len(path) >= len(config.base_path) else ""
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    elif (out / rel).is_dir():
        rel += "/index.html"
    if ".." in Path(rel).parts or not (out / rel).is_file():
        return "找不到这个页面或文件 (broken link)"
    if fragment and not fragment.startswith(":~:") and rel in pages and fragment not in pages[rel].ids:
        return f"页面里没有锚点 #{fragment} (broken anchor)"
    return ""


# --- the report -------------------------------------------------------------------


def format_report(report: AuditReport) -> str:
    lines = [f"合规检查 compliance audit（按 {report.now:%Y-%m-%d %H:%M} 计算，更新期限 {report.stale_days} 天）"]
    for number, rule in enumerate(report.rules, 1):
        mark = "[通过 PASS]  " if rule.passed else "[未通过 FAIL]"
        lines.append(f"  {mark} {number}. {rule.title} — {rule.checked}")
        for finding in rule.findings[:MAX_SHOWN]:
            lines.append(f"        - {finding}")
        if len(rule.findings) > MAX_SHOWN:
            lines.append(f"        … 另有 {len(rule.findings) - MAX_SHOWN} 处 ({len(rule.findings) - MAX_SHOWN} more)")
    failed = sum(not rule.passed for rule in report.rules)
    total = len(report.rules)
    if failed:
        lines.append(f"结果：{total} 项中 {failed} 项未通过 ({failed} of {total} rules failed)")
    else:
        lines.append(f"结果：{total} 项全部通过 (all {total} rules passed)")
    return "\n".join(lines) + "\n"
