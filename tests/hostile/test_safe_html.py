"""Nothing a clerk pastes into a body or a field puts a script on a page."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from generator.cli import main as cli_main

PROFILE = "---\nname: {name}\ncategory: 道德模范\ndate: 2024-03-05\nsummary: {summary}\n---\n第一段。\n\n{body}\n"

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '<img src="x.jpg" onerror="alert(1)">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object": '<object data="x.swf"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example/"><input name="p"><button>登录</button></form>',
    "style-attr": '<p style="position:fixed;top:0">覆盖</p>',
    "style-tag": "<style>body{display:none}</style>",
    "js-link": "[点我](javascript:alert(1))",
    "js-link-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "js-link-entity-tab": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data-url": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "svg": '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "math": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base": '<base href="https://evil.example/">',
    "link": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "target": '<a href="https://example.gov.cn/" target="_blank">x</a>',
    "comment": "<!-- 内部备注：不要公开 -->",
    "word-debris": '<p class="MsoNormal">正文<o:p></o:p></p>',
    "attr-list": "文字 {: onclick=alert(1) }",
    "template": "<template><script>alert(1)</script></template>",
}


class _Scanner(HTMLParser):
    """Collects what, in parsed HTML, could run, load or hide something."""

    DANGEROUS_TAGS = {
        "script",
        "iframe",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "base",
        "svg",
        "math",
        "template",
        "style",
        "link",
        "meta",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter = Counter()
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.DANGEROUS_TAGS:
            key = " ".join(f"{k}={v}" for k, v in sorted(values.items()) if k in ("src", "href", "rel", "type", "http-equiv", "action"))
            self.found[f"<{tag} {key}>"] += 1
        self.in_script = tag == "script"
        for name, value in attrs:
            lowered = re.sub(r"[\s\x00-\x1f]", "", (value or "").lower())
            if name.startswith("on") or name in ("style", "target"):
                self.found[f"{tag}[{name}]"] += 1
            if name in ("href", "src", "action", "data", "xlink:href") and re.match(r"(javascript|vbscript|data:text)", lowered):
                self.found[f"{tag}[{name}={lowered[:20]}]"] += 1
            if "evil.example" in lowered:
                self.found[f"{tag}[{name}] evil"] += 1
        if "mso" in (values.get("class") or "").lower():
            self.found["Mso class"] += 1

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert" in data:
            self.found["script alert"] += 1

    def handle_comment(self, data: str) -> None:
        self.found["comment"] += 1


def _scan(text: str) -> Counter:
    scanner = _Scanner()
    scanner.feed(text)
    return scanner.found


def _matches(out) -> Counter:
    found: Counter = Counter()
    for path in out.rglob("*"):
        if "pagefind" in path.parts or path.suffix not in (".html", ".xml", ".json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".xml":
            # A feed's type="html" content is HTML to a feed reader: check it as such.
            tree = ElementTree.fromstring(text.encode())
            text = "\n".join(el.text or "" for el in tree.iter() if el.get("type") == "html")
        elif path.suffix == ".json":
            data = json.loads(text)
            items = data.get("items", []) if isinstance(data, dict) else []
            text = "\n".join(str(item.get("body_html", "")) for item in items if isinstance(item, dict))
        for item, count in _scan(text).items():
            found[(path.relative_to(out).as_posix(), item)] += count
    return found


def _unsafe_fragments(site, baseline_text: str = "第一段。") -> list[str]:
    """What the built site has beyond the same site built without the payload
    (the theme's own search form and scripts are not a payload's doing)."""
    payload_run = _matches(site.out)
    clean = site.root.parent / "baseline"
    shutil.copytree(site.root / "content", clean / "content")
    if (site.root / "site.toml").exists():
        shutil.copy(site.root / "site.toml", clean / "site.toml")
    for md in (clean / "content").rglob("*.md"):
        md.write_text(PROFILE.format(name="张晓明", summary="好人", body=baseline_text), encoding="utf-8")
    assert cli_main(["build", "--site", str(clean)]) == 0
    extra = payload_run - _matches(clean / "output")
    return [f"{file}: {text}" for (file, text) in extra]


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_unsafe_html_in_a_body_is_removed_everywhere(site, capsys, payload):
    site.write("content/profiles/张晓明.md", PROFILE.format(name="张晓明", summary="好人", body=payload))
    assert site.run("build") == 0
    assert _unsafe_fragments(site) == []
    err = capsys.readouterr().err
    if "{:" not in payload:  # attr_list syntax is not enabled: it stays harmless text
        assert "content/profiles/张晓明.md:9" in err and "不安全" in err


def test_safe_formatting_survives_sanitising(site):
    body = "## 成长经历\n\n**加粗** *斜体* [链接](https://www.gov.cn/) H~2~O\n\n| 年份 | 荣誉 |\n|:--|--:|\n| 2023 | 十堰好人 |\n\n> 引用\n\n---\n"
    site.write("content/profiles/张晓明.md", PROFILE.format(name="张晓明", summary="好人", body=body))
    assert site.run("build") == 0
    html = site.html("profiles/zhang-xiao-ming/index.html")
    for fragment in ('<h2 id="成长经历">', "<strong>加粗</strong>", "<em>斜体</em>", '<a href="https://www.gov.cn/">链接</a>',
                     '<th class="align-left">', '<td class="align-right">十堰好人</td>', "<blockquote>", "<hr>"):  # fmt: skip
        assert fragment in html


@pytest.mark.parametrize("field", ["name", "summary"])
def test_front_matter_text_is_escaped_wherever_it_appears(site, field):
    values = {"name": "张晓明", "summary": "好人"}
    values[field] = '"<script>alert(1)</script><img src=x onerror=alert(2)>"'
    site.write("content/profiles/zhang/index.md", PROFILE.format(**values, body=""))
    site.write("site.toml", '[[kiosk]]\nname = "lobby"\ntitle = "大厅"\nshow = ["profiles:featured", "slogans"]\n')
    assert site.run("build") == 0
    assert _unsafe_fragments(site) == []
    html = site.html("profiles/zhang/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript" in html


def test_a_javascript_url_in_the_menu_settings_is_an_error(site, capsys):
    site.write("site.toml", '[[menu]]\ntitle = "点我"\nurl = "javascript:alert(1)"\n')
    site.write("content/profiles/a.md", PROFILE.format(name="甲", summary="x", body=""))
    assert site.run("build") == 1
    assert "menu[0].url" in capsys.readouterr().err
