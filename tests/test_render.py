"""Rendering helpers: dates as readers read them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import output_tree

from generator import render
from generator.environment import date_cn, last_day, time_range
from generator.models import Activity

TZ = ZoneInfo("Asia/Shanghai")


def _activity(start: datetime, end: datetime, all_day: bool) -> Activity:
    return Activity(
        source=Path("a.md"),
        rel="a.md",
        slug="a",
        body_html="",
        draft=False,
        title="t",
        theme="志愿服务",
        start=start,
        end=end,
        all_day=all_day,
        location="",
        organizer="",
        cover=None,
        gallery=(),
        summary="",
        tags=(),
    )


def d(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    "start, end, all_day, text",
    [
        (d(2024, 3, 5), d(2024, 3, 6), True, "2024年3月5日（周二）"),
        (d(2024, 4, 23, 15, 0), d(2024, 4, 24), False, "2024年4月23日（周二） 15:00"),
        (d(2024, 4, 23, 15, 0), d(2024, 4, 23, 17, 30), False, "2024年4月23日（周二） 15:00–17:30"),
        (d(2024, 6, 16), d(2024, 6, 19), True, "2024年6月16日（周日） 至 2024年6月18日"),
        (d(2026, 9, 4, 14, 30), d(2026, 12, 25, 17, 30), False, "2026年9月4日（周五） 14:30 至 2026年12月25日 17:30"),
    ],
    ids=["one-day", "start-time-only", "same-day-times", "several-days", "long-window"],
)
def test_activity_dates_read_naturally(start, end, all_day, text):
    assert time_range(_activity(start, end, all_day)) == text


def test_the_last_day_of_an_exclusive_end_is_the_day_before():
    assert date_cn(last_day(d(2024, 4, 1))) == "2024年3月31日"
    assert last_day(d(2024, 4, 1)) == d(2024, 4, 1) - timedelta(seconds=1)


_tree = output_tree


def _many_pages(site) -> None:
    site.write("site.toml", 'base_url = "https://example.gov.cn/wenming/"\n')
    for i in range(12):
        site.write(
            f"content/profiles/p{i:02d}.md",
            f"---\nname: 先进{i}号\ncategory: {'道德模范' if i % 2 else '身边好人'}\ndate: 2024-03-{i + 1:02d}\ntags: [爱岗敬业]\n---\n第{i}号的事迹。\n",
        )
        site.write(
            f"content/activities/a{i:02d}.md", f"---\ntitle: 活动{i}\ntheme: 志愿服务\nstart: 2024-04-{i + 1:02d} 09:00\n---\n正文。\n"
        )


def test_pages_rendered_on_all_cores_equal_pages_rendered_in_one_process(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    _many_pages(site)
    assert site.run("build", "--jobs", "1", "--out", str(tmp_path / "one")) == 0
    monkeypatch.setattr(render, "PARALLEL_RENDER_FROM", 4)  # this small site goes through the process pool
    calls = []
    real = render._render_chunk
    monkeypatch.setattr(render, "ProcessPoolExecutor", _CountingPool(calls))
    assert site.run("build", "--jobs", "2", "--out", str(tmp_path / "pool")) == 0
    assert calls, "the pages were not rendered in the pool"
    assert render._render_chunk is real
    assert _tree(tmp_path / "one") == _tree(tmp_path / "pool")


def test_a_template_error_in_a_render_worker_names_the_template(site, tmp_path, monkeypatch, capsys):
    _many_pages(site)
    site.write(
        "templates/profiles/single.html", '{% extends "base.html" %}\n{% block main %}\n{{ profile.no_such_field }}\n{% endblock %}\n'
    )
    monkeypatch.setattr(render, "PARALLEL_RENDER_FROM", 4)
    assert site.run("build", "--jobs", "2") == 1
    err = capsys.readouterr().err
    assert "templates/profiles/single.html" in err and "no_such_field" in err and "Traceback" not in err
    assert not site.out.exists()


class _CountingPool:
    """The real process pool, counting that it was used."""

    def __init__(self, calls: list):
        self.calls = calls

    def __call__(self, *args, **kwargs):
        from concurrent.futures import ProcessPoolExecutor

        self.calls.append(kwargs.get("max_workers"))
        return ProcessPoolExecutor(*args, **kwargs)


def test_the_role_models_page_shows_the_newest_of_each_category_and_leads_to_all_of_them(site):
    for i in range(14):
        category = "道德模范" if i < 13 else "身边好人"
        site.write(f"content/profiles/p{i:02d}.md", f"---\nname: 先进{i}号\ncategory: {category}\ndate: 2024-03-{i + 1:02d}\n---\n事迹。\n")
    assert site.run("build") == 0
    html = site.html("profiles/index.html")
    shown = re.findall(r"先进(\d+)号</a>", html)
    # 道德模范: the 12 newest of 13 (p12 … p01), then a link to all 13; 身边好人: its one.
    assert shown == [str(i) for i in range(12, 0, -1)] + ["13"]
    assert "查看全部 13 位道德模范" in html and "查看全部 1 位" not in html
    category = site.html("profiles/category/dao-de-mo-fan/index.html")
    assert sorted(int(n) for n in re.findall(r"先进(\d+)号</a>", category)) == list(range(13))
