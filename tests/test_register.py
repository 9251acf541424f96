"""`bangyang list` and `bangyang stats`: the 先进典型 register as offices keep it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

from generator.register import to_text_table

EPOCH = "1795838400"  # 2026-11-28 12:00 +08:00


@pytest.fixture
def register_site(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site.write(
        "content/profiles/张德胜.md",
        """
        ---
        name: 张德胜
        category: 劳动模范
        date: 2024-04-28
        unit: 郧阳公路分中心
        position: 机械班长
        honors:
          - {title: 湖北省劳动模范, year: 2024, level: 省级}
          - {title: 十堰市五一劳动奖章, year: 2022, level: 市级}
        ---
        正文。
        """,
    )
    site.write(
        "content/profiles/王秀兰.md",
        """
        ---
        name: 王秀兰
        category: 道德模范
        date: 2024-03-05
        unit: 茅箭区某社区
        honors:
          - {title: 湖北省道德模范, year: 2024, level: 省级}
        ---
        """,
    )
    site.write("content/profiles/李四.md", "---\nname: 李四\ncategory: 身边好人\ndate: 2025-01-10\n---\n")
    site.write("content/profiles/草稿.md", "---\nname: 草稿人\ncategory: 身边好人\ndate: 2025-01-10\ndraft: true\n---\n")
    site.write(
        "content/activities/读书会.md",
        "---\ntitle: 读书分享会\ntheme: 全民阅读\nstart: 2026-04-23 15:00\nend: 2026-04-23 17:00\nlocation: 局机关会议室\n---\n",
    )
    site.write("content/activities/评选.md", "---\ntitle: 文明家庭评选\ntheme: 文明创建\nstart: 2026-11-01\nend: 2026-12-31\n---\n")
    site.write("content/activities/雷锋日.md", "---\ntitle: 学雷锋日\ntheme: 志愿服务\nstart: 2027-03-05\n---\n")
    return site


def test_the_register_as_csv_opens_in_excel_with_one_row_per_honor(register_site, capsysbinary):
    assert register_site.run("list", "profiles", "--format", "csv") == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel and WPS detect the encoding
    assert data.count(b"\r\n") == 5 and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["姓名", "单位", "职务", "类别", "荣誉称号", "年份", "级别", "发布日期"],
        ["王秀兰", "茅箭区某社区", "", "道德模范", "湖北省道德模范", "2024", "省级", "2024-03-05"],
        ["李四", "", "", "身边好人", "", "", "", "2025-01-10"],
        ["张德胜", "郧阳公路分中心", "机械班长", "劳动模范", "湖北省劳动模范", "2024", "省级", "2024-04-28"],
        ["张德胜", "郧阳公路分中心", "机械班长", "劳动模范", "十堰市五一劳动奖章", "2022", "市级", "2024-04-28"],
    ]


@pytest.mark.parametrize(
    "args, names",
    [
        (["--category", "劳动模范"], ["张德胜", "张德胜"]),
        (["--year", "2024"], ["王秀兰", "张德胜"]),
        (["--level", "市级"], ["张德胜"]),
        (["--year", "2024", "--level", "省级", "--category", "道德模范"], ["王秀兰"]),
        (["--year", "2019"], []),
    ],
    ids=["category", "year", "level", "all-three", "nothing"],
)
def test_the_register_filters_by_category_honor_year_and_level(register_site, capsysbinary, args, names):
    assert register_site.run("list", "profiles", "--format", "csv", *args) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == names


def test_the_register_as_json_lists_each_role_model_with_its_honors(register_site, capsysbinary):
    assert register_site.run("list", "profiles", "--format", "json", "--level", "省级") == 0
    data = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert [p["name"] for p in data] == ["王秀兰", "张德胜"]
    assert data[1]["honors"] == [{"title": "湖北省劳动模范", "year": 2024, "level": "省级"}]
    assert data[1]["unit"] == "郧阳公路分中心" and data[1]["url"].endswith("/profiles/zhang-de-sheng/")


def test_the_terminal_table_aligns_chinese_by_display_width(register_site, capsys):
    assert register_site.run("list", "profiles") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["姓名", "单位", "职务", "类别", "荣誉称号", "年份", "级别", "发布日期"]
    # each column starts at the same terminal column on every line
    header_starts = [cell_len(lines[0][: lines[0].index(word)]) for word in ("类别", "荣誉称号", "发布日期")]
    row = next(line for line in lines if line.startswith("张德胜") and "十堰市五一劳动奖章" in line)
    assert [cell_len(row[: row.index(value)]) for value in ("劳动模范", "十堰市五一劳动奖章", "2024-04-28")] == header_starts


def test_a_table_pads_double_width_characters_twice():
    table = to_text_table(["名", "x"], [["张三", "1"], ["ab", "2"]]).splitlines()
    assert table == ["名    x", "----  -", "张三  1", "ab    2"]


def test_activities_are_listed_in_order_with_their_status(register_site, capsysbinary):
    assert register_site.run("list", "activities", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["活动名称", "主题", "开始", "结束", "地点", "状态"],
        ["读书分享会", "全民阅读", "2026-04-23 15:00", "2026-04-23 17:00", "局机关会议室", "已结束"],
        ["文明家庭评选", "文明创建", "2026-11-01", "2026-12-31", "", "进行中"],
        ["学雷锋日", "志愿服务", "2027-03-05", "2027-03-05", "", "即将开始"],
    ]
    assert register_site.run("list", "activities", "--format", "json", "--theme", "文明创建", "--year", "2026") == 0
    assert [a["title"] for a in json.loads(capsysbinary.readouterr().out)] == ["文明家庭评选"]


def test_the_register_is_written_to_a_file_with_output(register_site, capsys):
    target = register_site.root / "名册.csv"
    assert register_site.run("list", "profiles", "--format", "csv", "-o", str(target)) == 0
    assert "已写入" in capsys.readouterr().out
    assert target.read_bytes().startswith("\ufeff姓名,单位".encode())


@pytest.mark.parametrize(
    "args, message",
    [
        (["profiles", "--category", "道德楷模"], "可选 道德模范、身边好人"),
        (["profiles", "--level", "省"], "可选 国家级、省级"),
        (["activities", "--category", "道德模范"], "只用于 profiles"),
        (["profiles", "--theme", "全民阅读"], "只用于 activities"),
    ],
    ids=["unknown-category", "unknown-level", "category-for-activities", "theme-for-profiles"],
)
def test_a_wrong_filter_is_a_usage_error_with_the_choices(register_site, capsys, args, message):
    assert register_site.run("list", *args) == 2
    assert message in capsys.readouterr().err


def test_stats_count_per_category_level_and_year(register_site, capsys):
    assert register_site.run("stats") == 0
    out = capsys.readouterr().out
    assert "先进典型 profiles：3 人" in out and "荣誉 honors：3 项" in out and "主题活动 activities：3 项" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["劳动模范", "1"] in lines and ["最美家庭", "0"] in lines and ["省级", "2"] in lines and ["市级", "1"] in lines
    assert ["2024年", "2"] in lines and ["2022年", "1"] in lines
    assert register_site.run("stats", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profiles_by_category"]["道德模范"] == 1
    assert data["honors_by_level"] == {"国家级": 0, "省级": 2, "市级": 1, "县级": 0, "单位级": 0}
    assert data["honors_by_year"] == {"2024": 2, "2022": 1} and data["activities_by_year"] == {"2027": 1, "2026": 2}
    assert data["activities_by_theme"]["全民阅读"] == 1


def test_a_site_with_errors_lists_nothing(register_site, capsys):
    register_site.write("content/profiles/坏.md", "---\nname: 坏\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert register_site.run("list", "profiles") == 1
    captured = capsys.readouterr()
    assert "坏.md" in captured.err and captured.out == ""
