"""Extras made from pieces an earlier build kept (BuildState.exports): a rebuild
gives the bytes of a clean build, and a piece whose inputs changed (base_url,
a date, the clock, the time zone) is never reused."""

from __future__ import annotations

import dataclasses
import json
import os
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from conftest import output_tree
from test_extras import BASE, EPOCH, write_sample

from generator import exports, feeds
from generator.build import build, check_site
from generator.config import load_config
from generator.exports import json_document, json_document_from, json_item_text
from generator.extras import build_extras
from generator.feeds import _url_entry, _urlset
from generator.problems import Problems
from generator.state import BuildState


def extras_of(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The files build_extras makes, out of a whole output tree."""
    top = ("feed.xml", "sitemap.xml", "robots.txt", "api/", "activities/calendar.ics")
    return {rel: data for rel, data in tree.items() if rel.startswith(top) or rel.endswith("/event.ics")}


def site_model(site):
    problems = Problems()
    model, _ = check_site(load_config(site.root, Problems()), problems)
    assert not problems.errors, problems.errors
    return model


def pages_of(model) -> list[str]:
    """The HTML pages a build of `model` would have, enough for the sitemap."""
    docs = (*model.profiles, *model.activities)
    return ["index.html", "profiles/index.html", "activities/index.html", *(f"{d.url}index.html" for d in docs), "404.html"]


def extras(model, made: dict | None = None) -> dict[str, bytes]:
    return {f.path: f.data for f in build_extras(model, {}, pages_of(model), made)}


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    st = path.stat()  # make sure the stamp moves on file systems with coarse times
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


# --- whole builds -------------------------------------------------------------


@pytest.mark.parametrize("kept", ["in memory", "on disk"])
def test_a_rebuild_after_one_edit_writes_the_extras_of_a_clean_build(site, tmp_path, monkeypatch, kept):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site)
    cache = BuildState() if kept == "in memory" else None  # None: the command line's cache file

    def run(out=None, with_cache=cache):
        problems = Problems(rel_to=site.root)
        build(load_config(site.root, problems, output_dir=out), problems, with_cache)

    run()
    made = []
    real = exports.profile_json
    monkeypatch.setattr(exports, "profile_json", lambda *a: made.append(a[0].slug) or real(*a))
    edit(site.root / "content/profiles/zhang-san/index.md", "他每天第一个上路。", "他每天第一个上路，最后一个回家。")
    run()
    monkeypatch.setattr(exports, "profile_json", real)
    assert made == ["zhang-san"]  # the other profile's item came from the cache
    run(tmp_path / "clean", BuildState())
    ours, clean = extras_of(output_tree(site.out)), extras_of(output_tree(tmp_path / "clean"))
    assert len(ours) == 10 and ours == clean
    assert "最后一个回家".encode() in ours["api/profiles.json"] and "最后一个回家".encode() in ours["feed.xml"]


# --- a kept piece is not reused when what it was made from changed --------------


def assert_remade(before, after) -> set[str]:
    """Extras of `after` made with the pieces of `before` equal a clean making,
    and differ from `before` where the change shows (else the test proves nothing)."""
    made: dict = {}
    old = extras(before, made)
    with pytest.MonkeyPatch.context() as mp:  # nothing is made again: every piece comes from the memo
        for module, name in (
            (exports, "_vevent"),
            (exports, "json_item_text"),
            (exports, "_vtimezone"),
            (feeds, "_url_entry"),
            (feeds, "_feed"),
        ):
            mp.setattr(module, name, lambda *a, name=name, **k: pytest.fail(f"{name} made again"))
        assert extras(before, made) == old  # everything from the memo
    new = extras(after, made)
    assert new == extras(after)
    return {rel for rel in new if new[rel] != old.get(rel)}


def test_a_new_base_url_remakes_every_piece(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the sample's slogan is on show then
    write_sample(site)
    before = site_model(site)
    site.write("site.toml", 'title = "文明网"\nbase_url = "https://wenming.example.org/"\n')
    changed = assert_remade(before, site_model(site))
    assert changed == set(extras(before))  # every file names the site's address


def test_a_new_date_remakes_the_pieces_of_that_document(site):
    write_sample(site)
    before = site_model(site)
    edit(site.root / "content/profiles/li-si.md", "date: 2024-04-01", "date: 2024-04-02")
    changed = assert_remade(before, site_model(site))
    assert {"api/profiles.json", "sitemap.xml", "feed.xml"} <= changed


def test_a_moved_activity_remakes_its_event_and_the_calendar(site):
    write_sample(site)
    before = site_model(site)
    edit(site.root / "content/activities/guoqing.md", "start: 2024-10-01 08:00", "start: 2024-10-01 09:00")
    changed = assert_remade(before, site_model(site))
    assert {"activities/guoqing/event.ics", "activities/calendar.ics", "api/activities.json"} <= changed
    assert "activities/reading/event.ics" not in changed


def test_the_clock_remakes_what_it_decides(site, monkeypatch):
    """An activity's status, a slogan's window, the lastmod of pages no document dates."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_sample(site)
    before = site_model(site)
    a_year_on = dataclasses.replace(before, now=before.now + timedelta(days=365))
    changed = assert_remade(before, a_year_on)
    assert {"api/activities.json", "sitemap.xml"} <= changed
    status = {i["slug"]: i["status"] for i in json.loads(extras(a_year_on, {})["api/activities.json"])["items"]}
    assert status["guoqing"] == "ended"


def test_another_time_zone_remakes_times_written_with_an_offset(site):
    """Times written with an offset are the same instants in any zone, so the
    documents compare equal: the zone itself must be part of every key."""
    write_sample(site)
    site.write(
        "content/activities/offset.md",
        "---\ntitle: 线上分享\ntheme: 全民阅读\nstart: 2024-05-04 20:00+08:00\nend: 2024-05-04 21:00+08:00\n---\n",
    )
    before = site_model(site)
    site.write("site.toml", f'title = "文明网"\nbase_url = "{BASE}"\ntimezone = "Asia/Tokyo"\n')
    after = site_model(site)
    (a,) = (x for x in before.activities if x.slug == "offset")
    (b,) = (x for x in after.activities if x.slug == "offset")
    assert a == b and a.start.isoformat() != b.start.isoformat()  # what makes the key matter
    changed = assert_remade(before, after)
    assert {"activities/offset/event.ics", "api/activities.json"} <= changed


def test_a_longer_zone_span_remakes_every_event_file_around_its_kept_vevent(site):
    """An activity in another year widens the VTIMEZONE of every file: each
    event.ics is made again though its VEVENT is the one kept."""
    write_sample(site)
    before = site_model(site)
    site.write("content/activities/later.md", "---\ntitle: 十年之后\ntheme: 全民阅读\nstart: 2031-04-23 09:00\n---\n")
    changed = assert_remade(before, site_model(site))
    assert {"activities/reading/event.ics", "activities/leifeng/event.ics", "activities/guoqing/event.ics"} <= changed


# --- the joined files are the bytes the serialisers write -------------------------


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{}],
        [{"a": [], "b": {}, "c": None, "d": '第一行\n第二行 "引号" \\ </script>', "e": [1, {"f": [True, 2.5]}]}],
        [{"slug": "x"}, {"slug": "y", "tags": ["爱岗敬业", "志愿服务"]}],
    ],
)
def test_a_joined_json_document_is_what_json_dumps_writes(site, items):
    write_sample(site)
    model = site_model(site)
    document = {
        "generator": "bangyang",
        "schema": exports.SCHEMA,
        "build_time": exports.iso(model.now),
        "count": len(items),
        "items": items,
    }
    expected = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    assert json_document(model, items) == expected
    assert json_document_from(model, [json_item_text(i) for i in items]) == expected


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_joined_urlset_is_what_elementtree_writes(count):
    urls = [("https://example.gov.cn/a&b<c>\"d'e/\x01中文/", "2024-03-05T00:00:00+08:00"), ("/x/", "2025-01-01T00:00:00+00:00")] * 2
    urls = urls[:count]
    root = feeds._root("urlset", feeds.SITEMAP)
    for loc, modified in urls:
        url = feeds._add(root, "url")
        feeds._add(url, "loc", loc)
        feeds._add(url, "lastmod", modified)
    assert _urlset([_url_entry(loc, modified) for loc, modified in urls]) == feeds._xml(root)
    ET.fromstring(_urlset([_url_entry(loc, modified) for loc, modified in urls]))  # well-formed
