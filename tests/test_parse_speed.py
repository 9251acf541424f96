"""Parsing takes shortcuts to stay cheap per document; each gives the same
answer as the plain check it stands in for (kept here as the reference)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nh3
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import markup, sanitize, sources
from generator.markup import MAX_LIST_INDENT, MAX_QUOTE_DEPTH, MarkdownRenderer
from generator.problems import Problems

EXAMPLES = int(os.environ.get("BANGYANG_FUZZ_EXAMPLES", "300"))
PIECES = st.one_of(
    st.sampled_from(list(" \t\n\r>-*+1.)[]<=:&#!_`\\文明a") + ["\u3000", "\x0b", "\x85", "\u2028", "ſ", "K", "İ"]),
    st.sampled_from(
        [
            " " * (MAX_LIST_INDENT + 1),
            "\t" * (MAX_LIST_INDENT + 1),
            ">" * (MAX_QUOTE_DEPTH + 1),
            "> " * (MAX_QUOTE_DEPTH + 1),
            "[" * (markup.MAX_BRACKETS_PER_BLOCK + 1),
            "<script>",
            "< style",
            "onclick=",
            " target =",
            "JavaScript :",
            "data:",
            "vbſcript:",
            "scrİpt:",
            "&#106;",
            "&#X6A;",
            "<!--",
            "</o:p>",
            'class="Mso',
            "## 小标题\n",
            "**强调**",
            "[链接](http://example.cn/a_b)",
            "`代码`",
            "&amp;",
            "  \n",
            "| 年份 | 荣誉 |\n|---|---|\n| 2023 | 好人 |\n",
        ]
    ),
)
TEXT = st.lists(PIECES, max_size=40).map("".join)


def _limits_line_by_line(text: str) -> tuple[int, str] | None:
    """The depth limits as first written, checking every block, then every line:
    (0-based line, what is too deep) of the first problem."""
    for offset, block in markup._blocks(text):
        if block.count("[") > markup.MAX_BRACKETS_PER_BLOCK:
            return offset, "方括号"
    for index, line_text in enumerate(text.split("\n")):
        indent = len(line_text) - len(line_text.lstrip(" \t"))
        stripped = line_text.lstrip(" \t")
        if indent > MAX_LIST_INDENT and re.match(r"([-*+]|\d+[.)])\s", stripped):
            return index, "列表"
        if re.match(r"(>\s*){" + str(MAX_QUOTE_DEPTH + 1) + ",}", stripped):
            return index, "引用"
    return None


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_the_markdown_limits_stop_at_the_same_line_as_a_line_by_line_check(text):
    problems = Problems()
    ok = markup._within_limits(text, Path("a.md"), 3, problems)
    expected = _limits_line_by_line(text)
    assert ok == (expected is None)
    if expected is not None:
        [problem] = problems.items
        assert problem.line == 3 + expected[0] and expected[1] in problem.message


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_the_unsafe_html_scan_skips_only_bodies_where_it_could_not_match(text):
    m = sanitize._UNSAFE.search(text)
    expected = None if m is None else (text.count("\n", 0, m.start()), m.group(0).strip()[:40])
    assert sanitize.scan_unsafe(text) == expected


def _plain_yaml_full_scan(text: str) -> list:
    problems = Problems()
    try:
        for event in yaml.parse(text, Loader=sources._Loader):
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.error("a.md", event.start_mark.line, "", "anchor")
            elif tag and not (implicit is True or (isinstance(implicit, tuple) and any(implicit))):
                problems.error("a.md", event.start_mark.line, "", "tag")
    except yaml.YAMLError:
        pass
    return problems.items


YAML_TEXT = st.lists(
    st.sampled_from(
        ["name: 张三\n", "tags: [a, b]\n", "- x\n", "  y: 1\n", "a: &x 1\n", "b: *x\n", "c: !!str 2\n", "d: !x y\n"]
        + ['e: "&*!"\n', "f: |\n  !&*\n", "%TAG !e! tag:x,2000:\n---\n", "g: 文明！\n", "h: a * b & c\n", ": x\n"]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(YAML_TEXT)
def test_front_matter_is_scanned_for_anchors_and_tags_whenever_it_could_hold_one(text):
    problems = Problems()
    plain = sources._plain_yaml(text, 0, "a.md", problems)
    found = _plain_yaml_full_scan(text)
    assert plain == (not found)
    assert [p.line for p in problems.items] == [p.line for p in found[:1]]


def _renderer_looking_patterns_up_in_the_registry(content: Path) -> MarkdownRenderer:
    renderer = MarkdownRenderer(content)
    renderer._md.treeprocessors["inline"].inlinePatterns = renderer._md.inlinePatterns
    return renderer


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(TEXT)
def test_the_renderer_writes_the_html_that_python_markdown_writes_with_its_registry(text):
    content = Path(__file__).resolve().parent
    fast = MarkdownRenderer(content).render(text, content / "a.md", 1, Problems())
    plain = _renderer_looking_patterns_up_in_the_registry(content).render(text, content / "a.md", 1, Problems())
    assert fast == plain


def test_the_renderer_keeps_every_inline_pattern_in_registry_order(tmp_path):
    renderer = MarkdownRenderer(tmp_path)
    renderer.render("**甲** [乙](http://example.cn) `丙`\n", tmp_path / "a.md", 1, Problems())
    assert list(renderer._md.treeprocessors["inline"].inlinePatterns) == list(renderer._md.inlinePatterns)


HTML = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "文", "a", "&amp;", "&", "<", ">", " ", "\n", "<script>x</script>", "<!-- c -->", '<a href="javascript:x">']
        + ['<td style="text-align: left;">', '<th style="text-align: center">', '<div class="table-wrap" role="region">']
        + ['<img src="bangyang-image:/a.jpg" onerror="x">', '<h2 id="标题" style="color:red">', "<o:p>", "\u00a0"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(HTML)
def test_body_html_is_cleaned_as_nh3_clean_would_clean_it(html_text):
    expected = nh3.clean(sanitize._ALIGN.sub(r' class="align-\1"', html_text), **sanitize._OPTIONS)
    assert sanitize.clean_body_html(html_text) == expected
