"""Kiosk screens, Python side: [[kiosk]] settings, what each `show` entry puts
in a screen's playlist, and the self-contained page that carries it."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import Site

from generator.config import KioskScreen, load_config
from generator.kiosk import COMPLETE_MARKER, schedule_text, show_name, utc_offsets
from generator.problems import Problems

NOW = "1893427200"  # 2030-01-01 00:00 +08:00
TZ = ZoneInfo("Asia/Shanghai")


def _content(site) -> None:
    site.write("content/slogans/always.md", "---\ntext: 讲文明 树新风\ntheme: 文明交通\nweight: 9\n---\n")
    site.write("content/slogans/reading.md", "---\ntext: 全民阅读 书香公路\ntheme: 全民阅读\n---\n")
    site.write("content/slogans/later.md", "---\ntext: 春节快乐\nfrom: 2030-01-20\nuntil: 2030-02-05\n---\n")
    site.write("content/slogans/over.md", "---\ntext: 已经过去\nuntil: 2029-12-31\n---\n")
    site.write(
        "content/profiles/zhang.md",
        "---\nname: 张晓明\ncategory: 道德模范\ndate: 2029-03-05\nfeatured: true\nsummary: 三十年守护一条路。\n---\n",
    )
    site.write(
        "content/profiles/li.md",
        "---\nname: 李红\ncategory: 身边好人\ndate: 2029-04-01\nhonors:\n  - {title: 十堰好人, year: 2028, level: 市级}\n  - {title: 全国道德模范, year: 2025, level: 国家级}\n---\n\n她每天早上六点到岗。\n",
    )
    site.write(
        "content/activities/soon.md", "---\ntitle: 学雷锋志愿服务\ntheme: 志愿服务\nstart: 2030-03-05 09:00\nend: 2030-03-05 11:30\n---\n"
    )
    site.write("content/activities/now.md", "---\ntitle: 全民阅读月\ntheme: 全民阅读\nstart: 2029-12-20\nend: 2030-01-20\n---\n")
    site.write("content/activities/past.md", "---\ntitle: 往期活动\ntheme: 文明创建\nstart: 2029-05-01\n---\n")


def _build(site, monkeypatch, kiosk: str, base_url: str = "https://example.gov.cn/") -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    site.write("site.toml", f'title = "测试文明网"\nbase_url = "{base_url}"\n\n{kiosk}')
    return site.run("build")


def _data(site, name: str) -> dict:
    html = site.html(f"kiosk/{name}/index.html")
    return json.loads(re.search(r'<script type="application/json" id="kiosk-data">(.*?)</script>', html, re.S).group(1))


def _ids(data: dict) -> list[list[str]]:
    return [[slide["id"] for slide in group] for group in data["groups"]]


def _config_problems(site, kiosk: str) -> list[str]:
    site.write("site.toml", kiosk)
    problems = Problems(rel_to=site.root)
    config = load_config(site.root, problems)
    return [f"[{p.field}] {p.message} | {p.hint}" for p in problems.errors], config


# --- what each show entry selects -----------------------------------------------


SHOWS = {
    "all-slogans-but-those-already-over": ('["slogans"]', [["slogan:always", "slogan:later", "slogan:reading"]]),
    "slogans-of-a-theme": ('["slogans:theme=全民阅读"]', [["slogan:reading"]]),
    "all-profiles": ('["profiles"]', [["profile:li", "profile:zhang"]]),
    "featured-profiles": ('["profiles:featured"]', [["profile:zhang"]]),
    "profiles-of-a-category": ('["profiles:category=身边好人"]', [["profile:li"]]),
    "activities-not-yet-over": ('["activities"]', [["activity:now", "activity:soon"]]),
    "activities-not-yet-started": ('["activities:upcoming"]', [["activity:soon"]]),
    "activities-that-may-be-running-by-the-screen-clock": ('["activities:ongoing"]', [["activity:now", "activity:soon"]]),
    "activities-of-a-theme": ('["activities:theme=全民阅读"]', [["activity:now"]]),
    "a-document-is-shown-once": ('["profiles:featured", "profiles"]', [["profile:zhang"], ["profile:li"]]),
}


@pytest.fixture(scope="module")
def shows_site(tmp_path_factory):
    """One build with a screen per case of SHOWS (builds take a second each)."""
    site = Site(tmp_path_factory.mktemp("shows") / "site")
    _content(site)
    kiosk = "".join(f'[[kiosk]]\nname = "s{i}"\nshow = {show}\n\n' for i, (show, _) in enumerate(SHOWS.values()))
    kiosk += '[[kiosk]]\nname = "hall"\ntitle = "一楼大厅"\nshow = ["slogans", "profiles", "activities"]\n'
    kiosk += 'days = ["mon", "tue", "wed", "thu", "fri"]\nhours = ["07:30-12:00", "22:00-02:00"]\n\n'
    kiosk += '[[kiosk]]\nname = "corridor"\norientation = "portrait"\nshow = ["slogans"]\n'
    site.write("site.toml", f'title = "测试文明网"\nbase_url = "https://example.gov.cn/wenming/"\n\n{kiosk}')
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", NOW)
        assert site.run("build") == 0
    return site


@pytest.mark.parametrize("case", list(SHOWS))
def test_each_show_entry_selects_its_documents(shows_site, case):
    index = list(SHOWS).index(case)
    assert _ids(_data(shows_site, f"s{index}")) == SHOWS[case][1]


def test_the_playlist_carries_the_dates_so_the_page_decides_by_its_own_clock(shows_site):
    slogans, _, activities = _data(shows_site, "hall")["groups"]
    later = next(s for s in slogans if s["id"] == "slogan:later")
    assert (later["from"], later["until"]) == ("2030-01-20T00:00:00+08:00", "2030-02-06T00:00:00+08:00")  # until is exclusive
    assert next(s for s in slogans if s["id"] == "slogan:always")["from"] is None
    soon = next(a for a in activities if a["id"] == "activity:soon")
    assert (soon["start"], soon["end"], soon["window"]) == ("2030-03-05T09:00:00+08:00", "2030-03-05T11:30:00+08:00", "current")
    assert soon["when"] == "2030年3月5日（周二） 09:00–11:30"


def test_role_model_and_activity_slides_carry_a_qr_code_of_their_public_page(shows_site):
    _, profiles, activities = _data(shows_site, "hall")["groups"]
    li = profiles[0]
    assert li["qr"].startswith("<svg") and "李红" in li["qr"]
    assert li["summary"] == "她每天早上六点到岗。"  # no summary: the first words of the text
    assert li["honors"] == ["2025年 全国道德模范", "2028年 十堰好人"]  # highest level first
    assert all(a["qr"].startswith("<svg") for a in activities)


def test_images_are_the_published_variants_addressed_relative_to_the_page(site, monkeypatch):
    _content(site)
    site.image("content/profiles/wang/portrait.jpg", (1200, 1600))
    site.image("content/slogans/backgrounds/road.jpg", (2400, 1350))
    site.write("content/profiles/wang/index.md", "---\nname: 王磊\ncategory: 劳动模范\ndate: 2029-05-01\nphoto: portrait.jpg\n---\n")
    site.write("content/slogans/road.md", "---\ntext: 美丽公路\nbackground: backgrounds/road.jpg\n---\n")
    assert _build(site, monkeypatch, '[[kiosk]]\nname = "hall"\nshow = ["profiles:category=劳动模范", "slogans"]\n') == 0
    groups = _data(site, "hall")["groups"]
    photo = groups[0][0]["image"]
    background = next(s for s in groups[1] if s["id"] == "slogan:road")["image"]
    assert photo["src"].startswith("../../media/") and photo["src"].endswith("-960.jpg") and photo["width"] == 960
    assert background["src"].endswith("-1600.jpg") and background["width"] == 1600
    for image in (photo, background):
        assert (site.out / "kiosk/hall" / image["src"]).resolve().is_file()


# --- the page --------------------------------------------------------------------


def test_a_screen_page_is_self_contained_and_built_for_a_sub_path(shows_site):
    site = shows_site
    html = site.html("kiosk/hall/index.html")
    assert html.rstrip().endswith("</html>") and COMPLETE_MARKER in html
    assert '<meta name="bangyang-kiosk" content="hall">' in html and 'name="robots" content="noindex' in html
    assert "<style" in html and '<script id="kiosk-script">' in html
    assert not re.search(r'<(link|script)[^>]+(href|src)="(?!data:)', html)  # no stylesheet or script to fetch
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from any host, not even our own by name
    assert "site.css" not in html and "base.html" not in html
    index = site.html("kiosk/index.html")
    assert 'href="../kiosk/hall/"' in index and "https://example.gov.cn/wenming/kiosk/corridor/" in index
    assert "一楼大厅" in index and "竖屏" in index


def test_the_playlist_cannot_break_out_of_its_script_element(site, monkeypatch):
    site.write("content/slogans/evil.md", '---\ntext: "</script><script>alert(1)</script> <!-- &"\n---\n')
    assert _build(site, monkeypatch, '[[kiosk]]\nname = "hall"\nshow = ["slogans"]\n') == 0
    html = site.html("kiosk/hall/index.html")
    assert html.count("</script>") == 2  # the data and the runtime, nothing else
    assert _data(site, "hall")["groups"][0][0]["text"] == "</script><script>alert(1)</script> <!-- &"


def test_the_content_id_changes_only_when_the_screen_shows_something_else(site, monkeypatch):
    _content(site)
    kiosk = '[[kiosk]]\nname = "hall"\nshow = ["slogans"]\n'
    assert _build(site, monkeypatch, kiosk) == 0
    first = _data(site, "hall")["content_id"]
    site.write("content/profiles/wu.md", "---\nname: 吴刚\ncategory: 道德模范\ndate: 2029-03-05\n---\n")
    assert _build(site, monkeypatch, kiosk) == 0
    assert _data(site, "hall")["content_id"] == first  # a new profile is not on this screen
    site.write("content/slogans/new.md", "---\ntext: 新的标语\n---\n")
    assert _build(site, monkeypatch, kiosk) == 0
    assert _data(site, "hall")["content_id"] != first


def test_no_kiosk_settings_means_no_kiosk_pages(site, monkeypatch):
    _content(site)
    assert _build(site, monkeypatch, "") == 0
    assert not (site.out / "kiosk").exists()


def test_day_parting_and_the_time_zone_reach_the_page(shows_site):
    data = _data(shows_site, "hall")
    assert data["days"] == [1, 2, 3, 4, 5]  # JavaScript weekdays
    assert data["hours"] == [[450, 720], [1320, 120]]
    assert data["zone"] == [[0, 480]]
    assert data["schedule"] == "周一至周五 07:30–12:00，22:00–02:00（次日）"


# --- settings --------------------------------------------------------------------


def test_a_full_kiosk_setting_is_read(site):
    errors, config = _config_problems(
        site,
        '[[kiosk]]\nname = "lobby"\ntitle = "一楼大厅"\norientation = "portrait"\nseconds = 15\n'
        'show = ["slogans:theme=全民阅读", "profiles : category = 道德模范", "activities:upcoming"]\n'
        'days = ["周一", "Tue", "星期三"]\nhours = "7:30-19:00"\n',
    )
    assert errors == []
    assert config.kiosks == (
        KioskScreen(
            name="lobby",
            title="一楼大厅",
            orientation="portrait",
            seconds=15,
            show=("slogans:theme=全民阅读", "profiles:category=道德模范", "activities:upcoming"),
            days=(1, 2, 3),
            hours=((450, 1140),),
        ),
    )


@pytest.mark.parametrize(
    "setting, message",
    [
        ('show = ["slogan"]', "[kiosk[0].show[0]] 不认识的播放内容 unknown entry “slogan”，是不是想写 slogans？"),
        ('show = ["videos"]', "[kiosk[0].show[0]] 不认识的播放内容 unknown entry “videos”"),
        ('show = ["profiles:best"]', "[kiosk[0].show[0]] “profiles:best”：profiles 没有筛选条件 “best” (unknown filter)"),
        ('show = ["slogans:theme="]', "[kiosk[0].show[0]] “slogans:theme=”：theme= 后面要写名称 (missing value)"),
        ('show = ["profiles:featured=yes"]', "[kiosk[0].show[0]] “profiles:featured=yes”：featured 后面不用写 = (takes no value)"),
        ("show = []", "[kiosk[0].show] 播放内容不能为空 (show is empty)"),
        ('orientation = "sideways"', "[kiosk[0].orientation] 不认识的方向 “sideways”"),
        ("seconds = 1", "[kiosk[0].seconds] 每页停留 1 秒不合适 (seconds must be 3–600)"),
        ('days = ["monday", "funday"]', "[kiosk[0].days] 不认识的星期 unknown weekday “funday”"),
        ('hours = "7 to 19"', "[kiosk[0].hours] 时段写法不对 invalid hours “7 to 19”"),
        ('hours = "08:00-08:00"', "[kiosk[0].hours] 时段写法不对 invalid hours “08:00-08:00”"),
        ('hours = "18:00-25:00"', "[kiosk[0].hours] 时段写法不对 invalid hours “18:00-25:00”"),
        ('screen = "big"', "[kiosk[0].screen] 未知的设置项 unknown setting “screen”"),
    ],
    ids=[
        "a-near-miss-gets-a-did-you-mean",
        "an-unknown-kind",
        "an-unknown-filter",
        "a-filter-without-its-value",
        "a-value-where-none-is-taken",
        "an-empty-show-list",
        "an-unknown-orientation",
        "too-few-seconds",
        "an-unknown-weekday",
        "hours-not-as-from-to",
        "hours-of-no-length",
        "an-hour-past-midnight",
        "an-unknown-key",
    ],
)
def test_a_kiosk_setting_mistake_is_reported_in_chinese_first(site, setting, message):
    errors, _ = _config_problems(site, f'[[kiosk]]\nname = "lobby"\n{setting}\n')
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert errors[0].split(" | ")[1]  # always with a hint


def test_a_show_mistake_lists_what_can_be_shown(site):
    errors, _ = _config_problems(site, '[[kiosk]]\nname = "lobby"\nshow = ["videos"]\n')
    assert "slogans:theme=全民阅读" in errors[0] and "profiles:category=道德模范" in errors[0] and "activities:upcoming" in errors[0]


def test_two_screens_with_one_name_and_a_bad_name_are_errors(site):
    errors, config = _config_problems(site, '[[kiosk]]\nname = "lobby"\n\n[[kiosk]]\nname = "lobby"\n\n[[kiosk]]\nname = "一楼"\n')
    assert errors[0].startswith("[kiosk[1].name] 屏幕名称 “lobby” 重复")
    assert errors[1].startswith("[kiosk[2].name] 屏幕名称应为小写英文字母、数字或连字符")
    assert [s.name for s in config.kiosks] == ["lobby"]


def test_a_kiosk_mistake_stops_the_build_with_a_message_and_no_traceback(site, capsys):
    site.write("site.toml", '[[kiosk]]\nname = "lobby"\nshow = ["slogans", "activity:upcoming"]\n')
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "site.toml: 错误 error [kiosk[0].show[1]]: 不认识的播放内容 unknown entry “activity:upcoming”，是不是想写 activities？" in err
    assert "Traceback" not in err and not site.out.exists()


def test_a_category_filter_is_checked_when_the_categories_are_known(tmp_path):
    from generator.config import _load_kiosks

    problems = Problems()
    entries = [{"name": "lobby", "show": ["profiles:category=道德楷模", "activities:theme=志愿服务"]}]
    screens = _load_kiosks(entries, tmp_path / "site.toml", problems, categories=("道德模范",), themes=("志愿服务",))
    assert [p.message for p in problems.errors] == ["没有这个类别 category：“道德楷模”"]
    assert screens[0].show == ("activities:theme=志愿服务",)


# --- helpers ---------------------------------------------------------------------


def test_the_site_clock_follows_daylight_saving_where_there_is_any():
    assert utc_offsets(ZoneInfo("Asia/Shanghai"), datetime(2030, 1, 1, tzinfo=TZ)) == [[0, 480]]
    berlin = utc_offsets(ZoneInfo("Europe/Berlin"), datetime(2030, 1, 1, tzinfo=ZoneInfo("Europe/Berlin")))
    assert [offset for _, offset in berlin] == [60, 120, 60]
    assert datetime.fromtimestamp(berlin[1][0] / 1000, ZoneInfo("UTC")) == datetime(2030, 3, 31, 1, tzinfo=ZoneInfo("UTC"))


def test_show_entries_and_schedules_read_as_chinese():
    assert show_name("profiles:category=道德模范") == "道德模范"
    assert show_name("activities:upcoming") == "即将开始的活动"
    screen = KioskScreen(name="a", title="a", days=(1, 3, 5), hours=((480, 1080),))
    assert schedule_text(screen) == "周一、周三、周五 08:00–18:00"
    assert schedule_text(KioskScreen(name="a", title="a")) == ""


def test_a_rebuild_does_not_encode_the_screens_qr_codes_again(site, monkeypatch):
    from generator import environment as render

    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    _content(site)
    site.write("site.toml", 'title = "测试文明网"\n\n[[kiosk]]\nname = "hall"\nshow = ["slogans", "profiles", "activities"]\n')
    assert site.run("build") == 0
    before = _data(site, "hall")
    encoded: list[str] = []
    real = render.encode_qr
    monkeypatch.setattr(render, "encode_qr", lambda target: encoded.append(target) or real(target))
    site.write("content/slogans/always.md", "---\ntext: 文明交通 安全出行\ntheme: 文明交通\nweight: 9\n---\n")  # the screen is made again
    assert site.run("build") == 0
    after = _data(site, "hall")
    assert encoded == [] and after != before
    assert [s["qr"] for group in after["groups"][1:] for s in group] == [s["qr"] for group in before["groups"][1:] for s in group]
