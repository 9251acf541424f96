"""Hostile or broken content never hangs or crashes a build: each is a
located error, and the previous output stays byte for byte."""

from __future__ import annotations

import time

import pytest

GOOD = "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n正文。\n"
HEAD = "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2024-03-05\n---\n"


def _tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and "pagefind" not in p.parts
    }


@pytest.fixture
def published(site):
    site.write("content/profiles/张晓明.md", GOOD)
    assert site.run("build") == 0
    return _tree(site.out)


def _refused(site, capsys, published, data: bytes, expect: str, line: int | None = None, seconds: float = 20.0) -> str:
    site.write_bytes("content/profiles/王秀兰.md", data)
    started = time.monotonic()
    assert site.run("build") == 1
    assert time.monotonic() - started < seconds  # stopped, not ground through
    err = capsys.readouterr().err
    assert "Traceback" not in err
    where = "content/profiles/王秀兰.md" + (f":{line}" if line else "")
    assert where in err and expect in err, err
    assert _tree(site.out) == published
    return err


@pytest.mark.parametrize(
    "body, expect",
    [
        ("[" * 20000, "方括号"),
        ("".join("  " * i + f"- 第{i}层\n" for i in range(2000)), "嵌套太深"),
        ("*" * 5000 + "好人" + "*" * 5000, "嵌套太深"),
        ("> " * 3000 + "引用", "嵌套太深"),
    ],
    ids=["brackets", "nested-list", "nested-emphasis", "nested-quote"],
)
def test_pathological_markdown_is_stopped_with_a_located_error(site, capsys, published, body, expect):
    _refused(site, capsys, published, (HEAD + body + "\n").encode(), expect)


def test_a_huge_file_is_refused_without_reading_it(site, capsys, published):
    _refused(site, capsys, published, HEAD.encode() + b"x" * (60 * 1024 * 1024), "文件太大")


def test_a_renamed_word_document_is_refused(site, capsys, published):
    _refused(site, capsys, published, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "Word")


def test_binary_garbage_is_refused(site, capsys, published):
    _refused(site, capsys, published, bytes(range(256)) * 40, "不是文本文件")


@pytest.mark.parametrize(
    "front, expect, line",
    [
        ("name: !!python/object/apply:os.system ['echo pwned']\ncategory: 道德模范\ndate: 2024-03-05\n", "YAML 标签", 2),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: 王秀兰\n",
            "锚点或别名",
            2,
        ),
        ("name: 王秀兰\ncategory: 道德模范\ndate: 2024-03-05\nname: 王秀英\n", "重复", 5),
        ("- name: 王秀兰\n- category: 道德模范\n", "应是“字段: 值”", 2),
        ("name: no\ncategory: 道德模范\ndate: 2024-03-05\n", "是/否", 2),
    ],
    ids=["python-tag", "alias-bomb", "duplicate-key", "top-level-list", "boolean-name"],
)
def test_dangerous_or_surprising_yaml_is_an_error_with_its_line(site, capsys, published, front, expect, line):
    _refused(site, capsys, published, f"---\n{front}---\n正文\n".encode(), expect, line)


def test_nothing_was_executed_by_a_yaml_tag(site, capsys, published, tmp_path):
    marker = tmp_path / "pwned"
    front = f"name: !!python/object/apply:os.system ['touch {marker}']\ncategory: 道德模范\ndate: 2024-03-05\n"
    _refused(site, capsys, published, f"---\n{front}---\n".encode(), "YAML 标签")
    assert not marker.exists()
