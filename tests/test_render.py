"""Rendering helpers: dates as readers read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.models import Activity
from generator.render import date_cn, last_day, time_range

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
