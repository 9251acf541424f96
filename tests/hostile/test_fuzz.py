"""Property tests: whatever front matter and Markdown a clerk produces, a
build either succeeds with nothing unsafe in any output, or fails with
located messages — never a traceback.

CI runs a short fuzz (25 examples per property); for a longer run:
    BANGYANG_FUZZ_EXAMPLES=2000 python -m pytest tests/hostile/test_fuzz.py
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main as cli_main

from .test_safe_html import _scan

EXAMPLES = int(os.environ.get("BANGYANG_FUZZ_EXAMPLES", "25"))
ALPHABET = st.sampled_from(
    list("张王李好人公路养护文明 abcXYZ019:：#-[]{}()*_>&<'\"`!|@%,\n\t\u3000。、")
    + ["<script>", "javascript:", "<img onerror=x>", "<!--", "---"]
)
TEXT = st.lists(ALPHABET, max_size=30).map("".join)
KEYS = st.sampled_from(
    ["name", "category", "date", "photo", "unit", "honors", "summary", "tags", "featured", "draft", "slug", "nmae", "标题", "title"]
)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "道德模范",
            "身边好人",
            "2024-03-05",
            "2024-02-30",
            "2024-04-23 15:00",
            "yes",
            "no",
            "~",
            "[]",
            "[a, b]",
            "{title: 十堰好人, year: 2023, level: 市级}",
            "&a x",
            "*a",
            "!!python/object:os.system x",
            "|",
        ]
    ),
)
BLOCKS = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(
            [
                "## 小标题",
                "- 列表",
                "1. 第一",
                "> 引用",
                "| a | b |\n|---|---|\n| 1 | 2 |",
                "[链接](b.md)",
                "[锚](#无)",
                "![图](x.jpg)",
                "**加粗**",
                "<script>alert(1)</script>",
                '<a href="javascript:alert(1)">x</a>',
                "```\ncode\n```",
            ]
        ),
    ),
    max_size=8,
).map("\n\n".join)


def _build(files: dict[str, str]) -> tuple[int, str, Path]:
    root = Path(tempfile.mkdtemp(prefix="bangyang-fuzz-"))
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(["build", "--site", str(root)])
    return code, err.getvalue(), root


def _check(code: int, err: str, root: Path) -> None:
    try:
        assert code in (0, 1), err
        assert "Traceback" not in err
        for line in err.splitlines():
            if "错误 error" in line:
                assert re.match(r"^(content/|site|templates/|'|output)", line), line
        if code == 0:
            for path in (root / "output").rglob("*.html"):
                found = _scan(path.read_text(encoding="utf-8"))
                # the theme's own inline script and search form are the only scripts/forms
                assert not any(k.startswith(("a[href=javascript", "img[on", "script alert", "comment")) for k in found), (path, found)
                assert "alert(1)</script>" not in path.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(root, ignore_errors=True)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(front=st.lists(st.tuples(KEYS, VALUES), max_size=8), body=BLOCKS)
def test_any_front_matter_and_body_builds_or_fails_with_located_messages(monkeypatch, front, body):

    fm = "\n".join(f"{k}: {v}" for k, v in front)
    files = {
        "content/profiles/张晓明.md": f"---\n{fm}\n---\n{body}\n",
        "content/profiles/ok.md": "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2024-03-05\n---\n好人。\n",
    }
    _check(*_build(files))


@FUZZ
@given(raw=st.binary(max_size=300))
def test_any_bytes_in_a_content_file_never_crash_a_build(monkeypatch, raw):

    root = Path(tempfile.mkdtemp(prefix="bangyang-fuzz-"))
    (root / "content/slogans").mkdir(parents=True)
    (root / "content/slogans/a.md").write_bytes(b"---\ntext: " + raw + b"\n---\n" + raw)
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(["build", "--site", str(root)])
    _check(code, err.getvalue(), root)
