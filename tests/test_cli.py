"""The command line as staff use it: new, init, check, help, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from generator.cli import main
from generator.schema import KINDS


@pytest.mark.parametrize(
    "kind, title", [("profile", "张晓明"), ("activity", "学雷锋日志愿服务"), ("slogan", "讲文明 树新风"), ("page", "关于我们: 简介")]
)
def test_a_new_scaffold_lists_every_field_and_builds_as_it_is(site, capsys, kind, title):
    site.write("content/.keep", "")
    assert site.run("new", kind, title) == 0
    created = capsys.readouterr().out
    path = next(p for p in (site.root / "content").rglob("*.md"))
    assert str(path) in created
    text = path.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    for spec in KINDS[kind]:
        assert f"\n{spec.name}:" in "\n" + front and spec.comment in front
    meta = yaml.safe_load(front)
    assert title in meta.values()
    assert site.run("build") == 0, capsys.readouterr().err


def test_new_never_overwrites_an_existing_file(site, capsys):
    site.write("content/.keep", "")
    assert site.run("new", "profile", "张晓明") == 0
    path = site.root / "content/profiles/张晓明/index.md"
    path.write_text("mine", encoding="utf-8")
    assert site.run("new", "profile", "张晓明") == 1
    assert path.read_text(encoding="utf-8") == "mine"
    assert "已存在" in capsys.readouterr().err


def test_init_makes_a_site_that_builds(tmp_path, capsys):
    target = tmp_path / "我的网站"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert "其中是示例内容" in out and "bangyang init --empty" in out
    assert (target / "site.toml").is_file() and (target / "content/profiles").is_dir()
    assert main(["build", "--site", str(target)]) == 0
    assert (target / "output/index.html").is_file()
    assert main(["init", str(target)]) == 2  # not empty: refused
    assert "不是空文件夹" in capsys.readouterr().err


def test_init_empty_makes_settings_and_folders_that_build_an_empty_site(tmp_path, capsys):
    target = tmp_path / "新网站"
    assert main(["init", "--empty", str(target)]) == 0
    assert "只有设置和空文件夹" in capsys.readouterr().out
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        ".gitignore",
        "content",
        "content/activities",
        "content/pages",
        "content/profiles",
        "content/slogans",
        "site.toml",
    ]
    assert main(["build", "--site", str(target)]) == 0
    captured = capsys.readouterr()
    assert "完成" in captured.out
    home = (target / "output/index.html").read_text(encoding="utf-8")
    assert "请填写网站名称" in home and "ICP备00000000号" in home
    # Every blank to fill in is a warning naming its line and key.
    lines = (target / "site.toml").read_text(encoding="utf-8").splitlines()
    for key in ("title", "description", "base_url", "organizer", "contact", "icp", "police"):
        number = next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key} = "))
        field = f"footer.{key}" if key in ("organizer", "contact", "icp", "police") else key
        assert f"site.toml:{number}: 警告 warning [{field}]: " in captured.err, captured.err
    assert captured.err.count("警告 warning") == 7
    assert main(["check", "--site", str(target), "--audit"]) == 1
    assert "[未通过 FAIL] 7. 没有未替换的示例内容" in capsys.readouterr().out


def test_init_writes_a_gitignore_that_names_exactly_what_builds_add_to_the_site_folder(tmp_path):
    target = tmp_path / "我的网站"
    assert main(["init", str(target)]) == 0
    text = (target / ".gitignore").read_text(encoding="utf-8")
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rules == ["/output/", "/.bangyang-cache/"]
    assert text.startswith("# bangyang 生成的文件夹")
    assert main(["build", "--site", str(target)]) == 0
    made = sorted(p.name for p in target.iterdir())
    assert made == [".bangyang-cache", ".gitignore", "content", "output", "site.toml"]
    assert sorted(f"/{name}/" for name in made if name not in (".gitignore", "content", "site.toml")) == sorted(rules)


def test_check_reports_problems_and_writes_nothing(site, capsys):
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert site.run("check") == 1
    assert "content/profiles/张晓明.md:4" in capsys.readouterr().err
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-02-28\n---\n")
    assert site.run("check") == 0
    assert "检查通过" in capsys.readouterr().out
    assert not site.out.exists() and not (site.root / ".bangyang-cache").exists()


def test_a_missing_site_folder_is_explained_without_a_traceback(tmp_path, capsys):
    assert main(["build", "--site", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "找不到网站文件夹" in err and "Traceback" not in err


def test_settings_with_an_unknown_key_and_a_wrong_type_are_errors(site, capsys):
    site.write("site.toml", 'titel = "x"\nbase_url = 3\n[footer]\nicp = "鄂ICP备1号"\n')
    site.write("content/.keep", "")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "titel" in err and "是不是想写 title" in err
    assert "[base_url]" in err and "类型不对" in err


def test_a_toml_syntax_error_names_the_line(site, capsys):
    site.write("site.toml", 'title = "十堰"\ndescription = 没有引号\n')
    site.write("content/.keep", "")
    assert site.run("build") == 1
    assert "site.toml:2" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["new", "--help"]], ids=["main", "build", "new"])
def test_help_is_in_chinese_and_english(args):
    out = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out.stdout)
    assert any(word in out.stdout for word in ("build", "Build", "scaffold", "site"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_with_zh_writes_chinese_field_names_that_build(site, capsys, kind):
    site.write("content/.keep", "")
    assert site.run("new", kind, "学雷锋", "--zh") == 0
    path = next(p for p in (site.root / "content").rglob("*.md"))
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    for spec in KINDS[kind]:
        assert f"\n{spec.zh}:" in "\n" + front and f"\n{spec.name}:" not in "\n" + front
    assert site.run("build") == 0, capsys.readouterr().err


def test_the_command_leaves_with_its_code_and_all_it_printed(site):
    # The command leaves without Python's teardown; what it printed into a pipe
    # (block-buffered) must still arrive, and the exit code must be main()'s.
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n\n扎根社区二十年。\n")
    command = [sys.executable, "-m", "generator", "build", "--site", str(site.root)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("完成：")
    assert "张晓明" in (site.out / "profiles" / "zhang-xiao-ming" / "index.html").read_text(encoding="utf-8")
    site.write("content/profiles/张晓明.md", "---\nnmae: 张晓明\n---\n")
    failed = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    assert failed.returncode == 1
    assert failed.stderr.rstrip().endswith("(4 error(s); nothing was written)")


def test_check_does_not_claim_it_would_have_built(site, capsys):
    site.write("content/profiles/张晓明.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert err.rstrip().endswith("共 1 处错误，检查未通过，请改正后再运行 bangyang check。 (1 error(s))")
    assert "未生成网站" not in err and "output/" not in err
    assert site.run("build") == 1
    assert capsys.readouterr().err.rstrip().endswith("共 1 处错误，未生成网站，output/ 保持不变。 (1 error(s); nothing was written)")
