"""Publishing: a failed build changes nothing; a good one swaps in whole."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.workdir import spare_path, work_folder

GOOD = "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\n---\n二十年坚守公路养护一线。\n"


def _tree(folder: Path) -> dict[str, bytes]:
    # The Pagefind index is not byte-stable between runs (its filter files); everything else must be.
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"
    }


def _spare(site) -> Path:
    return spare_path(site.root / ".bangyang-cache", site.out)


def _left_behind(site) -> list[str]:
    """Release folders left: beside output/ (where none may ever be) and in
    the cache's working folder (its lock and the spare aside)."""
    beside = [p.name for p in site.root.iterdir() if p.name.startswith(".output")]
    work = work_folder(site.root / ".bangyang-cache", site.out)
    inside = [p.name for p in work.iterdir() if p.name not in ("lock", "spare")] if work.is_dir() else []
    return beside + inside


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
    assert _left_behind(site) == []
    assert not _spare(site).exists()  # the first build had no earlier release to keep as the spare


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
    spare = _spare(site)
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
    assert (_spare(site) / "profiles").stat().st_ino == first_folder
    site.write("content/profiles/张晓明.md", GOOD.replace("二十年", "四十年"))
    assert site.run("build") == 0
    # Its folders are kept and each of its files replaced: cheaper than deleting it and making them again.
    assert (site.out / "profiles").stat().st_ino == first_folder
    assert site.run("build", "--out", str(tmp_path / "clean0")) == 0
    assert _tree(site.out) == _tree(tmp_path / "clean0")
    assert _left_behind(site) == []
    # A spare nobody knows (output/ and the cache's records deleted by hand) is not used either.
    shutil.rmtree(site.out)
    for path in (site.root / ".bangyang-cache").iterdir():
        if path.name != "releases":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    (_spare(site) / "stray.html").write_text("不该发布", encoding="utf-8")
    assert site.run("build") == 0
    assert not (site.out / "stray.html").exists()
    assert not _spare(site).exists()  # removed; the next build makes a spare again
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
    spare = _spare(site)
    spare.parent.mkdir(parents=True)
    spare.symlink_to(keep, target_is_directory=True)
    assert site.run("build") == 0
    assert spare.is_symlink()  # no release was swapped out yet
    site.write("content/profiles/王秀兰.md", GOOD.replace("张晓明", "王秀兰"))
    assert site.run("build") == 0
    assert (keep / "important.txt").read_text(encoding="utf-8") == "别删"  # the link's target untouched
    assert spare.is_dir() and not spare.is_symlink()  # a real spare now
    assert _left_behind(site) == []
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
    from generator import publish

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    # A big site stands in: an edit changes a tenth of these 68 pages.
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)
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
    assert site.out.stat().st_ino == folder and not _spare(site).exists()
    changed = sorted(rel for rel, ino in after.items() if before.get(rel) != ino and not rel.startswith("pagefind/"))
    assert "profiles/zhang-wei/index.html" in changed and "build.json" in changed
    assert "profiles/wang-fang/index.html" not in changed and len(changed) < len(after) // 5
    assert "docs/guide.txt" in before and not (site.out / "docs").exists()  # a file gone takes its empty folder along
    assert "风雨无阻" in site.html("profiles/zhang-wei/index.html")
    assert json.loads((site.out / "build.json").read_text(encoding="utf-8"))["build_id"] != old_id
    assert _left_behind(site) == []
    clean = make_site("clean")
    _many_profiles(clean)
    clean.write("content/profiles/张伟.md", (site.root / "content/profiles/张伟.md").read_text(encoding="utf-8"))
    assert clean.run("build") == 0
    assert _tree(site.out) == _tree(clean.out)


def test_a_change_to_many_pages_still_swaps_a_whole_release_in_and_keeps_the_spare_across_small_edits(site, monkeypatch):
    from generator import publish

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    assert site.run("build") == 0
    first = site.out.stat().st_ino
    site.write("site.toml", 'title = "十堰公路文明网"\n')  # every page shows the title
    assert site.run("build") == 0
    spare = _spare(site)
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
    from generator import publish

    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)

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
    assert _left_behind(site) == []


def test_laid_over_a_photos_variants_already_published_are_left_where_they_are(site, make_site, monkeypatch):
    from generator import images, publish

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)
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
    assert linked == [] and not _spare(site).exists()  # laid over, nothing of the photo linked again
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
    from generator import build, publish

    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)
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
    assert _left_behind(site) == []


# --- nothing of a release beside output/: the working folders live in the cache -----


def _everything_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _withdrawn_anywhere(folder: Path) -> list[str]:
    """Every trace of 李强's page under `folder`: a path or a file that names him."""
    return sorted(rel for rel, data in _everything_under(folder).items() if "li-qiang" in rel or "李强".encode() in data)


def _every_kind_of_build(site, monkeypatch, *args: str, after=lambda step: None) -> None:
    """A cold build, whole swaps (one withdrawing 李强), an edit laid over the
    live output and a failed build; `after(step)` looks around after each."""
    from generator import publish

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    monkeypatch.setattr(publish, "OVERLAY_SHARE", 0.5)
    _many_profiles(site)
    site.write("content/profiles/李强.md", GOOD.replace("张晓明", "李强"))
    assert site.run("build", *args) == 0
    after("cold")
    site.write("site.toml", 'title = "十堰公路文明网"\n')  # every page shows the title: a whole release
    assert site.run("build", *args) == 0
    after("whole")
    (site.root / "content/profiles/李强.md").unlink()
    site.write("site.toml", 'title = "十堰市公路文明网"\n')
    assert site.run("build", *args) == 0
    after("withdrawn")
    site.write("content/profiles/王芳.md", "---\nname: 王芳\ncategory: 道德模范\ndate: 2024-03-02\n---\n照顾孤寡老人十年。\n")
    assert site.run("build", *args) == 0
    after("laid over")
    site.write("content/profiles/王芳.md", "---\nname: 王芳\ncategory: 道德模范\ndate: 2024-02-30\n---\n")
    assert site.run("build", *args) == 1
    after("failed")


@pytest.mark.parametrize("disk", ["the same disk", "another disk"])
def test_with_out_in_a_web_root_the_web_root_holds_only_the_output_and_no_withdrawn_page(site, tmp_path, monkeypatch, disk):
    from generator import publish

    if disk == "another disk":  # renames from the cache to beside output/ refused, as across disks
        monkeypatch.setattr(publish, "_renames_between", lambda *a: False)
    www = tmp_path / "www"
    out = www / "wenming"
    site.write("site.toml", 'title = "十堰公路"\n')

    def after(step: str) -> None:
        assert sorted(p.name for p in www.iterdir()) == ["wenming"], step
        if step != "cold":
            assert "十堰" in (out / "index.html").read_text(encoding="utf-8")
        if step in ("withdrawn", "laid over", "failed"):
            assert _withdrawn_anywhere(www) == [], step
        # The site folder: what the clerk wrote and one cache folder; no output/ of its own.
        assert sorted(p.name for p in site.root.iterdir()) == [".bangyang-cache", "content", "site.toml"], step

    _every_kind_of_build(site, monkeypatch, "--out", str(out), after=after)
    spare = spare_path(site.root / ".bangyang-cache", out)
    if disk == "the same disk":
        # The release before the withdrawal is kept, in the cache, for the next whole release.
        assert "profiles/li-qiang/index.html" in _withdrawn_anywhere(spare)
    else:
        assert not spare.exists()


def test_on_another_disk_the_release_being_written_beside_the_output_is_closed_to_other_users(site, tmp_path, monkeypatch):
    from generator import publish

    monkeypatch.setattr(publish, "_renames_between", lambda *a: False)
    www = tmp_path / "www"
    out = www / "wenming"
    plain = tmp_path / "plain"
    plain.mkdir()
    seen: list[tuple[Path, int]] = []
    real = publish.Release.commit

    def commit(self, whole=()):
        seen.append((self.dir.parent, self.dir.stat().st_mode & 0o777))
        return real(self, whole)

    monkeypatch.setattr(publish.Release, "commit", commit)
    site.write("content/profiles/张晓明.md", GOOD)
    assert site.run("build", "--out", str(out)) == 0
    site.write("site.toml", 'title = "十堰公路文明网"\n')
    assert site.run("build", "--out", str(out)) == 0
    assert seen == [(www, 0o700), (www, 0o700)]
    assert out.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777  # as any new folder, once live
    assert sorted(p.name for p in www.iterdir()) == ["wenming"]


def test_with_the_default_output_the_site_folder_holds_only_what_the_clerk_wrote_the_output_and_the_cache(site, monkeypatch):
    site.write("templates/assets/extra.css", "body { color: #333; }\n")
    site.write("site.toml", 'title = "十堰公路"\n')

    def after(step: str) -> None:
        names = sorted(p.name for p in site.root.iterdir())
        assert names == [".bangyang-cache", "content", "output", "site.toml", "templates"], step
        if step in ("withdrawn", "laid over", "failed"):
            assert _withdrawn_anywhere(site.out) == [], step

    _every_kind_of_build(site, monkeypatch, after=after)


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("disk", ["the same disk", "another disk"])
def test_what_a_killed_build_left_where_it_worked_is_removed_by_the_next_build(site, tmp_path, monkeypatch, disk):
    from generator import publish

    if disk == "another disk":
        monkeypatch.setattr(publish, "_renames_between", lambda *a: False)
    www = tmp_path / "www"
    out = www / "wenming"
    site.write("content/profiles/张晓明.md", GOOD)
    assert site.run("build", "--out", str(out)) == 0
    work = work_folder(site.root / ".bangyang-cache", out)
    pid = _dead_pid()
    killed = [work / f"new-{pid}-0badf00d", work / f"old-{pid}-0badf00d", www / f".wenming.new-{pid}-0badf00d"]
    for folder in killed:
        (folder / "profiles/li-qiang").mkdir(parents=True)
        (folder / "profiles/li-qiang/index.html").write_text("李强", encoding="utf-8")
    site.write("content/profiles/王秀兰.md", GOOD.replace("张晓明", "王秀兰"))
    assert site.run("build", "--out", str(out)) == 0
    assert [folder for folder in killed if folder.exists()] == []
    assert sorted(p.name for p in www.iterdir()) == ["wenming"]
    assert sorted(p.name for p in work.iterdir()) == (["lock", "spare"] if disk == "the same disk" else ["lock"])


def test_the_spare_and_the_lock_earlier_versions_kept_beside_the_output_are_removed(site, tmp_path):
    www = tmp_path / "www"
    out = www / "wenming"
    site.write("site.toml", 'title = "十堰公路文明网"\n')
    site.write("content/profiles/张晓明.md", GOOD)
    old_spare = www / ".wenming.spare"
    (old_spare / "profiles/li-qiang").mkdir(parents=True)
    (old_spare / "profiles/li-qiang/index.html").write_text("李强", encoding="utf-8")
    (www / ".wenming.lock").write_bytes(b"")
    # The same beside the default output/, where a link is removed, never followed.
    keep = tmp_path / "elsewhere"
    keep.mkdir()
    (keep / "important.txt").write_text("别删", encoding="utf-8")
    site.root.mkdir(exist_ok=True)
    (site.root / ".output.spare").symlink_to(keep, target_is_directory=True)
    (site.root / ".output.lock").write_bytes(b"")
    assert site.run("build", "--out", str(out)) == 0
    assert site.run("build") == 0
    assert sorted(p.name for p in www.iterdir()) == ["wenming"]
    assert sorted(p.name for p in site.root.iterdir()) == [".bangyang-cache", "content", "output", "site.toml"]
    assert (keep / "important.txt").read_text(encoding="utf-8") == "别删"


def test_static_files_that_cannot_be_published_are_found_before_anything_is_written(site, tmp_path, capsys):
    # check never writes, so it sees only what is found before the gate: these used to
    # pass check and fail the build halfway, after the images were made.
    site.write("content/profiles/张伟.md", "---\nname: 张伟\ncategory: 身边好人\ndate: 2024-03-01\n---\n坚守养护一线三十年。\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("机密", encoding="utf-8")
    (site.root / "content/static").mkdir(parents=True, exist_ok=True)
    (site.root / "content/static/linked.txt").symlink_to(outside)
    site.write("content/static/pagefind/pagefind.js", "// 不是搜索索引\n")
    site.write("content/pages/pagefind.md", "---\ntitle: 搜索说明\n---\n说明。\n")
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert "content/static/linked.txt: 错误 error: 静态文件是指向 content 之外的链接" in err
    assert "content/static/pagefind/pagefind.js: 错误 error: 输出文件夹 pagefind/ 已被网站内容占用" in err
    assert "content/pages/pagefind.md: 错误 error [slug]: 网址 /pagefind/ 已被网站自身使用" in err
    assert site.run("build") == 1
    assert not site.out.exists()
