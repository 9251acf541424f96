"""Reading content files as clerks' editors save them, and explaining YAML mistakes."""

from __future__ import annotations

import pytest

PROFILE = "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nunit: 茅箭公路分中心\n---\n二十年坚守公路养护一线。\n"


def _profile_page(site) -> str:
    return site.html("profiles/zhang-xiao-ming/index.html")


@pytest.mark.parametrize(
    "encoding, prefix, newline",
    [
        ("utf-8", b"", "\n"),
        ("utf-8", b"\xef\xbb\xbf", "\n"),
        ("utf-8", b"", "\r\n"),
        ("utf-8", b"\xef\xbb\xbf", "\r\n"),
        ("utf-16-le", b"\xff\xfe", "\r\n"),
        ("utf-16-be", b"\xfe\xff", "\n"),
        ("gb18030", b"", "\r\n"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "\r\n"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "\n"),
    ],
    ids=["utf8", "utf8-bom", "crlf", "bom-crlf", "utf16-powershell", "utf16-be", "gbk", "utf32", "utf32-be"],
)
def test_files_saved_by_any_windows_editor_load_with_every_field(site, capsys, encoding, prefix, newline):
    site.write_bytes("content/profiles/张晓明.md", prefix + PROFILE.replace("\n", newline).encode(encoding))
    assert site.run("build") == 0
    html = _profile_page(site)
    assert "张晓明" in html and "茅箭公路分中心" in html
    err = capsys.readouterr().err
    if encoding == "gb18030":
        assert "GBK" in err and "UTF-8" in err  # decoded, with advice to switch
    else:
        assert "GBK" not in err


def _mistake(site, capsys, front: str) -> str:
    site.write("content/profiles/张晓明.md", front)
    assert site.run("build") == 1
    assert not site.out.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_full_width_colon_after_a_key_is_named_with_its_line(site, capsys):
    err = _mistake(site, capsys, "---\nname：张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n正文\n")
    assert "content/profiles/张晓明.md:2" in err
    assert "全角冒号" in err and "name: " in err


def test_full_width_colon_after_a_chinese_looking_key_is_caught_too(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nunit：茅箭公路分中心\n---\n")
    assert "content/profiles/张晓明.md:5" in err and "[unit]" in err and "全角冒号" in err


def test_a_missing_space_after_a_colon_is_explained(site, capsys):
    err = _mistake(site, capsys, "---\nname:张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert "content/profiles/张晓明.md:2" in err and "缺少空格" in err and "name: 张晓明" in err


def test_an_unquoted_value_containing_colon_space_asks_for_quotes(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nsummary: 口号: 奉献他人\n---\n")
    assert "content/profiles/张晓明.md:5" in err and "加上英文双引号" in err


def test_tab_indentation_is_reported_on_its_line(site, capsys):
    err = _mistake(
        site,
        capsys,
        "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nhonors:\n\t- {title: 十堰好人, year: 2023, level: 市级}\n---\n",
    )
    assert "content/profiles/张晓明.md:6" in err and "Tab" in err


def test_full_width_space_indentation_is_reported(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\ntags:\n\u3000- 爱岗敬业\n---\n")
    assert "content/profiles/张晓明.md:6" in err and "全角空格" in err


def test_a_front_matter_without_closing_fence_is_an_error_not_an_empty_page(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n\n正文没有结束线。\n")
    assert "content/profiles/张晓明.md:1" in err and "没有结束的 ---" in err


def test_a_file_without_front_matter_says_how_to_start_one(site, capsys):
    err = _mistake(site, capsys, "张晓明的事迹。\n")
    assert "content/profiles/张晓明.md:1" in err and "缺少前言区" in err and "bangyang new" in err


def test_duplicate_keys_name_both_lines(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nname: 张小明\n---\n")
    assert "content/profiles/张晓明.md:5" in err and "重复" in err and "line 2" in err


def test_a_word_document_renamed_to_md_is_refused_clearly(site, capsys):
    site.write_bytes("content/profiles/张晓明.md", b"PK\x03\x04" + b"\x00" * 40)
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/张晓明.md" in err and "Word" in err


def test_yes_and_no_read_as_booleans_in_a_text_field_are_an_error(site, capsys):
    err = _mistake(site, capsys, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nposition: no\n---\n")
    assert "content/profiles/张晓明.md:5" in err and "[position]" in err and '"no"' in err


def test_every_problem_of_a_file_is_reported_in_one_round(site, capsys):
    # A line YAML cannot read hides nothing: the fields after it are still checked.
    err = _mistake(
        site,
        capsys,
        "---\n"
        "name：张晓明\n"  # 2: full-width colon
        "category: 道德模范\n"
        "date: 2024-13-01\n"  # 4: no month 13
        "unit: 茅箭公路分中心\n"
        "honors:\n"
        "\t- {title: 十堰好人, year: 2023, level: 市级}\n"  # 7: tab
        "summary: 口号: 奉献他人\n"  # 8: unquoted ': '
        "tgas: [爱岗敬业]\n"  # 9: unknown field
        "---\n正文\n",
    )
    path = "content/profiles/张晓明.md"
    assert f"{path}:2: 错误 error [name]" in err and "全角冒号" in err
    assert f"{path}:4: 错误 error [date]" in err and "没有 13 月" in err
    assert f"{path}:7: 错误 error" in err and "Tab" in err
    assert f"{path}:8: 错误 error" in err and "加上英文双引号" in err
    assert f"{path}:9: 错误 error [tgas]" in err and "是不是想写 tags" in err
    # The unreadable lines are not reported a second time as missing fields.
    assert "缺少必填字段" not in err
    assert "共 5 处错误" in err


def test_a_chinese_key_on_an_unreadable_line_is_not_reported_missing(site, capsys):
    err = _mistake(site, capsys, "---\n姓名：张晓明\ncategory: 道德模范\ndate: 2024-3-5\nunti: 茅箭公路分中心\n---\n")
    path = "content/profiles/张晓明.md"
    assert f"{path}:2" in err and "全角冒号" in err
    assert f"{path}:5: 错误 error [unti]" in err and "是不是想写 unit" in err
    assert "缺少必填字段" not in err


def test_a_field_that_cannot_be_read_keeps_the_document_out_of_the_site(site, capsys):
    # Only the date line is broken; everything else is valid. The build still fails
    # (the gate) and check reports the broken line alone.
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nsummary: 口号: 奉献\n---\n正文\n")
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert "content/profiles/张晓明.md:5" in err and "共 1 处错误" in err
    assert not site.out.exists()


def test_text_before_the_first_field_still_gets_the_yaml_message(site, capsys):
    err = _mistake(site, capsys, "---\n  name: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert "content/profiles/张晓明.md:3: 错误 error: 前言区格式错误" in err
    assert "共 1 处错误" in err
