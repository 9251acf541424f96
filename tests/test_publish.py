"""Publishing: a failed build changes nothing; a good one swaps in whole."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

GOOD = "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n二十年坚守公路养护一线。\n"


def _tree(folder: Path) -> dict[str, bytes]:
    # The Pagefind index is not byte-stable between runs (its filter files); everything else must be.
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"
    }


def test_the_previous_output_survives_a_failed_build_byte_for_byte(site, capsys):
    site.write("content/profiles/张晓明.md", GOOD)
    site.image("content/profiles/wang/portrait.jpg")
    site.write("content/profiles/wang/index.md", "---\nname: 王秀兰\ncategory: 身边好人\ndate: 2024-05-01\nphoto: portrait.jpg\n---\n")
    assert site.run("build") == 0
    before = _tree(site.out)
    assert "profiles/zhang-xiao-ming/index.html" in before

    site.write("content/profiles/张晓明.md", GOOD.replace("2024-03-05", "2024-02-30"))
    site.write("content/profiles/new.md", "---\nname: 新人\ncategory: 道德模范\ndate: 2024-03-05\n---\n")
    assert site.run("build") == 1
    assert _tree(site.out) == before
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith(".output") and p.name != ".output.lock"]
    assert leftovers == []  # the first build had no earlier release to keep as the spare


def test_the_release_before_is_kept_whole_and_reused_by_the_next_build(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    for name in ("张晓明", "王秀兰", "李强"):
        site.write(f"content/profiles/{name}.md", GOOD.replace("张晓明", name))
    site.write("content/static/docs/guide.txt", "指南")
    assert site.run("build") == 0
    first_folder = (site.out / "profiles").stat().st_ino
    site.write("content/profiles/张晓明.md", GOOD.replace("二十年", "三十年"))
    assert site.run("build") == 0
    second = _tree(site.out)
    spare = site.root / ".output.spare"
    assert (spare / "profiles").stat().st_ino == first_folder  # the first release, swapped out
    # The next build updates that folder: its files are hard links shared with
    # the live release, so a file written in place would change the live site.
    (site.root / "content/profiles/李强.md").unlink()
    site.write("content/profiles/张晓明.md", GOOD.replace("二十年", "四十年"))
    site.write("content/static/docs/guide.txt", "新指南")
    site.write("content/profiles/赵敏.md", GOOD.replace("张晓明", "赵敏"))
    assert site.run("build") == 0
    assert (site.out / "profiles").stat().st_ino == first_folder
    assert _tree(spare) == second  # the live release of the last build, untouched
    site.run("build", "--out", str(tmp_path / "clean"))
    clean = _tree(tmp_path / "clean")
    assert _tree(site.out) == clean
    assert not (site.out / "profiles/li-qiang").exists()
    assert "四十年" in (site.out / "profiles/zhang-xiao-ming/index.html").read_text(encoding="utf-8")
    assert not (site.out / ".pagefind-old").exists()  # the old index, set aside while indexing


def test_a_spare_that_shares_little_with_the_live_site_is_reused_too_and_a_spare_nobody_knows_is_not(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    for name in ("张晓明", "王秀兰", "李强"):
        site.write(f"content/profiles/{name}.md", GOOD.replace("张晓明", name))
    assert site.run("build") == 0
    first_folder = (site.out / "profiles").stat().st_ino
    site.write("site.toml", 'title = "十堰公路文明网"\n')  # every page shows the title: all written afresh
    assert site.run("build") == 0
    assert (site.root / ".output.spare/profiles").stat().st_ino == first_folder
    site.write("content/profiles/张晓明.md", GOOD.replace("二十年", "四十年"))
    assert site.run("build") == 0
    # Its folders are kept and each of its files replaced: cheaper than deleting it and making them again.
    assert (site.out / "profiles").stat().st_ino == first_folder
    assert site.run("build", "--out", str(tmp_path / "clean0")) == 0
    assert _tree(site.out) == _tree(tmp_path / "clean0")
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith(".output.") and p.name not in (".output.lock", ".output.spare")]
    assert leftovers == []
    # A spare nobody knows (output/ and the cache deleted by hand) is not used either.
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".bangyang-cache")
    (site.root / ".output.spare/stray.html").write_text("不该发布", encoding="utf-8")
    assert site.run("build") == 0
    assert not (site.out / "stray.html").exists()
    assert not (site.root / ".output.spare").exists()  # removed; the next build makes a spare again
    assert site.run("build", "--out", str(tmp_path / "clean")) == 0
    assert _tree(site.out) == _tree(tmp_path / "clean")


def test_removed_content_disappears_from_the_output(site):
    site.write("content/profiles/张晓明.md", GOOD)
    site.write("content/profiles/王秀兰.md", GOOD.replace("张晓明", "王秀兰"))
    assert site.run("build") == 0
    assert (site.out / "profiles/wang-xiu-lan/index.html").is_file()
    (site.root / "content/profiles/王秀兰.md").unlink()
    assert site.run("build") == 0
    assert not (site.out / "profiles/wang-xiu-lan").exists()
    assert (site.out / "profiles/zhang-xiao-ming/index.html").is_file()


def test_build_json_carries_counts_and_an_id_that_follows_the_content(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    site.write("content/profiles/张晓明.md", GOOD)
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    assert site.run("build") == 0
    first = json.loads((site.out / "build.json").read_text(encoding="utf-8"))
    assert first["counts"]["profiles"] == 1 and first["counts"]["slogans"] == 1
    assert first["time"].startswith("2026-11-28T12:00:00+08:00")
    assert site.run("build") == 0
    assert json.loads((site.out / "build.json").read_text(encoding="utf-8"))["build_id"] == first["build_id"]
    site.write("content/slogans/b.md", "---\ntext: 文明交通 安全出行\n---\n")
    assert site.run("build") == 0
    assert json.loads((site.out / "build.json").read_text(encoding="utf-8"))["build_id"] != first["build_id"]


def test_static_files_are_copied_as_they_are(site):
    site.write("content/profiles/张晓明.md", GOOD)
    site.write_bytes("content/static/docs/推荐表.pdf", b"%PDF-1.4 fake")
    site.write_bytes("content/static/logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert site.run("build") == 0
    assert (site.out / "docs/推荐表.pdf").read_bytes() == b"%PDF-1.4 fake"
    assert (site.out / "logo.svg").read_bytes().startswith(b"<svg")


def test_a_static_file_that_collides_with_a_page_is_an_error(site, capsys):
    site.write("content/profiles/张晓明.md", GOOD)
    site.write_bytes("content/static/index.html", b"<p>mine</p>")
    assert site.run("build") == 1
    assert "index.html" in capsys.readouterr().err
    assert not site.out.exists()


def test_a_file_renamed_to_jpg_that_is_no_image_is_reported(site, capsys):
    site.write_bytes("content/profiles/zhang/portrait.jpg", b"this is not a photo")
    site.write("content/profiles/zhang/index.md", "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nphoto: portrait.jpg\n---\n")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/zhang/index.md:5" in err and "portrait.jpg" in err and "不是可识别的图片" in err


def test_an_output_folder_inside_content_is_refused(site, capsys):
    site.write("content/profiles/张晓明.md", GOOD)
    assert site.run("build", "--out", str(site.root / "content" / "out")) == 1
    assert "不能是网站文件夹" in capsys.readouterr().err
    assert not (site.root / "content/out").exists()


def test_the_search_index_is_rebuilt_only_when_searchable_pages_change(site, monkeypatch):
    from generator import search

    runs = []  # Pagefind runs
    real = search._index_shard
    monkeypatch.setattr(search, "_index_shard", lambda *a: runs.append(1) or real(*a))
    site.write("content/profiles/张晓明.md", GOOD)
    assert site.run("build") == 0 and len(runs) == 1
    assert site.run("build") == 0 and len(runs) == 1  # nothing changed: the live index is kept
    assert (site.out / "pagefind/pagefind.js").is_file()
    site.write("content/profiles/张晓明.md", GOOD.replace("一线", "一线，风雨无阻"))
    assert site.run("build") == 0 and len(runs) == 2


def test_a_file_or_a_link_named_like_the_spare_is_removed_never_followed(site, tmp_path):
    site.write("content/profiles/张晓明.md", GOOD)
    keep = tmp_path / "elsewhere"
    keep.mkdir()
    (keep / "important.txt").write_text("别删", encoding="utf-8")
    spare = site.root / ".output.spare"
    spare.symlink_to(keep, target_is_directory=True)
    assert site.run("build") == 0
    assert spare.is_symlink()  # no release was swapped out yet
    site.write("content/profiles/王秀兰.md", GOOD.replace("张晓明", "王秀兰"))
    assert site.run("build") == 0
    assert (keep / "important.txt").read_text(encoding="utf-8") == "别删"  # the link's target untouched
    assert spare.is_dir() and not spare.is_symlink()  # a real spare now
    others = [p.name for p in site.root.iterdir() if p.name.startswith(".output.") and p.name not in (".output.lock", ".output.spare")]
    assert others == []
    shutil.rmtree(spare)
    spare.write_text("not a folder", encoding="utf-8")
    site.write("content/profiles/李强.md", GOOD.replace("张晓明", "李强"))
    assert site.run("build") == 0
    assert spare.is_dir()
    assert (site.out / "profiles/li-qiang/index.html").is_file()


# --- few pages changed: the release is laid over the live output ---------------------

NAMES = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴霞",
    "徐峰",
    "孙丽",
    "马超",
    "朱红",
    "胡斌",
    "郭琳",
    "何勇",
    "高燕",
    "林涛",
    "罗娟",
    "郑浩",
    "梁雪",
    "宋军",
    "谢萍",
]


def _many_profiles(site) -> None:
    """24 role models in two categories."""
    for i, name in enumerate(NAMES):
        category = "道德模范" if i % 2 else "身边好人"
        site.write(
            f"content/profiles/{name}.md",
            f"---\nname: {name}\ncategory: {category}\ndate: 2024-03-{i + 1:02d}\n---\n坚守养护一线{i + 1}年。\n",
        )


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_an_edit_of_a_big_site_replaces_only_the_files_it_changed_and_equals_a_clean_build(site, make_site, monkeypatch):
    from generator import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    # A big site stands in: an edit changes a tenth of these 68 pages.
    monkeypatch.setattr(build, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    site.write("content/static/docs/guide.txt", "指南")
    assert site.run("build") == 0
    before = _inodes(site.out)
    folder = site.out.stat().st_ino
    old_id = json.loads((site.out / "build.json").read_text(encoding="utf-8"))["build_id"]
    site.write("content/profiles/张伟.md", "---\nname: 张伟\ncategory: 身边好人\ndate: 2024-03-01\n---\n坚守养护一线三十年，风雨无阻。\n")
    (site.root / "content/static/docs/guide.txt").unlink()
    assert site.run("build") == 0
    after = _inodes(site.out)
    # Laid over: the same output folder, no spare made, the files that did not change are the very same files.
    assert site.out.stat().st_ino == folder and not (site.root / ".output.spare").exists()
    changed = sorted(rel for rel, ino in after.items() if before.get(rel) != ino and not rel.startswith("pagefind/"))
    assert "profiles/zhang-wei/index.html" in changed and "build.json" in changed
    assert "profiles/wang-fang/index.html" not in changed and len(changed) < len(after) // 5
    assert "docs/guide.txt" in before and not (site.out / "docs").exists()  # a file gone takes its empty folder along
    assert "风雨无阻" in site.html("profiles/zhang-wei/index.html")
    assert json.loads((site.out / "build.json").read_text(encoding="utf-8"))["build_id"] != old_id
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith(".output.") and p.name != ".output.lock"]
    assert leftovers == []
    clean = make_site("clean")
    _many_profiles(clean)
    clean.write("content/profiles/张伟.md", (site.root / "content/profiles/张伟.md").read_text(encoding="utf-8"))
    assert clean.run("build") == 0
    assert _tree(site.out) == _tree(clean.out)


def test_a_change_to_many_pages_still_swaps_a_whole_release_in_and_keeps_the_spare_across_small_edits(site, monkeypatch):
    from generator import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    monkeypatch.setattr(build, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    assert site.run("build") == 0
    first = site.out.stat().st_ino
    site.write("site.toml", 'title = "十堰公路文明网"\n')  # every page shows the title
    assert site.run("build") == 0
    spare = site.root / ".output.spare"
    assert spare.stat().st_ino == first and site.out.stat().st_ino != first
    spare_id = json.loads((spare / "build.json").read_text(encoding="utf-8"))["build_id"]
    live = site.out.stat().st_ino
    site.write("content/profiles/王芳.md", "---\nname: 王芳\ncategory: 道德模范\ndate: 2024-03-02\n---\n照顾孤寡老人十年。\n")
    assert site.run("build") == 0  # laid over: the spare stays as it was, and stays known
    assert site.out.stat().st_ino == live and json.loads((spare / "build.json").read_text(encoding="utf-8"))["build_id"] == spare_id
    site.write("site.toml", 'title = "十堰公路文明网站"\n')
    assert site.run("build") == 0
    assert site.out.stat().st_ino == first  # the spare became the new release, reused rather than made anew
    assert "十堰公路文明网站" in site.html("profiles/wang-fang/index.html") and "照顾孤寡老人" in site.html("profiles/wang-fang/index.html")


def test_a_failed_write_while_laying_over_leaves_the_live_output_as_it_was(site, monkeypatch, capsys):
    from generator import build, publish

    monkeypatch.setattr(build, "OVERLAY_SHARE", 0.5)

    _many_profiles(site)
    assert site.run("build") == 0
    before = _tree(site.out)
    site.write("content/profiles/张伟.md", "---\nname: 张伟\ncategory: 身边好人\ndate: 2024-03-01\n---\n坚守养护一线三十年。\n")
    real = publish.Release.write

    def failing(self, rel, data, owner):
        if rel == "build.json":
            raise OSError(28, "No space left on device")
        return real(self, rel, data, owner)

    monkeypatch.setattr(publish.Release, "write", failing)
    assert site.run("build") == 1
    said = capsys.readouterr()
    assert "无法写入输出文件夹" in said.out + said.err
    assert _tree(site.out) == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output.") and p.name != ".output.lock"] == []


def test_laid_over_a_photos_variants_already_published_are_left_where_they_are(site, make_site, monkeypatch):
    from generator import build, images

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    monkeypatch.setattr(build, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    site.image("content/profiles/wang/portrait.jpg", (1200, 900))
    site.write("content/profiles/wang/index.md", "---\nname: 王秀兰\ncategory: 身边好人\ndate: 2024-05-01\nphoto: portrait.jpg\n---\n")
    assert site.run("build") == 0
    variants = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.webp"))
    assert variants
    linked: list[str] = []
    real = images.link_or_copy
    monkeypatch.setattr(images, "link_or_copy", lambda source, target: linked.append(str(target)) or real(source, target))
    site.write("content/profiles/张伟.md", "---\nname: 张伟\ncategory: 身边好人\ndate: 2024-03-01\n---\n坚守养护一线三十年。\n")
    assert site.run("build") == 0
    assert linked == [] and not (site.root / ".output.spare").exists()  # laid over, nothing of the photo linked again
    assert sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.webp")) == variants
    assert site.run("build") == 0  # and the next build finds nothing changed
    clean = make_site("clean")
    _many_profiles(clean)
    clean.write_bytes("content/profiles/wang/portrait.jpg", (site.root / "content/profiles/wang/portrait.jpg").read_bytes())
    clean.write("content/profiles/wang/index.md", (site.root / "content/profiles/wang/index.md").read_text(encoding="utf-8"))
    clean.write("content/profiles/张伟.md", (site.root / "content/profiles/张伟.md").read_text(encoding="utf-8"))
    assert clean.run("build") == 0
    assert _tree(site.out) == _tree(clean.out)


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for Pagefind")
def test_laid_over_a_failure_while_pagefind_still_runs_waits_for_it_and_leaves_nothing(site, monkeypatch, tmp_path, capsys):
    # Laid over, the search index is made while the extras are; when the extras
    # fail, the build must wait for Pagefind before it throws the release folder
    # away, or Pagefind's late files would make that folder again.
    from generator import build

    monkeypatch.setattr(build, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    assert site.run("build") == 0
    before = _tree(site.out)
    index_before = sorted(p.relative_to(site.out).as_posix() for p in (site.out / "pagefind").rglob("*"))
    slow = tmp_path / "bin" / "pagefind_extended"
    slow.parent.mkdir()
    done = tmp_path / "pagefind-done"
    # Arguments: --site <pages> --output-path <index> …
    slow.write_text(f'#!/bin/sh\nsleep 2\nmkdir -p "$4"\necho "{{}}" > "$4/pagefind-entry.json"\ntouch {done}\n', encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))
    pagefind_done_at_extras = []

    def failing_extras(*args, **kwargs):
        pagefind_done_at_extras.append(done.exists())
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "build_extras", failing_extras)
    site.write("content/profiles/张伟.md", "---\nname: 张伟\ncategory: 身边好人\ndate: 2024-03-01\n---\n坚守养护一线三十年。\n")
    assert site.run("build") == 1
    assert pagefind_done_at_extras == [False]  # the extras failed while Pagefind was at work…
    assert done.exists()  # …and the build waited for it
    assert "无法写入输出文件夹" in capsys.readouterr().err
    assert _tree(site.out) == before
    assert sorted(p.relative_to(site.out).as_posix() for p in (site.out / "pagefind").rglob("*")) == index_before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output.") and p.name != ".output.lock"] == []
