"""Markdown bodies and summaries."""

from __future__ import annotations

import re
from pathlib import Path

from generator.markup import MarkdownRenderer, cut_summary, plain_text
from generator.problems import Problems
from generator.slugs import slugify


def _render(tmp_path: Path, text: str) -> tuple[str, Problems]:
    (tmp_path / "content").mkdir(exist_ok=True)
    problems = Problems()
    body = MarkdownRenderer(tmp_path / "content").render(text, tmp_path / "content/a.md", 1, problems)
    return body.html, problems


def test_chinese_headings_get_ids_that_keep_the_chinese(tmp_path):
    html, _ = _render(tmp_path, "## 成长经历\n\n正文\n\n## 群众评价\n")
    assert '<h2 id="成长经历">成长经历</h2>' in html and 'id="群众评价"' in html


def test_tables_scroll_in_a_focusable_region_and_lists_render(tmp_path):
    html, _ = _render(tmp_path, "| 年份 | 荣誉 |\n|---|---|\n| 2023 | 十堰好人 |\n\n- 一\n- 二\n")
    assert re.search(r'<div (?=[^>]*class="table-wrap")(?=[^>]*role="region")(?=[^>]*tabindex="0")[^>]*><table>', html)
    assert "<td>十堰好人</td>" in html and "<li>二</li>" in html


def test_a_level_one_heading_in_a_body_becomes_level_two(tmp_path):
    html, _ = _render(tmp_path, "# 主要事迹\n\n正文\n")
    assert '<h2 id="主要事迹">主要事迹</h2>' in html and "<h1" not in html


def test_a_summary_is_cut_at_a_chinese_sentence_end():
    html = "<h2>事迹</h2><p>" + "他二十年如一日坚守在公路养护一线，风雨无阻。" * 3 + "后来他又带出了一支队伍！" * 4 + "</p>"
    summary = cut_summary(html, 60)
    assert summary.endswith("。") and len(summary) <= 60
    assert "事迹" not in summary  # headings are not part of a summary


def test_a_summary_without_sentence_ends_gets_an_ellipsis():
    summary = cut_summary("<p>" + "长" * 300 + "</p>", 50)
    assert summary.endswith("…") and len(summary) == 50


def test_plain_text_unescapes_entities():
    assert plain_text("<p>A &amp; B&nbsp;<b>C</b></p>") == "A & B C"


def test_a_body_image_without_alt_text_is_a_warning(tmp_path):
    (tmp_path / "content/p.jpg").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "content/p.jpg").write_bytes(b"x")
    html, problems = _render(tmp_path, "文字\n\n![](p.jpg)\n")
    assert not problems and [w.line for w in problems.warnings] == [3]
    assert 'src="bangyang-image:' in html


def test_slugs_are_pinyin_words_joined_by_hyphens():
    assert slugify("张晓明") == "zhang-xiao-ming"
    assert slugify("2024 学雷锋·绿色公路") == "2024-xue-lei-feng-lv-se-gong-lu"
    assert slugify("About Us") == "about-us"
