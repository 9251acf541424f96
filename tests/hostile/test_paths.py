"""No source outside content/ is ever read or published; odd names are reported."""

from __future__ import annotations

import os
import unicodedata

import pytest

P = "---\nname: {name}\ncategory: 道德模范\ndate: 2024-03-05\n{extra}---\n{body}\n"


def _profile(name: str = "张晓明", extra: str = "", body: str = "正文。") -> str:
    return P.format(name=name, extra=extra, body=body)


@pytest.mark.parametrize(
    "field",
    [
        'slug: "../../etc"',
        'slug: "/etc/passwd"',
        'photo: "../../../../etc/passwd"',
        'photo: "/etc/hosts"',
        'photo: "C:\\\\Users\\\\张\\\\Desktop\\\\照片.jpg"',
        'photo: "file:///etc/passwd"',
        'photo: "\\\\\\\\server\\\\share\\\\a.jpg"',
    ],
    ids=["slug-dotdot", "slug-absolute", "photo-dotdot", "photo-absolute", "photo-windows", "photo-file-url", "photo-unc"],
)
def test_paths_that_leave_content_are_errors(site, capsys, field):
    site.write("content/profiles/zhang/index.md", _profile(extra=field + "\n"))
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/zhang/index.md:5" in err and "Traceback" not in err
    assert not site.out.exists()


def test_a_markdown_symlink_pointing_outside_content_is_not_read(site, capsys, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(_profile(name="机密", body="不应发布的内容"), encoding="utf-8")
    site.write("content/profiles/zhang/index.md", _profile())
    (site.root / "content/profiles/leak.md").symlink_to(secret)
    assert site.run("build") == 1
    assert "content 文件夹之外" in capsys.readouterr().err


def test_a_symlink_loop_is_reported(site, capsys):
    site.write("content/profiles/zhang/index.md", _profile())
    loop = site.root / "content/profiles/loop.md"
    loop.symlink_to(loop)
    assert site.run("build") == 1
    assert "循环" in capsys.readouterr().err


def test_a_photo_symlink_loop_is_reported(site, capsys):
    photo = site.root / "content/profiles/zhang/p.jpg"
    site.write("content/profiles/zhang/index.md", _profile(extra="photo: p.jpg\n"))
    photo.symlink_to(photo)
    assert site.run("build") == 1
    assert "content/profiles/zhang/index.md:5" in capsys.readouterr().err


def test_names_differing_only_by_case_are_reported(site, capsys):
    site.write("content/profiles/Zhang.md", _profile())
    site.write("content/profiles/zhang.md", _profile(name="张小明"))
    if len(list((site.root / "content/profiles").iterdir())) < 2:
        pytest.skip("case-insensitive file system")
    assert site.run("build") == 1
    assert "网址相同" in capsys.readouterr().err


def test_names_differing_only_by_unicode_normalisation_are_reported(site, capsys):
    composed = unicodedata.normalize("NFC", "Zoë")
    decomposed = unicodedata.normalize("NFD", "Zoë")
    site.write(f"content/profiles/{composed}.md", _profile())
    site.write(f"content/profiles/{decomposed}.md", _profile(name="张小明"))
    assert site.run("build") == 1
    assert "网址相同" in capsys.readouterr().err


def test_a_control_character_in_a_file_name_is_reported(site, capsys):
    site.write("content/profiles/zhang/index.md", _profile())
    site.write("content/profiles/bad\x07name.md", _profile(name="王"))
    assert site.run("build") == 1
    assert "控制字符" in capsys.readouterr().err


def test_a_link_to_a_missing_file_is_reported_with_its_line(site, capsys):
    site.write("content/profiles/zhang/index.md", _profile(body="见[乙](../b.md)。"))
    assert site.run("build") == 1
    assert "content/profiles/zhang/index.md:6" in capsys.readouterr().err


def test_a_link_to_a_missing_heading_is_reported(site, capsys):
    site.write("content/profiles/zhang/index.md", _profile(body="## 第八节\n\n[见第九节](#第九节)"))
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/zhang/index.md:8" in err and "第九节" in err and "第八节" in err


def test_links_between_documents_become_page_urls(site):
    site.write("content/profiles/zhang/index.md", _profile(body="同事[王秀兰](../王秀兰.md#事迹)。"))
    site.write("content/profiles/王秀兰.md", _profile(name="王秀兰", body="## 事迹\n\n好人。"))
    assert site.run("build") == 0
    assert 'href="../../profiles/wang-xiu-lan/#事迹"' in site.html("profiles/zhang/index.html")


def test_the_output_folder_inside_content_or_around_the_site_is_refused(site, capsys):
    site.write("content/profiles/zhang/index.md", _profile())
    assert site.run("build", "--out", str(site.root / "content")) == 1
    assert site.run("build", "--out", str(site.root.parent)) == 1
    assert capsys.readouterr().err.count("不能是网站文件夹") == 2
    assert os.listdir(site.root / "content") == ["profiles"]
