"""Validation: one tiny invalid site per kind of mistake, with the exact message."""

from __future__ import annotations

import pytest

P = "content/profiles/张晓明.md"


def _fails(site, capsys, rel: str, text: str) -> str:
    site.write(rel, text)
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not site.out.exists()
    return err


def test_an_unknown_key_gets_a_did_you_mean_hint(site, capsys):
    err = _fails(site, capsys, P, "---\nnmae: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert f"{P}:2" in err and "未知的字段“nmae”" in err and "nmae — 是不是想写 name？" in err
    assert "缺少必填字段“name”" in err  # and the consequence, reported in the same run


def test_an_impossible_date_is_named(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert f"{P}:4: 错误 error [date]" in err and "2024-02-30" in err and "不存在" in err


def test_a_date_in_an_unknown_format_shows_the_expected_format(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\ncategory: 道德模范\ndate: 三月五日\n---\n")
    assert f"{P}:4" in err and "2024-03-05" in err


def test_an_end_before_the_start_is_an_error(site, capsys):
    err = _fails(
        site,
        capsys,
        "content/activities/lei-feng/index.md",
        "---\ntitle: 学雷锋日志愿服务\ntheme: 志愿服务\nstart: 2024-03-05 09:00\nend: 2024-03-04\n---\n",
    )
    assert "content/activities/lei-feng/index.md:5: 错误 error [end]" in err and "早于开始" in err


def test_a_category_not_in_the_settings_lists_the_allowed_ones(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\ncategory: 道德楷模\ndate: 2024-03-05\n---\n")
    assert f"{P}:3: 错误 error [category]" in err
    assert "道德模范、身边好人、最美公路人、劳动模范、优秀志愿者、最美家庭" in err
    assert "是不是想写“道德模范”" in err


def test_a_missing_required_field_is_reported(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\ndate: 2024-03-05\n---\n")
    assert "[category]" in err and "缺少必填字段" in err


def test_an_honor_with_a_wrong_level_lists_the_levels(site, capsys):
    err = _fails(
        site,
        capsys,
        P,
        "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nhonors:\n  - {title: 十堰好人, year: 2023, level: 市级}\n  - {title: 荆楚楷模, year: 2024, level: 省部级}\n---\n",
    )
    assert f"{P}:7: 错误 error [honors]" in err and "国家级、省级、市级、县级、单位级" in err


def test_all_problems_of_a_build_are_reported_at_once_sorted_by_file(site, capsys):
    site.write("content/profiles/b.md", "---\nname: 乙\ncategory: 道德模范\ndate: 2024-13-01\n---\n")
    site.write("content/profiles/a.md", "---\nname: 甲\ncategory: 不存在\ndate: 2024-03-01\n---\n")
    site.write("content/slogans/s.md", "---\ntext: 讲文明 树新风\nfrom: 2024-05-01\nuntil: 2024-04-01\n---\n")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    a, b, s = err.index("content/profiles/a.md:3"), err.index("content/profiles/b.md:4"), err.index("content/slogans/s.md:4")
    assert a < b < s
    assert "共 3 处错误" in err


def test_two_sources_wanting_one_url_name_both(site, capsys):
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    site.write("content/profiles/zhang-xiao-ming/index.md", "---\nname: 张晓明\ncategory: 身边好人\ndate: 2024-03-05\n---\n")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/zhang-xiao-ming/index.md" in err and "profiles/张晓明.md" in err and "/profiles/zhang-xiao-ming/" in err


def test_a_missing_photo_lists_the_images_beside_the_file(site, capsys):
    site.image("content/profiles/zhang/portrait.JPG")
    err = _fails(
        site,
        capsys,
        "content/profiles/zhang/index.md",
        "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nphoto: portrait.jpg\n---\n",
    )
    assert "content/profiles/zhang/index.md:5: 错误 error [photo]" in err and "portrait.JPG" in err


def test_a_body_image_outside_content_is_refused_with_its_line(site, capsys):
    err = _fails(
        site, capsys, P, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n\n第一段。\n\n![密码](../../../etc/passwd)\n"
    )
    assert f"{P}:9" in err and "content 文件夹之外" in err


@pytest.mark.parametrize("flag, shown", [("", False), ("--drafts", True)], ids=["default", "with-drafts"])
def test_drafts_are_left_out_unless_asked_for(site, flag, shown):
    site.write("content/profiles/甲.md", "---\nname: 甲\ncategory: 道德模范\ndate: 2024-03-01\ndraft: true\n---\n")
    assert site.run("build", *([flag] if flag else [])) == 0
    assert (site.out / "profiles/jia/index.html").exists() is shown


@pytest.mark.parametrize("flag, shown", [("", False), ("--future", True)], ids=["default", "with-future"])
def test_future_dated_profiles_wait_for_their_day(site, monkeypatch, flag, shown):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709600000")  # 2024-03-05 09:33 +08:00
    site.write("content/profiles/甲.md", "---\nname: 甲\ncategory: 道德模范\ndate: 2024-03-06\n---\n")
    site.write("content/profiles/乙.md", "---\nname: 乙\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert site.run("build", *([flag] if flag else [])) == 0
    assert (site.out / "profiles/yi/index.html").exists()
    assert (site.out / "profiles/jia/index.html").exists() is shown


def test_chinese_file_names_become_pinyin_urls_and_slug_overrides(site):
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    site.write("content/profiles/王秀兰/index.md", "---\nname: 王秀兰\ncategory: 身边好人\ndate: 2024-03-05\nslug: wxl\n---\n")
    site.write("content/pages/关于我们.md", "---\ntitle: 关于我们\n---\n")
    assert site.run("build") == 0
    assert (site.out / "profiles/zhang-xiao-ming/index.html").is_file()
    assert (site.out / "profiles/wxl/index.html").is_file()
    assert (site.out / "guan-yu-wo-men/index.html").is_file()


def test_a_page_may_not_take_a_url_the_site_uses(site, capsys):
    err = _fails(site, capsys, "content/pages/x.md", "---\ntitle: 荣誉\nslug: honors\n---\n")
    assert "content/pages/x.md" in err and "已被网站自身使用" in err


def test_a_md_txt_file_from_notepad_is_pointed_out(site, capsys):
    err = _fails(site, capsys, "content/profiles/张晓明.md.txt", "---\nname: 张晓明\n---\n")
    assert "张晓明.md.txt" in err and ".txt" in err and "张晓明.md" in err


def test_office_and_editor_temporary_files_are_ignored(site):
    site.write("content/profiles/甲.md", "---\nname: 甲\ncategory: 道德模范\ndate: 2024-03-01\n---\n")
    site.write_bytes("content/profiles/~$a.md", b"\xff\x00garbage")
    site.write_bytes("content/profiles/.~lock.a.md#", b"x")
    site.write_bytes("content/profiles/a.md~", b"x")
    assert site.run("build") == 0


def test_fields_may_be_written_with_chinese_names(site):
    site.write(
        "content/profiles/张晓明.md",
        "---\n姓名: 张晓明\n类别: 道德模范\n日期: 2024-03-05\n单位: 茅箭公路分中心\n"
        "荣誉:\n  - {称号: 十堰好人, 年份: 2023, 级别: 市级}\n推荐: true\n---\n正文。\n",
    )
    site.write("content/activities/lei/index.md", "---\n标题: 学雷锋日\n主题: 志愿服务\n开始: 2024-03-05 09:00\n地点: 张湾区\n---\n")
    site.write("content/slogans/a.md", "---\n内容: 讲文明 树新风\n生效: 2024-01-01\n截止: 2030-12-31\n---\n")
    assert site.run("build") == 0
    page = site.html("profiles/zhang-xiao-ming/index.html")
    assert "茅箭公路分中心" in page and "十堰好人" in page
    assert "张湾区" in site.html("activities/lei/index.html")
    assert "讲文明 树新风" in site.html("slogans/index.html")


def test_one_field_written_in_both_languages_is_an_error(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\n姓名: 张小明\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert f"{P}:3: 错误 error [name]" in err and "“姓名”和“name”是同一个字段" in err


def test_a_month_that_does_not_exist_is_named_as_the_month(site, capsys):
    err = _fails(site, capsys, P, "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-13-01\n---\n")
    assert f"{P}:4: 错误 error [date]" in err and "没有 13 月" in err
    assert "13月没有1日" not in err
