"""The site model: the 荣誉榜, activity status by time, slogan windows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.config import load_config
from generator.inputs import scan_inputs
from generator.load import load_content
from generator.problems import Problems
from generator.site import build_site_model

TZ = ZoneInfo("Asia/Shanghai")


def _model(site, when: datetime):
    problems = Problems()
    config = load_config(Path(site.root), problems)
    content = load_content(config, when, problems, scan_inputs(config))
    assert not problems, problems.errors
    return build_site_model(config, content, when, problems)


def test_the_honor_roll_groups_by_year_then_level_in_rank_order(site):
    site.write(
        "content/profiles/甲.md",
        "---\nname: 甲\ncategory: 道德模范\ndate: 2024-01-01\nhonors:\n  - {title: 十堰好人, year: 2023, level: 市级}\n  - {title: 全国劳模, year: 2023, level: 国家级}\n---\n",
    )
    site.write(
        "content/profiles/乙.md",
        "---\nname: 乙\ncategory: 身边好人\ndate: 2024-01-01\nhonors:\n  - {title: 荆楚楷模, year: 2024, level: 省级}\n---\n",
    )
    model = _model(site, datetime(2025, 1, 1, tzinfo=TZ))
    assert [y.year for y in model.honors] == [2024, 2023]
    assert [level for level, _ in model.honors[1].levels] == ["国家级", "市级"]
    assert model.honors[1].levels[0][1][0].profile.name == "甲"


def test_activities_move_from_upcoming_to_ongoing_to_ended_by_the_clock(site):
    site.write(
        "content/activities/a/index.md", "---\ntitle: 世界读书日\ntheme: 全民阅读\nstart: 2024-04-23 15:00\nend: 2024-04-23 17:00\n---\n"
    )
    site.write("content/activities/b/index.md", "---\ntitle: 文明劝导\ntheme: 志愿服务\nstart: 2024-04-01\nend: 2024-04-30\n---\n")
    at = {
        "before": datetime(2024, 4, 23, 14, 59, tzinfo=TZ),
        "during": datetime(2024, 4, 23, 16, 0, tzinfo=TZ),
        "after": datetime(2024, 4, 30, 23, 59, tzinfo=TZ),
        "later": datetime(2024, 5, 1, 0, 0, tzinfo=TZ),
    }
    states = {k: {a.slug: a.status(v) for a in _model(site, v).activities} for k, v in at.items()}
    assert states["before"] == {"a": "upcoming", "b": "ongoing"}
    assert states["during"] == {"a": "ongoing", "b": "ongoing"}
    assert states["after"] == {"a": "ended", "b": "ongoing"}  # an end date includes its whole day
    assert states["later"] == {"a": "ended", "b": "ended"}
    model = _model(site, at["later"])
    assert [g.year for g in model.past_by_year] == [2024] and not model.upcoming


def test_slogans_show_only_inside_their_window_including_the_last_day(site):
    site.write("content/slogans/a.md", "---\ntext: 学习雷锋 奉献他人\nfrom: 2024-03-01\nuntil: 2024-03-31\n---\n")
    site.write("content/slogans/b.md", "---\ntext: 讲文明 树新风\n---\n")

    def shown(d: datetime) -> list[str]:
        return sorted(s.slug for s in _model(site, d).current_slogans)

    assert shown(datetime(2024, 2, 29, 23, 59, tzinfo=TZ)) == ["b"]
    assert shown(datetime(2024, 3, 31, 23, 59, tzinfo=TZ)) == ["a", "b"]
    assert shown(datetime(2024, 4, 1, 0, 0, tzinfo=TZ)) == ["b"]


def test_date_times_are_read_in_the_site_time_zone(site):
    site.write("site.toml", 'timezone = "Asia/Urumqi"\n')
    site.write("content/activities/a/index.md", "---\ntitle: 读书\ntheme: 全民阅读\nstart: 2024-04-23 15:00\n---\n")
    model = _model(site, datetime(2025, 1, 1, tzinfo=TZ))
    assert model.activities[0].start.isoformat() == "2024-04-23T15:00:00+06:00"
