"""Kiosk screens in real headless Chromium, with Playwright's clock.

The clock is installed and paused before the page loads, so time moves only
when a test says so (`run_for`, `fast_forward`); network and image decoding
stay real, and `_until` waits for them in real time. Every check reads the
page (its DOM, its `bangyangKiosk.state()`, the requests it made)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from conftest import Site

pytestmark = pytest.mark.browser

NOW = "1893427200"  # the build: 2030-01-01 00:00 +08:00
TUESDAY = datetime.fromisoformat("2030-01-01T10:00:00+08:00")
PREFIX = "/wenming/"
HOUR = 3600 * 1000
LONG_SLOGAN = "弘扬社会主义核心价值观，" * 30 + "Supercalifragilisticexpialidocious-without-any-space-to-break" * 2
LONG_SUMMARY = "他三十年如一日守护着秦巴山区的一段公路，" * 25

SITE_TOML = """
title = "测试文明网"
base_url = "https://example.gov.cn/wenming/"

[[kiosk]]
name = "wall"
seconds = 3
show = ["slogans:theme=日常", "activities:upcoming"]

[[kiosk]]
name = "long"
show = ["slogans:theme=长", "profiles"]

[[kiosk]]
name = "empty"
show = ["slogans:theme=没有"]

[[kiosk]]
name = "office-hours"
show = ["slogans:theme=日常"]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"
"""


def _write_clock_site(site: Site) -> None:
    site.write("site.toml", SITE_TOML)
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\ntheme: 日常\nweight: 9\n---\n")
    site.write("content/slogans/b.md", "---\ntext: 全民阅读 书香公路\ntheme: 日常\nweight: 5\n---\n")
    site.write("content/slogans/window.md", "---\ntext: 限时标语\ntheme: 日常\nfrom: 2030-01-10\nuntil: 2030-01-11\n---\n")
    site.write("content/slogans/long.md", f"---\ntext: {LONG_SLOGAN}\ntheme: 长\n---\n")
    site.write(
        "content/activities/act.md", "---\ntitle: 学雷锋志愿服务\ntheme: 志愿服务\nstart: 2030-01-05 09:00\nend: 2030-01-05 11:30\n---\n"
    )
    site.image("content/profiles/wang/portrait.jpg", (900, 1200), "#3b6ea5")
    name = "欧阳德全家庭代表" * 3
    site.write(
        "content/profiles/wang/index.md",
        f"---\nname: {name}\ncategory: 道德模范\ndate: 2029-05-01\nphoto: portrait.jpg\nunit: {'十堰市公路事业发展中心' * 4}\n"
        f"position: 养护工\nsummary: {LONG_SUMMARY}\nhonors:\n"
        + "".join(f"  - {{title: {'全国道德模范提名奖' * 3}, year: {2020 + i}, level: 国家级}}\n" for i in range(3))
        + "---\n",
    )


@pytest.fixture(scope="module")
def clock_site(tmp_path_factory) -> Site:
    """One build for the tests that only read (built at 2030-01-01 00:00 +08:00)."""
    site = Site(tmp_path_factory.mktemp("kiosk") / "site")
    _write_clock_site(site)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", NOW)
        assert site.run("build") == 0
    return site


def _open(page, base: str, screen: str, when: datetime = TUESDAY, size: tuple[int, int] = (1920, 1080), install: bool = True) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    if install:
        page.clock.install(time=when - timedelta(seconds=5))
    page.clock.pause_at(when)  # from now on time moves only when a test says so
    page.goto(f"{base}kiosk/{screen}/")
    page.wait_for_function("window.bangyangKiosk && bangyangKiosk.state().shown > 0")


def _until(page, script: str, timeout: float = 10.0):
    """Wait in real time (fetches, image decoding) for a condition in the page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.03)
    raise AssertionError(f"not true after {timeout} s: {script}\nstate: {_state(page)}")


def _state(page) -> dict:
    return page.evaluate("bangyangKiosk.state()")


def _current(page) -> str:
    return page.evaluate("document.querySelector('.kiosk-root').getAttribute('data-current')")


# Elements outside the two slide nodes (whose content depends on the slide shown), and the slide nodes.
FRAME_JS = """(() => {
  let n = document.getElementsByTagName('*').length;
  const slides = document.querySelectorAll('.k-slide');
  for (const s of slides) n -= s.getElementsByTagName('*').length;
  return {frame: n, slides: slides.length};
})()"""


def _watch(page, seconds: float, step_ms: int = 500) -> list[str]:
    """The slides shown while the screen's clock runs `seconds`, in order."""
    shown = [_current(page)]
    for _ in range(int(seconds * 1000 / step_ms)):
        page.clock.run_for(step_ms)
        if _current(page) != shown[-1]:
            shown.append(_current(page))
    return shown


# --- rotation and time -----------------------------------------------------------


def test_slides_rotate_by_themselves_and_crossfade_over_the_previous_one(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "wall")
    # interleaved: slogan, activity, slogan; 3 seconds each, then round again
    assert _watch(page, 9.5) == ["slogan:a", "activity:act", "slogan:b", "slogan:a"]
    fade = page.evaluate(
        """() => {
          const front = document.querySelector('.k-slide.is-front');
          const back = [...document.querySelectorAll('.k-slide')].find(s => s !== front);
          return {duration: getComputedStyle(front).transitionDuration, under: getComputedStyle(back).opacity,
                  frontZ: +getComputedStyle(front).zIndex, backZ: +getComputedStyle(back).zIndex};
        }"""
    )
    # the incoming slide fades in on top; the outgoing one stays fully visible underneath: no black flash
    assert fade["duration"] != "0s" and fade["under"] == "1" and fade["frontZ"] > fade["backZ"]
    assert page.locator(".k-slide.is-front .k-slogan-text").inner_text().split() == ["讲文明", "树新风"]


def test_a_slogan_outside_its_window_is_absent_and_appears_when_the_clock_reaches_it(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "wall", when=datetime.fromisoformat("2030-01-09T23:59:45+08:00"))
    before = _watch(page, 12)
    assert "slogan:window" not in before and "slogan:a" in before
    after = _watch(page, 15)  # past midnight: 1 月 10 日
    assert "slogan:window" in after
    assert page.evaluate("bangyangKiosk.playlist()") == ["slogan:a", "slogan:b", "slogan:window"]  # the activity has begun
    page.clock.fast_forward(48 * HOUR)  # 1 月 12 日: `until: 2030-01-11` included the 11th, not the 12th
    assert "slogan:window" not in _watch(page, 12)[1:]


def test_a_slogan_scheduled_after_the_build_is_on_no_public_page_and_the_screen_shows_it_only_from_its_day(page, clock_site, serve):
    assert "限时标语" not in clock_site.html("slogans/index.html") and "限时标语" not in clock_site.html("api/slogans.json")
    _open(page, serve(clock_site.out, PREFIX), "wall")  # the build's day: 1 月 1 日
    assert "slogan:window" in page.evaluate("document.getElementById('kiosk-data').textContent")  # carried, hidden
    assert "slogan:window" not in page.evaluate("bangyangKiosk.playlist()")
    assert "slogan:window" not in _watch(page, 12) and "限时标语" not in page.locator(".kiosk-root").inner_text()
    page.clock.fast_forward(9 * 24 * HOUR)  # 1 月 10 日, no rebuild
    assert "slogan:window" in page.evaluate("bangyangKiosk.playlist()")


def test_an_activity_leaves_upcoming_when_it_starts(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "wall", when=datetime.fromisoformat("2030-01-05T08:59:55+08:00"))
    page.keyboard.press("ArrowRight")
    page.clock.run_for(100)
    assert _current(page) == "activity:act"
    slide = page.locator(".k-slide.is-front")
    assert "即将开始" in slide.inner_text() and "今天开始" in slide.inner_text()
    shown = _watch(page, 15)  # 09:00 passes
    assert "activity:act" not in shown[1:]
    assert "activity:act" not in page.evaluate("bangyangKiosk.playlist()")


def test_an_empty_playlist_shows_the_site_title_and_a_clock(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "empty")
    idle = page.locator(".k-slide.is-front .k-idle")
    assert idle.is_visible()
    assert "测试文明网" in idle.inner_text() and "10:00" in idle.inner_text() and "2030年1月1日 星期二" in idle.inner_text()
    page.clock.run_for(60_000)
    assert "10:01" in idle.inner_text()


def test_day_parting_shows_the_clock_outside_office_hours(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "office-hours", when=datetime.fromisoformat("2030-01-01T17:59:50+08:00"))
    assert _current(page).startswith("slogan:")
    page.clock.run_for(15_000)  # 18:00
    assert _current(page) == "idle"
    assert "播放时段　周一至周五 08:00–18:00" in page.locator(".k-slide.is-front").inner_text()
    page.clock.fast_forward(62 * HOUR)  # Friday 08:00
    page.clock.run_for(4000)
    assert _current(page).startswith("slogan:")
    page.clock.fast_forward(24 * HOUR)  # Saturday 08:00
    page.clock.run_for(4000)
    assert _current(page) == "idle"


# --- fitting ---------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const slide = document.querySelector('.k-slide.is-front');
  const problems = [];
  for (const box of slide.querySelectorAll('.k-fit')) {
    const size = parseFloat(getComputedStyle(box).fontSize);
    if (box.scrollWidth > box.clientWidth + 1) problems.push(['too wide', box.className, box.scrollWidth, box.clientWidth]);
    if (!box.classList.contains('k-fit-line') && box.scrollHeight > box.clientHeight + size * 0.3)
      problems.push(['too tall', box.className, box.scrollHeight, box.clientHeight]);
  }
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.textContent.trim() || text.parentElement.closest('svg')) continue;
    range.selectNodeContents(text);
    for (const r of range.getClientRects()) {
      const box = text.parentElement.closest('.k-fit') || slide;
      const clip = box.getBoundingClientRect();
      // a CJK line box is shorter than its glyphs' em box: allow that much above and below
      if (r.left < clip.left - 1 || r.right > clip.right + 1 || r.top < clip.top - r.height * 0.3 || r.bottom > clip.bottom + r.height * 0.3)
        problems.push(['text outside', text.textContent.slice(0, 20), r.left, r.top, r.right, r.bottom]);
      if (r.right > innerWidth || r.bottom > innerHeight) problems.push(['off screen', text.textContent.slice(0, 20)]);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1366, 768)], ids=["landscape", "portrait", "small-landscape"])
def test_very_long_text_is_shrunk_to_fit_without_overflow(page, clock_site, serve, size):
    _open(page, serve(clock_site.out, PREFIX), "long", size=size)
    assert _current(page) == "slogan:long"
    assert page.evaluate(OVERFLOW_JS) == []
    default = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.k-slogan-text')).fontSize)")
    assert default < min(size) * 0.10  # shrunk from its design size
    assert default > 8  # and still text, not dust
    page.keyboard.press("ArrowRight")
    page.clock.run_for(100)
    _until(page, "bangyangKiosk.state().current === 'profile:wang'")
    assert page.evaluate(OVERFLOW_JS) == []
    assert page.evaluate("document.querySelector('.k-slide.is-front .k-photo img').naturalWidth") > 0
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == list(size)


# --- outside world ---------------------------------------------------------------


def test_every_request_goes_to_the_site_itself_under_its_sub_path(page, clock_site, serve):
    base = serve(clock_site.out, PREFIX)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _open(page, base, "long")
    page.keyboard.press("ArrowRight")  # the profile with its photo
    page.clock.run_for(5000)  # the first poll
    _until(page, "bangyangKiosk.state().buildId !== null")
    urls = [u for u in requests if not u.startswith("data:")]
    assert urls and all(u.startswith(base) for u in urls), urls
    assert f"{base}build.json" in urls
    assert any(re.match(re.escape(base) + r"media/.+\.jpg$", u) for u in urls)
    assert any(u.startswith(f"{base}kiosk/long/?build=") for u in urls)  # the first poll checks the page itself


def test_keys_move_pause_and_show_the_status_corner(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "wall")
    page.keyboard.press("ArrowRight")
    assert _current(page) == "activity:act"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert _current(page) == "slogan:b"
    page.keyboard.press(" ")
    assert page.locator(".k-paused").is_visible()
    page.clock.run_for(20_000)
    assert _current(page) == "slogan:b"  # paused
    page.keyboard.press(" ")
    page.clock.run_for(3500)
    assert _current(page) == "slogan:a"  # going again
    page.keyboard.press(" ")
    page.clock.run_for(601_000)  # a pause nobody ends ends by itself after ten minutes
    assert not page.locator(".k-paused").is_visible() and not _state(page)["paused"]
    resumed = _current(page)
    page.clock.run_for(3500)
    assert _current(page) != resumed
    status = page.locator(".k-status")
    assert not status.is_visible()
    # The long fake-clock jumps above can time out a poll whose real fetch was still
    # under way (a busy machine): step the clock to the next poll until one succeeds.
    for _ in range(40):
        try:
            _until(page, "bangyangKiosk.state().buildId !== null", timeout=2.0)
            break
        except AssertionError:
            page.clock.run_for(30_000)
    page.keyboard.press("i")
    page.clock.run_for(500)
    text = status.inner_text()
    assert status.is_visible() and "wall" in text and _state(page)["buildId"] in text
    assert re.search(r"上次检查\s+1月1日 10:\d\d:\d\d", text), text  # the last successful poll, on the site's clock
    page.keyboard.press("i")
    assert not status.is_visible()


def test_a_thousand_rotations_leave_the_dom_timers_and_listeners_as_they_were(page, clock_site, serve):
    base = serve(clock_site.out, PREFIX)
    page.clock.install(time=TUESDAY - timedelta(seconds=5))  # first, so that the counters wrap the clock's timers
    page.add_init_script(
        """(() => {
          const c = window.__counts = {intervals: 0, timeouts: 0, listeners: 0};
          const si = window.setInterval, st = window.setTimeout;
          window.setInterval = function () { c.intervals++; return si.apply(this, arguments); };
          window.setTimeout = function () { c.timeouts++; return st.apply(this, arguments); };
          const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
          EventTarget.prototype.addEventListener = function () { c.listeners++; return add.apply(this, arguments); };
          EventTarget.prototype.removeEventListener = function () { c.listeners--; return remove.apply(this, arguments); };
        })()"""
    )
    _open(page, base, "wall", install=False)
    page.clock.run_for(9000)  # a whole round, so both slide nodes have been drawn into
    counts = f"({{nodes: document.getElementsByTagName('*').length, ...{FRAME_JS}, ...window.__counts}})"
    before = page.evaluate(counts)
    shown = _state(page)["shown"]
    page.clock.run_for(3000 * 1002)
    after = page.evaluate(counts)
    assert _state(page)["shown"] - shown >= 1000
    assert after["nodes"] <= before["nodes"] + 5, (before, after)
    assert (after["frame"], after["slides"]) == (before["frame"], 2)
    assert after["intervals"] == before["intervals"] == 1  # one timer, for ever
    assert after["timeouts"] == before["timeouts"] == 0
    assert after["listeners"] == before["listeners"]


def test_script_errors_do_not_stop_the_rotation(page, clock_site, serve):
    _open(page, serve(clock_site.out, PREFIX), "wall")
    frame = page.evaluate(FRAME_JS)
    # a broken browser API for a while: every slide change fails, then it works again
    page.evaluate(
        "window.__qsa = Element.prototype.querySelectorAll; Element.prototype.querySelectorAll = () => { throw new Error('broken'); }; 0"
    )
    page.clock.run_for(15_000)
    page.evaluate("Element.prototype.querySelectorAll = window.__qsa; 0")
    assert len(_watch(page, 7)) >= 3
    # uncaught errors elsewhere: three in a minute, and the page rebuilds itself from its last good copy
    runtime = page.evaluate("window.__bangyangKioskAlive")
    page.evaluate("for (let i = 0; i < 3; i++) window.dispatchEvent(new ErrorEvent('error', {message: 'boom', error: new Error('boom')}))")
    assert page.evaluate("window.__bangyangKioskAlive") != runtime
    page.clock.run_for(2000)
    _until(page, "document.querySelectorAll('.kiosk-root').length === 1")
    assert len(_watch(page, 7)) >= 3
    after = page.evaluate(FRAME_JS)
    assert after["slides"] == 2 and after["frame"] <= frame["frame"], (frame, after)


# --- updates ---------------------------------------------------------------------


def _update_site(site: Site) -> None:
    site.write(
        "site.toml",
        'title = "测试文明网"\nbase_url = "https://example.gov.cn/wenming/"\n\n[[kiosk]]\nname = "wall"\nseconds = 3\nshow = ["slogans"]\n',
    )
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\nweight: 9\n---\n")
    site.write("content/slogans/b.md", "---\ntext: 全民阅读 书香公路\n---\n")


def _build(site: Site, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    assert site.run("build") == 0


def _add_new_slogan(site: Site, monkeypatch) -> None:
    site.image("content/slogans/new/road.jpg", (1600, 900), "#204080")
    site.write("content/slogans/new/index.md", "---\ntext: 新的标语\nbackground: road.jpg\nweight: 1\n---\n")
    _build(site, monkeypatch)


def _fulfil(response: dict):
    return lambda route: route.fulfill(**response)


def _first_poll(page, base: str) -> str:
    _open(page, base, "wall")
    page.clock.run_for(5000)
    return _until(page, "bangyangKiosk.state().buildId")


def test_a_rebuild_with_a_new_slogan_is_picked_up_by_an_open_page(page, site, serve, monkeypatch):
    _update_site(site)
    _build(site, monkeypatch)
    base = serve(site.out, PREFIX)
    old_build = _first_poll(page, base)
    assert page.evaluate("bangyangKiosk.playlist()") == ["slogan:a", "slogan:b"]
    _add_new_slogan(site, monkeypatch)
    page.clock.run_for(70_000)  # the next poll sees the new build, checks the new page and swaps it in
    _until(page, "bangyangKiosk.playlist().includes('slogan:new')")
    page.clock.run_for(2000)
    state = _state(page)
    assert state["buildId"] != old_build and state["failures"] == 0
    assert page.evaluate("document.querySelectorAll('.kiosk-root').length") == 1  # the old page is gone
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert "slogan:new" in _watch(page, 9)
    image = "document.querySelector('.k-slide.is-front img.k-bg')"
    for _ in range(20):
        if _current(page) == "slogan:new":
            break
        page.clock.run_for(500)
    _until(page, f"{image} && {image}.complete")
    assert page.evaluate(f"{image}.naturalWidth") == 1600 and page.evaluate(f"{image}.style.visibility") != "hidden"


def test_a_broken_server_never_replaces_what_is_on_screen_and_the_page_recovers(page, site, serve, monkeypatch):
    _update_site(site)
    _build(site, monkeypatch)
    base = serve(site.out, PREFIX)
    _first_poll(page, base)
    content = _state(page)["contentId"]
    _add_new_slogan(site, monkeypatch)  # a newer build is there, but the way to it fails in every way
    new_page = (site.out / "kiosk/wall/index.html").read_text(encoding="utf-8")
    new_build = re.search(r'"build_id": "(\w+)"', (site.out / "build.json").read_text()).group(1)
    failures = [
        ("build.json", {"status": 502, "body": "<html><body>502 Bad Gateway</body></html>"}),
        ("build.json", {"status": 200, "content_type": "text/html", "body": "<html><title>请登录 Wi-Fi</title></html>"}),  # captive portal
        ("build.json", {"status": 200, "content_type": "application/json", "body": '{"build_id": "' + new_build[:5]}),  # truncated
        ("page", {"status": 404, "body": "Not Found"}),
        ("page", {"status": 200, "content_type": "text/html", "body": "<html><body>请登录 Wi-Fi</body></html>"}),
        ("page", {"status": 200, "content_type": "text/html", "body": new_page[: len(new_page) // 2]}),  # cut off
        ("image", {"status": 404, "body": ""}),  # the new page is fine, one of its images is not
    ]
    patterns = {
        "build.json": re.compile(r"/build\.json$"),
        "page": re.compile(r"/kiosk/wall/\?build="),
        "image": re.compile(r"/media/road-"),
    }
    delays = []
    for number, (what, response) in enumerate(failures, 1):
        page.route(patterns[what], _fulfil(response))
        wait = _state(page)["nextPollIn"]
        page.clock.run_for(int(wait) + 1500)  # the next poll, at the next tick of the page's one-second timer
        _until(page, f"bangyangKiosk.state().failures === {number} && !bangyangKiosk.state().busy")
        state = _state(page)
        assert state["contentId"] == content, what
        assert "slogan:new" not in page.evaluate("bangyangKiosk.playlist()")
        assert page.evaluate("document.querySelectorAll('.kiosk-root').length") == 1
        delays.append(state["nextPollIn"])
        page.unroute(patterns[what])
    assert _watch(page, 7)[1:]  # still rotating
    assert delays[1] > delays[0] * 1.5 and min(delays[-1], 600_000) >= 0.9 * 600_000  # backs off, up to ten minutes
    page.clock.run_for(int(_state(page)["nextPollIn"]) + 1500)  # the server is well again
    _until(page, "bangyangKiosk.playlist().includes('slogan:new')")
    assert _state(page)["failures"] == 0


def test_a_new_build_that_does_not_change_the_screen_does_not_disturb_it(page, site, serve, monkeypatch):
    _update_site(site)
    _build(site, monkeypatch)
    _open(page, serve(site.out, PREFIX), "wall")
    page.clock.run_for(3000)
    assert _state(page)["buildId"] is None  # the first poll comes four seconds after loading,
    page.clock.run_for(1500)
    first = _until(page, "bangyangKiosk.state().buildId")
    assert 54_000 <= _state(page)["nextPollIn"] <= 66_000  # then every minute (±10 %, so screens spread out)
    alive = page.evaluate("window.__bangyangKioskAlive")
    site.write("content/pages/about.md", "---\ntitle: 关于我们\n---\n\n新的页面。\n")
    _build(site, monkeypatch)
    page.clock.run_for(70_000)
    _until(page, f"bangyangKiosk.state().buildId !== '{first}' && !bangyangKiosk.state().busy")
    assert page.evaluate("window.__bangyangKioskAlive") == alive  # same runtime, no swap
    assert _state(page)["failures"] == 0
