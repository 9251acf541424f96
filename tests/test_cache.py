"""Incremental rebuilds: redo only what a change needs, and end up with the
same bytes as a clean build."""

from __future__ import annotations

import gc
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import output_tree

from generator.build import BuildOptions, build
from generator.config import load_config
from generator.problems import BuildFailed, Problems
from generator.state import BuildState
from generator.workdir import work_folder

P = "---\nname: {name}\ncategory: {category}\ndate: 2024-03-0{day}\ntags: [{tag}]\n---\n{body}\n"


def _profile(site, slug: str, name: str, category: str = "道德模范", day: int = 1, tag: str = "爱岗敬业", body: str = "事迹。") -> None:
    site.write(f"content/profiles/{slug}/index.md", P.format(name=name, category=category, day=day, tag=tag, body=body))


def _build(root: Path, cache: BuildState | None, out: Path | None = None, preview: bool = False):
    problems = Problems(rel_to=root)
    config = load_config(root, problems, output_dir=out)
    return build(config, problems, cache, BuildOptions(preview=preview))


_tree = output_tree


def _touch_later(path: Path) -> None:
    # Make sure the mtime moves even on file systems with coarse timestamps.
    st = path.stat()
    time.sleep(0.01)
    import os

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def sample(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    _profile(site, "zhang", "张晓明", day=1)
    _profile(site, "wang", "王秀兰", day=2)
    _profile(site, "li", "李建国", category="劳动模范", day=3, tag="岗位建功")
    site.write("content/activities/a/index.md", "---\ntitle: 学雷锋日\ntheme: 志愿服务\nstart: 2027-03-05 09:00\n---\n")
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\nslug: about\nmenu: true\n---\n关于。\n")
    return site


def test_an_unchanged_rebuild_parses_and_renders_nothing(sample):
    cache = BuildState()
    first = _build(sample.root, cache)
    assert cache.load.parsed == 6 and cache.render.rendered == first.pages
    _build(sample.root, cache)
    assert cache.load.parsed == 0 and cache.load.reused == 6
    assert cache.render.rendered == 0 and cache.render.reused == first.pages


def test_a_profile_edit_rerenders_its_page_and_its_lists_only(sample):
    cache = BuildState()
    first = _build(sample.root, cache)
    _profile(sample, "li", "李建国", category="劳动模范", day=3, tag="岗位建功", body="新的事迹。")
    _touch_later(sample.root / "content/profiles/li/index.md")
    _build(sample.root, cache)
    assert cache.load.parsed == 1
    # its page, home, profiles index, its category, honors, tags index, its tag
    assert 5 <= cache.render.rendered <= 8 < first.pages
    assert "新的事迹" in sample.html("profiles/li/index.html")


def test_a_template_or_settings_change_rerenders_everything(sample):
    cache = BuildState()
    first = _build(sample.root, cache)
    sample.write("site.toml", 'title = "十堰公路文明网"\n')
    _build(sample.root, cache)
    assert cache.render.rendered == first.pages
    sample.write("templates/404.html", '{% extends "base.html" %}{% block main %}<h1>没有这个页面</h1>{% endblock %}\n')
    _build(sample.root, cache)
    assert cache.render.rendered == first.pages
    assert "没有这个页面" in sample.html("404.html")


@pytest.mark.parametrize("kept", ["in memory", "in memory, written over the live output (serve)", "on disk (build)"])
def test_a_series_of_cached_rebuilds_equals_a_clean_build(sample, tmp_path, kept):
    cache = BuildState() if kept.startswith("in memory") else None  # None: the command line's cache file
    preview = "serve" in kept
    _build(sample.root, cache, preview=preview)
    root = sample.root
    edits = [
        lambda: _profile(sample, "zhang", "张晓明", day=1, body="改过的事迹。"),
        lambda: _profile(sample, "zhao", "赵海涛", category="劳动模范", day=4, tag="岗位建功"),
        lambda: (root / "content/profiles/wang").rename(root / "content/profiles/wang-xiu-lan"),
        lambda: shutil.rmtree(root / "content/profiles/li"),
        lambda: sample.image("content/activities/a/cover.jpg", (800, 500)),
        lambda: sample.write(
            "content/activities/a/index.md", "---\ntitle: 学雷锋日\ntheme: 志愿服务\nstart: 2027-03-05 09:00\ncover: cover.jpg\n---\n"
        ),
        lambda: sample.image("content/activities/a/01.jpg", (600, 400), color="#2b6cb0"),  # joins the default gallery
        lambda: sample.write("content/pages/about.md", "---\ntitle: 关于本站\nslug: about\nmenu: true\n---\n关于。\n"),
        lambda: sample.write("site.toml", "[images]\nwidths = [320, 800]\n"),
        lambda: (root / "content/slogans/a.md").unlink(),
    ]
    for i, edit in enumerate(edits):
        edit()
        for path in (root / "content").rglob("*"):
            if path.is_file() and path.stat().st_mtime > time.time() - 2:
                _touch_later(path)
        _build(root, cache, preview=preview)
        clean = tmp_path / f"clean{i}"
        _build(root, BuildState(), out=clean)
        assert _tree(sample.out) == _tree(clean), f"after edit {i}"


def test_a_failed_rebuild_keeps_the_cache_consistent(sample, tmp_path):
    cache = BuildState()
    _build(sample.root, cache)
    _profile(sample, "zhang", "张晓明", day=1, body="第二版。")
    sample.write_bytes("content/profiles/zhang/bad.jpg", b"not an image")
    sample.write("content/profiles/zhang/index.md", P.format(name="张晓明", category="道德模范", day=1, tag="x", body="![坏图](bad.jpg)"))
    with pytest.raises(BuildFailed):
        _build(sample.root, cache)
    (sample.root / "content/profiles/zhang/bad.jpg").unlink()
    _profile(sample, "zhang", "张晓明", day=1, body="第三版。")
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    _build(sample.root, cache)
    _build(sample.root, None, out=tmp_path / "clean")
    assert _tree(sample.out) == _tree(tmp_path / "clean")


def test_the_command_line_keeps_its_cache_on_disk(sample):
    first = _build(sample.root, None)
    assert first.docs_parsed == 6 and first.pages_rendered > 20
    again = _build(sample.root, None)
    assert again.docs_parsed == 0 and again.pages_rendered == 0
    assert again.build_id == first.build_id
    _profile(sample, "zhang", "张晓明", day=1, body="新写的事迹。")
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    edited = _build(sample.root, None)
    assert edited.docs_parsed == 1 and 0 < edited.pages_rendered < first.pages_rendered
    assert "新写的事迹" in sample.html("profiles/zhang/index.html")


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / ".bangyang-cache").glob("build-*.pickle"))


def _shard_files(root: Path) -> dict[str, int]:
    """Each shard file of the cache (name → inode)."""
    return {p.name: p.stat().st_ino for p in (root / ".bangyang-cache").glob("build-*.shards/*")}


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "another version", "a shard truncated", "a shard missing"])
def test_a_damaged_or_foreign_cache_file_is_ignored(sample, monkeypatch, damage):
    first = _build(sample.root, None)
    before = _tree(sample.out)
    [path] = _cache_files(sample.root)
    data = path.read_bytes()
    shard = max((sample.root / ".bangyang-cache").glob("build-*.shards/*"), key=lambda p: p.stat().st_size)
    if damage == "a shard truncated":
        shard.write_bytes(shard.read_bytes()[:100])
    elif damage == "a shard missing":
        shard.unlink()
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        from generator import cache as cache_module

        monkeypatch.setattr(cache_module, "code_version", lambda: "an older bangyang")
    again = _build(sample.root, None)
    assert again.docs_parsed == 6 and again.pages_rendered == first.pages_rendered  # everything afresh
    assert _tree(sample.out) == before
    assert _build(sample.root, None).docs_parsed == 0  # and the rewritten cache works
    # The cycle collector, off and told to skip the cache while it is read, is back as it was.
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("kept", ["on disk (build)", "in memory (serve)"])
def test_a_failed_build_leaves_the_cycle_collector_as_it_was(sample, kept):
    # Both keep the cache's objects frozen while they build (cache.py, build.py).
    cache = BuildState() if kept.startswith("in memory") else None
    _build(sample.root, cache)
    _build(sample.root, cache)  # the second in memory starts with a full cache to freeze
    assert gc.isenabled() and gc.get_freeze_count() == 0
    _profile(sample, "zhang", "张晓明", day=1, body="新写的事迹。")
    (sample.root / "content/profiles/zhang/index.md").write_text("---\nname: 张晓明\ndate: 2024-02-30\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        _build(sample.root, cache)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_page_changed_in_the_output_by_hand_is_rendered_again(sample):
    _build(sample.root, None)
    page = sample.out / "profiles/zhang/index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace("张晓明".encode(), "某某".encode()))
    (sample.out / "honors/index.html").unlink()
    again = _build(sample.root, None)
    assert again.pages_rendered == 2
    assert page.read_bytes() == good
    assert (sample.out / "honors/index.html").is_file()


def test_each_output_folder_has_its_own_cache(sample, tmp_path):
    _build(sample.root, None)
    other = _build(sample.root, None, out=tmp_path / "other")
    assert other.pages_rendered > 20  # the first build of that folder renders everything
    assert len(_cache_files(sample.root)) == 2
    assert _tree(sample.out) == _tree(tmp_path / "other")


def test_a_rebuild_with_nothing_changed_leaves_the_live_output_alone(sample, monkeypatch):
    first = _build(sample.root, None)
    info = sample.out / "build.json"
    before = (info.stat().st_ino, info.stat().st_mtime_ns)
    tree = _tree(sample.out)
    again = _build(sample.root, None)
    assert again.build_id == first.build_id and again.pages == first.pages
    assert (info.stat().st_ino, info.stat().st_mtime_ns) == before  # no new release was made
    assert _tree(sample.out) == tree
    # A file of the live output removed or changed by hand: the next build makes a whole release again.
    (sample.out / "feed.xml").unlink()
    (sample.out / "api/profiles.json").write_text("{}", encoding="utf-8")
    _build(sample.root, None)
    assert _tree(sample.out) == tree
    # The next day (statuses, dates in the feed and sitemap) is a change too.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795838400 + 86400))
    _build(sample.root, None)
    assert (info.stat().st_ino, info.stat().st_mtime_ns) != before
    assert '"time": "2026-11-29' in info.read_text(encoding="utf-8")


def test_serve_writes_only_what_changed_over_its_own_output(sample):
    cache = BuildState()
    _build(sample.root, cache, preview=True)
    untouched = sample.out / "profiles/li/index.html"  # another category: its page does not show 张晓明
    before = untouched.stat().st_ino, untouched.stat().st_mtime_ns
    _profile(sample, "zhang", "张晓明", day=1, body="预览里改的事迹。")
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    _build(sample.root, cache, preview=True)
    assert "预览里改的事迹" in sample.html("profiles/zhang/index.html")
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == before  # left in place, not relinked
    # A removed document's pages go, and their emptied folders with them.
    shutil.rmtree(sample.root / "content/profiles/wang")
    _build(sample.root, cache, preview=True)
    assert not (sample.out / "profiles/wang").exists()
    assert [p.name for p in sample.root.iterdir() if p.name.startswith(".output")] == []
    assert [p.name for p in work_folder(sample.root / ".bangyang-cache", sample.out).iterdir()] == ["lock"]


def test_calendar_events_of_unchanged_activities_are_not_made_again(sample, monkeypatch):
    from generator import exports

    made = []
    real = exports._vevent
    monkeypatch.setattr(exports, "_vevent", lambda activity, links: made.append(activity.slug) or real(activity, links))
    sample.write("content/activities/b/index.md", "---\ntitle: 读书日\ntheme: 全民阅读\nstart: 2027-04-23 09:00\n---\n")
    _build(sample.root, None)
    assert sorted(made) == ["a", "b"]
    made.clear()
    sample.write("content/activities/b/index.md", "---\ntitle: 世界读书日\ntheme: 全民阅读\nstart: 2027-04-23 09:00\n---\n")
    _touch_later(sample.root / "content/activities/b/index.md")
    _build(sample.root, None)
    assert made == ["b"]
    assert "SUMMARY:世界读书日" in (sample.out / "activities/b/event.ics").read_text(encoding="utf-8")


def test_an_edit_of_a_linked_document_leaves_the_pages_linking_to_it_alone_but_a_new_address_reaches_them(sample, tmp_path):
    sample.write(
        "content/pages/about.md", "---\ntitle: 关于我们\nslug: about\nmenu: true\n---\n学习[张晓明](../profiles/zhang/index.md)。\n"
    )
    cache = BuildState()
    _build(sample.root, cache)
    about = sample.out / "about/index.html"
    assert 'href="../profiles/zhang/"' in about.read_text(encoding="utf-8")
    before = about.stat().st_ino
    _profile(sample, "zhang", "张晓明", day=1, body="二十年如一日。")
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    _build(sample.root, cache)
    # Only the linked profile's address shows on the about page: it was not made again.
    assert cache.load.parsed == 1 and about.stat().st_ino == before
    assert "二十年如一日" in sample.html("profiles/zhang/index.html")
    # A new address of the linked profile is a new about page.
    sample.write(
        "content/profiles/zhang/index.md",
        P.format(name="张晓明", category="道德模范", day=1, tag="爱岗敬业", body="事迹。").replace(
            "---\n事迹", "slug: zhang-xiao-ming\n---\n事迹"
        ),
    )
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    _build(sample.root, cache)
    assert 'href="../profiles/zhang-xiao-ming/"' in about.read_text(encoding="utf-8")
    _build(sample.root, BuildState(), out=tmp_path / "clean")
    assert _tree(sample.out) == _tree(tmp_path / "clean")
    # Gone, it is a problem of the page linking to it, though that page did not change; back, it is not
    # (the page is read again: its link was found broken when it was read).
    moved = sample.root / "content/profiles/zhang"
    moved.rename(tmp_path / "zhang")
    problems = Problems(rel_to=sample.root)
    with pytest.raises(BuildFailed):
        build(load_config(sample.root, problems), problems, cache)
    assert any("about.md" in p.format() and "链接" in p.format() for p in problems.errors)
    (tmp_path / "zhang").rename(moved)
    _build(sample.root, cache)
    assert 'href="../profiles/zhang-xiao-ming/"' in about.read_text(encoding="utf-8")


def test_a_new_profile_makes_its_lists_new_but_not_the_pages_of_other_documents(sample, tmp_path):
    cache = BuildState()
    _build(sample.root, cache)
    untouched = ["profiles/zhang/index.html", "profiles/wang/poster/index.html", "activities/a/index.html", "about/index.html"]
    before = {rel: (sample.out / rel).stat().st_ino for rel in untouched}
    _profile(sample, "zhao", "赵海涛", category="劳动模范", day=4, tag="岗位建功")
    _build(sample.root, cache)
    assert {rel: (sample.out / rel).stat().st_ino for rel in untouched} == before
    # Every category page shows every category's count: the other category's page too.
    chips = sample.html("profiles/category/dao-de-mo-fan/index.html")
    assert re.search(r"劳动模范 <span class=\"count\">2</span>", chips)
    assert cache.render.rendered < 20
    _build(sample.root, BuildState(), out=tmp_path / "clean")
    assert _tree(sample.out) == _tree(tmp_path / "clean")


def test_paths_come_back_from_the_cache_file_as_the_same_paths(tmp_path):
    # Paths are written as their text and made again from their parts (cache.py):
    # every kind of path a build keeps must come back equal, with its parts,
    # parent and hash, and be usable as a dict key next to a freshly made one.
    from generator.cache import load_cache, save_cache
    from generator.site import SiteMemo
    from generator.state import BuildState

    kinds = ["/", "/srv/站点/content/profiles/张晓明/index.md", "/a b/c.d", "content/slogans", "x", ".", "..", "../up"]
    cache = BuildState(site=SiteMemo(slugs={k: k for k in kinds}), exports={"paths": [Path(k) for k in kinds]})
    path = tmp_path / "build.pickle"
    save_cache(cache, path)
    back = load_cache(path).exports["paths"]
    for text, path_back in zip(kinds, back, strict=True):
        fresh = Path(text)
        assert type(path_back) is type(fresh)
        assert (path_back, str(path_back), path_back.parts, path_back.parent, path_back.name) == (
            fresh,
            str(fresh),
            fresh.parts,
            fresh.parent,
            fresh.name,
        )
        assert {fresh: 1}[path_back] == 1 and path_back / "index.md" == fresh / "index.md"


def test_an_edit_writes_again_only_the_cache_shard_of_its_document(sample, monkeypatch):
    # The documents and their export pieces are kept in shard files by document;
    # after an edit the other shards are left as they are (and still read back).
    from generator import cache as cache_module
    from generator import exports

    serialised = []
    real = exports.json_item_text
    monkeypatch.setattr(exports, "json_item_text", lambda item: serialised.append(item["url"]) or real(item))
    _build(sample.root, None)
    assert len(serialised) == 5  # profiles, the activity, the slogan
    before = _shard_files(sample.root)
    assert len(before) == cache_module.SHARDS
    assert _build(sample.root, None).docs_parsed == 0 and _shard_files(sample.root) == before
    _profile(sample, "zhang", "张晓明", day=1, body="新写的事迹。")
    _touch_later(sample.root / "content/profiles/zhang/index.md")
    serialised.clear()
    assert _build(sample.root, None).docs_parsed == 1
    assert [url.rsplit("/", 2)[-2] for url in serialised] == ["zhang"]  # the other JSON items came from the shards
    after = _shard_files(sample.root)
    assert len(after) == cache_module.SHARDS and len(set(after.items()) - set(before.items())) == 1
    again = _build(sample.root, None)
    assert again.docs_parsed == 0 and again.pages_rendered == 0
    assert "新写的事迹" in sample.html("profiles/zhang/index.html")


def _rendered(monkeypatch) -> list[str]:
    """The paths of the pages rendered from now on."""
    from generator import render

    seen: list[str] = []
    real = render._render_one
    monkeypatch.setattr(render, "_render_one", lambda env, job: seen.append(job.path) or real(env, job))
    return seen


# The summary is cut from the first sentences (markup.cut_summary): a paragraph
# added at the end of a long text leaves it as it was.
LONG = "二十年坚守公路养护一线，清扫路面、修补坑槽、疏通边沟，风雨无阻。" * 5 + "\n\n{more}\n"


@pytest.mark.parametrize("theme", ["built-in", "a list that shows the text"])
def test_an_edit_of_a_profiles_text_leaves_the_pages_showing_it_as_a_card_alone(sample, monkeypatch, theme):
    # Lists, tag pages, the honours board and related profiles show a profile's
    # card (name, photo, summary…), not its text: adding a paragraph re-renders
    # its own pages and the home page only. A theme whose list names `body_html`
    # gets its list re-rendered.
    if theme != "built-in":
        sample.write(
            "templates/profiles/category.html",
            '{% extends "base.html" %}{% block main %}{% for p in term.profiles %}'
            "<article>{{ p.name }}{{ p.body_html|safe }}</article>{% endfor %}{% endblock %}\n",
        )
    _profile(sample, "li", "李建国", category="劳动模范", day=3, tag="岗位建功", body=LONG.format(more="第一段后记。"))
    cache = BuildState()
    _build(sample.root, cache)
    seen = _rendered(monkeypatch)
    _profile(sample, "li", "李建国", category="劳动模范", day=3, tag="岗位建功", body=LONG.format(more="新增的一段后记。"))
    _touch_later(sample.root / "content/profiles/li/index.md")
    _build(sample.root, cache)
    own = ["index.html", "profiles/li/index.html", "profiles/li/poster/index.html"]
    if theme == "built-in":
        assert sorted(seen) == own
    else:
        assert sorted(seen) == sorted([*own, "profiles/category/lao-dong-mo-fan/index.html"])
        assert "新增的一段后记" in sample.html("profiles/category/lao-dong-mo-fan/index.html")
    assert "新增的一段后记" in sample.html("profiles/li/index.html")
    # A card's field (the summary here) reaches every page showing the card
    # (not the honours board: 李建国 has no honours).
    seen.clear()
    _profile(sample, "li", "李建国", category="劳动模范", day=3, tag="岗位建功", body="换了开头的事迹。\n\n新增的一段后记。\n")
    _touch_later(sample.root / "content/profiles/li/index.md")
    _build(sample.root, cache)
    assert {
        "profiles/index.html",
        "profiles/category/lao-dong-mo-fan/index.html",
        "tags/gang-wei-jian-gong/index.html",
    } <= set(seen)
    assert "honors/index.html" not in seen
    clean = _build(sample.root, BuildState(), out=sample.root / "clean")
    assert clean.pages_rendered and _tree(sample.out) == _tree(sample.root / "clean")


def test_a_new_profile_reaches_the_pages_of_its_neighbours_not_of_its_whole_category(site, monkeypatch):
    # "更多道德模范" under a profile shows the two before and the two after it in
    # its category (newest first); a new profile changes those of its neighbours only.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795838400")
    for day in range(1, 10):
        _profile(site, f"p{day}", f"典型{day}号", day=day)
    cache = BuildState()
    _build(site.root, cache)
    middle = site.html("profiles/p5/index.html").split('id="by-related"')[1]
    assert [n for n in range(1, 10) if f"典型{n}号" in middle] == [3, 4, 6, 7]
    newest = site.html("profiles/p9/index.html").split('id="by-related"')[1]
    assert [n for n in range(1, 10) if f"典型{n}号" in newest] == [5, 6, 7, 8]
    seen = _rendered(monkeypatch)
    site.write("content/profiles/p10/index.md", P.format(name="典型10号", category="道德模范", day="9", tag="爱岗敬业", body="事迹。"))
    _build(site.root, cache)
    own = [p for p in seen if p.startswith("profiles/p") and p.endswith("/index.html") and "/poster/" not in p]
    # Same day as p9, p10 comes first (by slug): the two after it, p9 and p8, now
    # show it; the pages of p7 and older show the same four as before.
    assert sorted(own) == ["profiles/p10/index.html", "profiles/p8/index.html", "profiles/p9/index.html"]
    clean = _build(site.root, BuildState(), out=site.root / "clean")
    assert clean.pages_rendered and _tree(site.out) == _tree(site.root / "clean")


def test_a_new_profile_without_honours_leaves_the_honours_board_alone(sample, monkeypatch):
    sample.write(
        "content/profiles/liu/index.md",
        "---\nname: 刘红梅\ncategory: 道德模范\ndate: 2024-03-04\nhonors:\n  - {title: 十堰市道德模范, year: 2023, level: 市级}\n---\n事迹。\n",
    )
    cache = BuildState()
    _build(sample.root, cache)
    seen = _rendered(monkeypatch)
    _profile(sample, "zhao", "赵海涛", category="劳动模范", day=4, tag="岗位建功")
    _build(sample.root, cache)
    assert "profiles/zhao/index.html" in seen and "honors/index.html" not in seen
    seen.clear()
    sample.write(
        "content/profiles/zhao/index.md",
        "---\nname: 赵海涛\ncategory: 劳动模范\ndate: 2024-03-04\nhonors:\n  - {title: 湖北省劳动模范, year: 2024, level: 省级}\n---\n事迹。\n",
    )
    _touch_later(sample.root / "content/profiles/zhao/index.md")
    _build(sample.root, cache)
    assert "honors/index.html" in seen and "湖北省劳动模范" in sample.html("honors/index.html")


def test_a_poster_that_shows_the_related_profiles_follows_their_cards(sample):
    # The poster gets the profile page's variables, related profiles included:
    # a theme that shows them must see a neighbour's new name after a rebuild.
    sample.write(
        "templates/profiles/poster.html",
        '{% extends "base.html" %}{% block main %}<h1>{{ profile.name }}</h1>'
        '{% for p in related %}<p class="near">{{ p.name }}</p>{% endfor %}{% endblock %}\n',
    )
    cache = BuildState()
    _build(sample.root, cache)
    assert "王秀兰" in sample.html("profiles/zhang/poster/index.html")
    _profile(sample, "wang", "王秀英", day=2)
    _touch_later(sample.root / "content/profiles/wang/index.md")
    _build(sample.root, cache)
    poster = sample.html("profiles/zhang/poster/index.html")
    assert "王秀英" in poster and "王秀兰" not in poster
