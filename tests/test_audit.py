"""`bangyang check --audit`: each inspection rule fails on a site made to break it
and passes on a well-kept site and on the example site once its sample settings
(example.gov.cn, 0000 numbers) are replaced."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.audit import rule_fresh_sections
from generator.build import check_site
from generator.config import load_config
from generator.problems import Problems

REPO = Path(__file__).resolve().parent.parent
TODAY = "1795838400"  # 2026-11-28 12:00 +08:00
RULES = 7


def _results(out: str) -> dict[int, bool]:
    """Rule number → passed, read from the printed report."""
    return {int(n): mark == "通过 PASS" for mark, n in re.findall(r"\[(通过 PASS|未通过 FAIL)\]\s+(\d)\.", out)}


@pytest.fixture
def good_site(site, monkeypatch):
    """A small site that follows every rule on 2026-11-28."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    site.write(
        "site.toml",
        """
        title = "十堰公路文明网"
        [footer]
        organizer = "十堰市公路事业发展中心"
        contact = "电话：0719-8652301"
        icp = "鄂ICP备18004726号-1"
        """,
    )
    site.image("content/profiles/wang/portrait.jpg")
    site.write(
        "content/profiles/wang/index.md",
        """
        ---
        name: 王秀兰
        category: 道德模范
        date: 2026-11-25
        photo: portrait.jpg
        photo_alt: 王秀兰在社区服务站
        ---
        ## 事迹

        见[关于我们](../../pages/about.md#联系方式)。
        """,
    )
    site.write("content/activities/reading.md", "---\ntitle: 读书分享会\ntheme: 全民阅读\nstart: 2026-12-03 15:00\n---\n")
    site.write("content/slogans/wenming.md", "---\ntext: 讲文明 树新风\nfrom: 2026-11-20\n---\n")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\n---\n## 联系方式\n\n电话 0719-0000000。\n")
    return site


def test_a_well_kept_site_passes_every_rule(good_site, capsys):
    assert good_site.run("check", "--audit") == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert _results(out) == dict.fromkeys(range(1, RULES + 1), True)
    assert "7 项全部通过" in out
    assert not good_site.out.exists()  # built in a temporary folder; output/ untouched


def _no_date_on_profile_pages(site):
    site.write("templates/profiles/single.html", '{% extends "base.html" %}{% block content %}<h1>{{ profile.name }}</h1>{% endblock %}')


def _old_section(site):
    site.write(
        "content/profiles/wang/index.md",
        site.root.joinpath("content/profiles/wang/index.md").read_text().replace("2026-11-25", "2026-10-01"),
    )


def _slogans_without_dates(site):
    site.write("content/slogans/wenming.md", "---\ntext: 讲文明 树新风\n---\n")


def _no_icp_number(site):
    site.write("site.toml", '[footer]\norganizer = "十堰市公路事业发展中心"\ncontact = "电话：0719-8652301"\n')


def _footer_hidden_by_a_template(site):
    base = (REPO / "templates/base.html").read_text(encoding="utf-8")
    site.write("templates/base.html", re.sub(r"<footer.*?</footer>", "<footer></footer>", base, flags=re.S))


def _broken_links(site):
    site.write(
        "content/pages/about.md",
        "---\ntitle: 关于我们\nslug: about\n---\n## 联系方式\n\n见[联系我们](/lianxi/)和[章程](/about/#不存在)。\n",
    )


def _image_without_alt(site):
    site.image("content/profiles/wang/work.jpg")
    path = site.root / "content/profiles/wang/index.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![](work.jpg)\n", encoding="utf-8")


def _image_from_another_host(site):
    site.write(
        "content/pages/about.md", "---\ntitle: 关于我们\nslug: about\n---\n## 联系方式\n\n![统计图](https://cdn.example.com/chart.png)\n"
    )


def _example_base_url(site):
    toml = (site.root / "site.toml").read_text(encoding="utf-8")
    site.write("site.toml", 'base_url = "https://wenming.example.gov.cn/"\n' + toml)


def _sample_numbers(site):
    toml = (site.root / "site.toml").read_text(encoding="utf-8")
    site.write("site.toml", toml.replace("0719-8652301", "0719-0000000").replace("18004726", "00000000"))


def _scaffold_text_left(site):
    path = site.root / "content/profiles/wang/index.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n在这里写同事和群众的评价。\n", encoding="utf-8")


@pytest.mark.parametrize(
    "break_it, rule, finding",
    [
        (_no_date_on_profile_pages, 1, "/profiles/wang/（王秀兰）页面上没有显示日期 2026-11-25"),
        (_old_section, 2, "先进典型 · 道德模范：最新一条《王秀兰》是 2026-10-01，已 58 天没有更新"),
        (_slogans_without_dates, 2, "宣传标语：没有一条标语写了开始展示日期 from"),
        (_no_icp_number, 3, "没有填写 icp（ICP备案号）"),
        (_footer_hidden_by_a_template, 3, "首页页脚没有显示主办单位“十堰市公路事业发展中心”"),
        (_broken_links, 4, '/about/index.html 的 <a href="../lianxi/">：找不到这个页面或文件'),
        (_broken_links, 4, '<a href="../about/#不存在">：页面里没有锚点 #不存在'),
        (_image_without_alt, 5, "content/profiles/wang/index.md:12：图片 work.jpg 没有说明文字"),
        (_image_from_another_host, 6, "/about/index.html 的 <img> 从外部网站加载 https://cdn.example.com/chart.png"),
        (_example_base_url, 7, "site.toml:1 [base_url]：网站地址“https://wenming.example.gov.cn/”是示例域名"),
        (_sample_numbers, 7, "site.toml:4 [footer.contact]：联系方式“电话：0719-0000000”里的 “0719-0000000” 是占位号码"),
        (_sample_numbers, 7, "site.toml:5 [footer.icp]：ICP备案号“鄂ICP备00000000号-1”是占位号码（数字全是 0）"),
        (_scaffold_text_left, 7, "content/profiles/wang/index.md:12 [正文 body]：“在这里写同事和群众的评价。”是 bangyang new 写的示例文字"),
    ],
    ids=[
        "no-date", "stale-section", "undated-slogans", "no-icp", "footer-hidden", "broken-link", "broken-anchor", "no-alt", "other-host",
        "example-host", "zero-numbers", "zero-icp", "scaffold-text",
    ],
)  # fmt: skip
def test_each_rule_fails_on_a_site_made_to_break_it(good_site, capsys, break_it, rule, finding):
    break_it(good_site)
    assert good_site.run("check", "--audit") == 1
    out = capsys.readouterr().out
    results = _results(out)
    assert results[rule] is False and all(results[n] for n in results if n != rule), out
    assert finding in out
    assert "项未通过" in out


def test_the_staleness_limit_is_set_with_stale_days(good_site, capsys):
    _old_section(good_site)
    assert good_site.run("check", "--audit", "--stale-days", "60") == 0
    assert "更新期限 60 天" in capsys.readouterr().out
    assert good_site.run("check", "--audit", "--stale-days", "0") == 2


def test_a_site_with_errors_is_reported_as_by_check_and_not_audited(good_site, capsys):
    good_site.write("content/profiles/bad.md", "---\nname: 坏\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert good_site.run("check", "--audit") == 1
    captured = capsys.readouterr()
    assert "content/profiles/bad.md:4" in captured.err and "合规检查" not in captured.out


@pytest.fixture
def example_site(tmp_path, monkeypatch):
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    return root


def test_the_example_site_as_shipped_fails_only_for_its_sample_settings(example_site, capsys):
    from generator.cli import main

    assert main(["check", "--site", str(example_site), "--audit"]) == 1
    out = capsys.readouterr().out
    assert _results(out) == {**dict.fromkeys(range(1, RULES + 1), True), 7: False}, out
    findings = [line.strip() for line in out.splitlines() if line.strip().startswith("- site.toml")]
    assert [f.split("：")[0] for f in findings] == [
        "- site.toml:3 [base_url]",
        "- site.toml:15 [footer.contact]",
        "- site.toml:16 [footer.icp]",
        "- site.toml:17 [footer.police]",
    ]
    assert "1 项未通过" in out


def test_the_example_site_passes_every_rule_once_its_settings_are_its_own(example_site, capsys):
    from generator.cli import main

    toml = (example_site / "site.toml").read_text(encoding="utf-8")
    for sample, own in [
        ("https://wenming.example.gov.cn/", "https://wenming.syglzx.cn/"),
        ("0719-0000000", "0719-8652301"),
        ("公园路00号", "公园路18号"),
        ("鄂ICP备00000000号-1", "鄂ICP备18004726号-1"),
        ("鄂公网安备 00000000000000号", "鄂公网安备 42030202000123号"),
    ]:
        assert sample in toml
        toml = toml.replace(sample, own)
    (example_site / "site.toml").write_text(toml, encoding="utf-8")
    assert main(["check", "--site", str(example_site), "--audit"]) == 0, capsys.readouterr().out
    captured = capsys.readouterr()
    assert _results(captured.out) == dict.fromkeys(range(1, RULES + 1), True)
    assert captured.err == ""
    assert not (example_site / "output").exists()


def test_the_example_site_is_fresh_on_its_reference_date(example_site):
    problems = Problems()
    site, _ = check_site(load_config(example_site, problems), problems)
    result = rule_fresh_sections(site, 14)
    assert result.passed, "\n".join(result.findings)


def test_under_a_sub_path_a_link_written_from_the_server_root_is_broken(good_site, capsys):
    toml = (good_site.root / "site.toml").read_text(encoding="utf-8")
    good_site.write("site.toml", 'base_url = "https://www.syglzx.cn/wenming/"\n' + toml)
    assert good_site.run("check", "--audit") == 0, capsys.readouterr().out
    capsys.readouterr()
    good_site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\n---\n## 联系方式\n\n见[荣誉榜](/honors/)。\n")
    assert good_site.run("check", "--audit") == 1
    out = capsys.readouterr().out
    assert _results(out)[4] is False and '<a href="/honors/">：在网站目录 /wenming/ 之外' in out
