"""Hostile inputs of the second round: each was a traceback or an escape
sequence on the clerk's terminal; each is now a located error, and the
previous output stays as it was."""

from __future__ import annotations

import pytest

PROFILE = "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2024-03-05\n---\n正文。\n"


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(site):
    site.write("content/profiles/王秀兰.md", PROFILE)
    assert site.run("build") == 0
    return _tree(site.out)


@pytest.mark.parametrize(
    "rel, text, where, said",
    [
        ("content/slogans/永远.md", "---\ntext: 讲文明 树新风\nuntil: 9999-12-31\n---\n", ":3: 错误 error [until]", "一直有效就不写 until"),
        (
            "content/activities/远.md",
            "---\ntitle: 读书会\ntheme: 全民阅读\nstart: 9999-12-31\n---\n",
            ":4: 错误 error [start]",
            "1900 年到 2099 年",
        ),
        (
            "content/profiles/张三.md",
            "---\nname: 张三\ncategory: 道德模范\ndate: 2204-03-05\n---\n",
            ":4: 错误 error [date]",
            "2024 误写成 2204",
        ),
    ],
    ids=["until-at-the-end-of-the-calendar", "start-at-the-end-of-the-calendar", "typo-year"],
)
def test_a_date_outside_the_years_a_clerk_means_is_a_located_error(site, capsys, published, rel, text, where, said):
    site.write(rel, text)
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err
    assert f"{rel}{where}: 年份" in err and said in err
    assert _tree(site.out) == published


@pytest.mark.parametrize(
    "front, body, where, field",
    [
        ("", "![照片](a%00.jpg)\n", ":6: 错误 error [正文 body]: 图片路径“a\\x00.jpg”", "image"),
        ("", "见[王秀兰](b%00.md)。\n", ":6: 错误 error [正文 body]: 链接的文件名“b\\x00.md”", "link"),
        ('photo: "p.jpg\\0"\n', "", ":5: 错误 error [photo]: 图片路径“p.jpg\\x00”", "photo"),
        ('gallery: ["a\\0.jpg"]\n', "", ":5: 错误 error [gallery[0]]: 图片路径“a\\x00.jpg”", "gallery"),
    ],
    ids=["body-image", "body-link", "photo", "gallery"],
)
def test_a_nul_in_a_path_is_a_located_error(site, capsys, published, front, body, where, field):
    rel = "content/activities/读书会/index.md" if field == "gallery" else "content/profiles/张三/index.md"
    head = "title: 读书会\ntheme: 全民阅读\nstart: 2024-04-23\n" if field == "gallery" else "name: 张三\ncategory: 道德模范\n"
    date = "" if field == "gallery" else "date: 2024-03-05\n"
    site.write(rel, f"---\n{head}{date}{front}---\n{body}")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "embedded null byte" not in err
    assert f"{rel}{where}里有控制字符" in err
    assert _tree(site.out) == published


def test_escape_sequences_in_a_value_are_shown_not_sent_to_the_terminal(site, capsys):
    # ESC ] 0 ; … BEL retitles a terminal and ESC [ 2 J clears it.
    site.write("content/profiles/张三.md", '---\nname: 张三\ncategory: "\\e]0;PWNED\\a\\e[2J"\ndate: 2024-03-05\n---\n')
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "“\\x1b]0;PWNED\\x07\\x1b[2J”不是允许的类别" in err


def test_names_windows_keeps_for_devices_get_safe_addresses(site, capsys):
    # profiles/con/ cannot be copied to a clerk's PC or a Windows intranet server.
    for name in ("CON", "aux", "nul", "COM1"):
        site.write(f"content/profiles/{name}.md", f"---\nname: {name}先生\ncategory: 道德模范\ndate: 2024-03-05\ntags: [CON]\n---\n")
    assert site.run("build") == 0, capsys.readouterr().err
    folders = {p.name for p in (site.out / "profiles").iterdir() if p.is_dir()}
    assert {"con-1", "aux-1", "nul-1", "com1-1"} <= folders and not {"con", "aux", "nul", "com1"} & folders
    assert "CON先生" in (site.out / "tags/con-1/index.html").read_text(encoding="utf-8") and not (site.out / "tags/con").exists()
    assert "CON先生" in (site.out / "profiles/con-1/index.html").read_text(encoding="utf-8")


def test_a_slug_or_static_file_named_for_a_windows_device_is_a_located_error(site, capsys):
    site.write("content/profiles/张三.md", "---\nname: 张三\ncategory: 道德模范\ndate: 2024-03-05\nslug: con\n---\n")
    site.write("content/static/docs/PRN.pdf", "%PDF-1.4\n")
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert "content/profiles/张三.md:5: 错误 error [slug]: 网址名“con”是 Windows 保留的设备名" in err and "slug: con-1" in err
    assert "content/static/docs/PRN.pdf: 错误 error: 文件名是 Windows 保留的设备名" in err


@pytest.mark.parametrize("fmt", ["EPS", "ICO", "PCX", "TGA", "BMP", "TIFF"])
def test_a_photo_is_opened_only_as_a_format_we_support(site, capsys, published, fmt):
    # An EPS named .jpg reached Pillow's Ghostscript loader; on a machine with
    # Ghostscript it would run on untrusted input.
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (64, 48), "#c8102e").save(data, fmt)
    site.write_bytes("content/profiles/张三/photo.jpg", data.getvalue())
    site.write("content/profiles/张三/index.md", "---\nname: 张三\ncategory: 道德模范\ndate: 2024-03-05\nphoto: photo.jpg\n---\n")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Ghostscript" not in err
    assert "content/profiles/张三/index.md:5: 错误 error [photo]: 图片 photo.jpg：不是可识别的图片，或格式不受支持" in err
    assert _tree(site.out) == published


@pytest.mark.parametrize(
    "front, line, code",
    [
        ("category: 道德\x1b模范\ndate: 2024-03-05\n", 3, "U+001B"),
        ("category: 道德模范\ndate: 2024-03-05\nsummary: |\n  第一行\n  第二\x07行\n", 7, "U+0007"),
    ],
    ids=["esc-in-a-value", "bel-in-a-block-of-text"],
)
def test_a_control_character_pasted_into_the_front_matter_is_reported_on_its_line(site, capsys, published, front, line, code):
    site.write("content/profiles/张三.md", f"---\nname: 张三\n{front}---\n正文。\n")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert f"content/profiles/张三.md:{line}: 错误 error: 这一行有看不见的控制字符 {code}" in err
    assert "\x1b" not in err and "\x07" not in err
    assert _tree(site.out) == published


@pytest.mark.parametrize(
    "expression, said",
    [("{{ 1 / 0 }}", "ZeroDivisionError"), ("{{ 'a' + 1 }}", "TypeError"), ("{{ 5 | date_cn }}", "AttributeError")],
    ids=["division-by-zero", "text-plus-number", "filter-given-a-number"],
)
def test_a_template_failing_as_it_runs_names_its_file_line_and_page(site, capsys, published, expression, said):
    from conftest import REPO

    theme = (REPO / "templates/page.html").read_text(encoding="utf-8")
    assert "{% block content %}\n" in theme
    site.write("templates/page.html", theme.replace("{% block content %}\n", f"{{% block content %}}\n<p>{expression}</p>\n", 1))
    site.write("content/pages/about.md", "---\ntitle: 关于我们\n---\n正文。\n")
    line = theme.splitlines().index("{% block content %}") + 2
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"templates/page.html:{line}: 错误 error: 模板错误 template error: {said}" in err and "生成 about/index.html 时" in err
    assert _tree(site.out) == published


def test_a_kiosk_template_failing_as_it_runs_is_a_located_error(site, capsys, published):
    from conftest import REPO

    theme = (REPO / "templates/kiosk/screen.html").read_text(encoding="utf-8")
    marker = theme[theme.index("<body") :].split("\n", 1)[0] + "\n"
    site.write("templates/kiosk/screen.html", theme.replace(marker, marker + "{{ 1 / 0 }}\n", 1))
    site.write("site.toml", 'title = "测试文明网"\n\n[[kiosk]]\nname = "hall"\nshow = ["slogans"]\n')
    line = theme[: theme.index(marker)].count("\n") + 2
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"templates/kiosk/screen.html:{line}: 错误 error: 模板错误 template error: ZeroDivisionError" in err and "电子屏" in err
    assert _tree(site.out) == published


_KILLED_MID_LAY_OVER = """
import os, signal, sys
from generator import layover, publish
publish.OVERLAY_SHARE = 1.0  # lay the release over output/, as a small edit of a big site does
real, moved = layover._move_if_there, []
def dying(release, out, rel):
    if len(moved) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # killed with two files moved in and the rest, build.json last, not
    moved.append(rel)
    real(release, out, rel)
layover._move_if_there = dying
from generator.cli import main
sys.exit(main(["build", "--site", sys.argv[1]]))
"""


def test_a_build_killed_while_laying_its_release_over_the_output_is_finished_before_anything_else(make_site, monkeypatch):
    import json
    import os
    import signal
    import subprocess
    import sys

    from conftest import REPO

    from generator.layover import finish_interrupted

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    live, clean = make_site("live"), make_site("clean")
    people = ("王秀兰", "张晓明", "李强", "赵敏", "刘洋", "陈静")
    for site in (live, clean):
        for i, name in enumerate(people):
            site.write(
                f"content/profiles/{name}.md", f"---\nname: {name}\ncategory: 道德模范\ndate: 2024-03-0{i + 1}\n---\n坚守一线{i + 1}年。\n"
            )
    assert live.run("build") == 0
    old_id = json.loads((live.out / "build.json").read_text(encoding="utf-8"))["build_id"]
    for site in (live, clean):  # the edit: one profile's text, one profile gone
        site.write("content/profiles/王秀兰.md", "---\nname: 王秀兰\ncategory: 道德模范\ndate: 2024-03-01\n---\n坚守一线三十年。\n")
        (site.root / "content/profiles/赵敏.md").unlink()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_LAY_OVER, str(live.root)], env=env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Killed halfway: build.json is still the old release's, some files already the new one's.
    assert json.loads((live.out / "build.json").read_text(encoding="utf-8"))["build_id"] == old_id
    assert clean.run("build") == 0

    def tree(folder):
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and "pagefind" not in p.relative_to(folder).parts
        }

    journal = live.root / ".bangyang-cache" / "releases"
    assert tree(live.out) != tree(clean.out)  # a mixed site
    assert [p.name for p in journal.rglob("journal.json")] == ["journal.json"]
    assert finish_interrupted(live.out, live.root / ".bangyang-cache")
    assert tree(live.out) == tree(clean.out)  # the killed build's release, whole
    assert not finish_interrupted(live.out, live.root / ".bangyang-cache")  # done once
    assert live.run("build") == 0 and tree(live.out) == tree(clean.out)
    # Killed again on the next edit: the next build finishes it first (its journal is gone after).
    for site in (live, clean):
        site.write("content/profiles/李强.md", "---\nname: 李强\ncategory: 道德模范\ndate: 2024-03-03\n---\n修好了进山的路。\n")
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_LAY_OVER, str(live.root)], env=env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(journal.rglob("journal.json"))
    assert live.run("build") == 0 and clean.run("build") == 0
    assert not list(journal.rglob("journal.json"))
    assert tree(live.out) == tree(clean.out)
