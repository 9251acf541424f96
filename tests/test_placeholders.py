"""Sample values left in: `build` and `check` warn, naming site.toml's line and key
or the content file's line, and still succeed."""

from __future__ import annotations

import pytest

from generator.placeholders import placeholder_host, zero_numbers

# A site.toml with nothing left to fill in; each case below puts one sample value back.
REAL = """\
title = "十堰公路文明网"
description = "十堰市公路系统宣传先进典型的网上阵地，创建于2000年。"
base_url = "https://wenming.syglzx.cn/"

[footer]
organizer = "十堰市公路事业发展中心"
contact = "电话：0719-8652301（工作日 8:30–12:00）　地址：十堰市张湾区公园路100号"
icp = "鄂ICP备18004726号-1"
police = "鄂公网安备 42030202000123号"

[[menu]]
title = "文明十堰"
url = "https://www.shiyan.gov.cn/wenming/"
"""


@pytest.fixture
def real_site(site):
    site.write("site.toml", REAL)
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    return site


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            'base_url = "https://wenming.syglzx.cn/"',
            'base_url = "https://wenming.example.gov.cn/"',
            "site.toml:3: 警告 warning [base_url]: 网站地址“https://wenming.example.gov.cn/”是示例域名，不是本单位的网站；"
            "海报和电子屏上的二维码、订阅和站点地图都会指向它 (base_url is an example domain)\n"
            '    提示 hint: 改成网站正式发布的网址，例如 base_url = "https://本单位网站的域名/"；还没有域名时先写 base_url = "/"',
        ),
        (
            'base_url = "https://wenming.syglzx.cn/"',
            'base_url = "http://localhost:8000/"',
            "site.toml:3: 警告 warning [base_url]: 网站地址“http://localhost:8000/”是本机地址，别的电脑和手机都打不开；"
            "海报和电子屏上的二维码、订阅和站点地图都会指向它 (base_url is a local address)",
        ),
        (
            'icp = "鄂ICP备18004726号-1"',
            'icp = "鄂ICP备00000000号-1"',
            "site.toml:8: 警告 warning [footer.icp]: ICP备案号“鄂ICP备00000000号-1”是占位号码（数字全是 0），不是真实的备案号 (placeholder filing number)\n"
            "    提示 hint: 填写本网站在工信部备案管理系统（beian.miit.gov.cn）取得的备案号",
        ),
        (
            'police = "鄂公网安备 42030202000123号"',
            'police = "鄂公网安备 00000000000000号"',
            "site.toml:9: 警告 warning [footer.police]: 公安备案号“鄂公网安备 00000000000000号”是占位号码（数字全是 0），不是真实的备案号 (placeholder filing number)\n"
            "    提示 hint: 填写全国互联网安全管理服务平台（beian.mps.gov.cn）给出的公安备案号；还没有就删掉这一行",
        ),
        (
            "0719-8652301",
            "0719-0000000",
            "site.toml:7: 警告 warning [footer.contact]: 联系方式“电话：0719-0000000（工作日 8:30–12:00）　地址：十堰市张湾区公园路100号”"
            "里的 “0719-0000000” 是占位号码（数字全是 0），每个页面的页脚都会显示它 (placeholder number)\n"
            "    提示 hint: 改成本单位真实的电话和地址",
        ),
        (
            "公园路100号",
            "公园路00号",
            "site.toml:7: 警告 warning [footer.contact]: 联系方式“电话：0719-8652301（工作日 8:30–12:00）　地址：十堰市张湾区公园路00号”"
            "里的 “00号” 是占位号码（数字全是 0），每个页面的页脚都会显示它 (placeholder number)",
        ),
        (
            'organizer = "十堰市公路事业发展中心"',
            'organizer = "请填写主办单位"',
            "site.toml:6: 警告 warning [footer.organizer]: 主办单位“请填写主办单位”还是待填写的占位内容，每个页面的页脚都会显示它 (placeholder text)\n"
            "    提示 hint: 写主办单位的全称",
        ),
        (
            'title = "十堰公路文明网"',
            'title = "某某单位文明网"',
            "site.toml:1: 警告 warning [title]: 网站名称“某某单位文明网”还是待填写的占位内容，每个页面都会显示它 (placeholder text)",
        ),
        (
            'url = "https://www.shiyan.gov.cn/wenming/"',
            'url = "https://example.gov.cn/"',
            "site.toml:13: 警告 warning [menu[0].url]: 菜单“文明十堰”的网址“https://example.gov.cn/”是示例域名，不是本单位的网站，"
            "每个页面的菜单里都有它 (menu link to an example domain)\n"
            "    提示 hint: 改成真实的网址，或删掉这个 [[menu]]",
        ),
    ],
    ids=["example-host", "localhost", "icp", "police", "phone", "house-number", "organizer", "title", "menu-url"],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_sample_setting_is_a_warning_naming_site_toml_its_line_and_key(real_site, capsys, command, old, new, expected):
    text = REAL.replace(old, new)
    assert text != REAL
    real_site.write("site.toml", text)
    assert real_site.run(command) == 0
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("警告 warning") == 1, err


@pytest.mark.parametrize("command", ["check", "build"])
def test_real_settings_raise_no_warning(real_site, capsys, command):
    assert real_site.run(command) == 0
    assert capsys.readouterr().err == ""


def test_a_sample_base_url_given_on_the_command_line_is_named_as_the_option(real_site, capsys):
    assert real_site.run("build", "--base-url", "https://www.example.com/wenming/") == 0
    err = capsys.readouterr().err
    assert "--base-url: 警告 warning [base_url]: 网站地址“https://www.example.com/wenming/”是示例域名" in err
    assert "site.toml" not in err


def test_a_skipped_build_repeats_the_warnings(real_site, capsys):
    real_site.write("site.toml", REAL.replace("鄂ICP备18004726号-1", "鄂ICP备00000000号-1"))
    assert real_site.run("build") == 0
    first = capsys.readouterr().err
    assert "[footer.icp]" in first
    assert real_site.run("build") == 0  # nothing changed: answered from the manifest
    captured = capsys.readouterr()
    assert "没有改动" in captured.out and captured.err == first


@pytest.mark.parametrize(
    "host, reason",
    [
        ("example.com", "示例域名"),
        ("www.example.org", "示例域名"),
        ("example.net", "示例域名"),
        ("wenming.example.gov.cn", "示例域名"),
        ("EXAMPLE.CN.", "示例域名"),
        ("wenming.example", "示例域名"),
        ("wenming.test", "测试域名"),
        ("site.invalid", "测试域名"),
        ("localhost:8000", "本机地址"),
        ("wenming.localhost", "本机地址"),
        ("127.0.0.1", "本机地址"),
        ("[::1]:8000", "本机地址"),
        ("wenming.syglzx.cn", ""),
        ("myexample.com", ""),
        ("example-gov.cn", ""),
        ("192.168.1.10", ""),
    ],
)
def test_example_and_local_hosts_are_placeholders_and_others_are_not(host, reason):
    found, _ = placeholder_host(host)
    assert (reason in found) if reason else found == ""


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("电话：0719-0000000", ["0719-0000000"]),
        ("鄂ICP备00000000号-1", ["00000000号"]),
        ("公园路00号", ["00号"]),
        ("０７１９-００００００００", ["０７１９-００００００００"]),
        ("电话：0719-8652301（8:30–12:00）", []),
        ("创建于2000年，邮编 442000", []),
        ("鄂公网安备 42030202000123号", []),
    ],
)
def test_only_numbers_of_zeros_are_placeholder_numbers(text, numbers):
    assert zero_numbers(text) == numbers


def test_a_profile_left_as_new_wrote_it_warns_at_each_scaffold_line(real_site, capsys):
    assert real_site.run("new", "profile", "张三") == 0
    capsys.readouterr()
    path = real_site.root / "content/profiles/张三/index.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    deeds, praise = lines.index("在这里写先进事迹。每段之间空一行。") + 1, lines.index("在这里写同事和群众的评价。") + 1
    for command in ("check", "build"):
        assert real_site.run(command) == 0
        err = capsys.readouterr().err
        assert (
            f"content/profiles/张三/index.md:{deeds}: 警告 warning [正文 body]: “在这里写先进事迹。每段之间空一行。”"
            "是 bangyang new 写的示例文字，会原样显示在网页上 (scaffold text left in)\n"
            "    提示 hint: 把这一行换成真实内容，或删掉它"
        ) in err
        assert f"content/profiles/张三/index.md:{praise}: 警告 warning [正文 body]: “在这里写同事和群众的评价。”" in err
        assert err.count("警告 warning") == 2, err
    text = "\n".join(lines).replace("在这里写先进事迹。每段之间空一行。", "二十年坚守公路养护一线。")
    path.write_text(text.replace("在这里写同事和群众的评价。", "同事们都说他是“活地图”。"), encoding="utf-8")
    assert real_site.run("check") == 0
    assert capsys.readouterr().err == ""


def test_an_activity_left_as_new_wrote_it_warns_at_its_empty_items(real_site, capsys):
    assert real_site.run("new", "activity", "读书分享会") == 0
    capsys.readouterr()
    lines = (real_site.root / "content/activities/读书分享会/index.md").read_text(encoding="utf-8").splitlines()
    assert real_site.run("check") == 0
    err = capsys.readouterr().err
    for item in ("- 时间：", "- 地点：", "- 内容："):
        line = lines.index(item) + 1
        assert (
            f"content/activities/读书分享会/index.md:{line}: 警告 warning [正文 body]: “{item}”后面还没有填写 (scaffold item left empty)"
            in err
        )
    assert "“在这里写报名和参与方式。”是 bangyang new 写的示例文字" in err


def test_a_sentence_that_only_starts_like_the_scaffold_is_the_clerks_own(real_site, capsys):
    real_site.write("content/pages/about.md", "---\ntitle: 关于我们\n---\n在这里写下我们的承诺：文明服务，真诚待人。\n")
    assert real_site.run("check") == 0
    assert capsys.readouterr().err == ""
