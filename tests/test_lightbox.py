"""The activity gallery lightbox in real Chromium: plain links without
JavaScript; with it a modal dialog that keyboards, screen readers and
fingers can use, and that gives focus back."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

GALLERY = "activities/shuxiang-gonglu-2026/"  # three gallery photos in the example site


def _dialog(page):
    return page.get_by_role("dialog")


def _count(page) -> str:
    return page.locator(".lightbox-count").inner_text()


def _shown_src(page) -> str:
    return page.evaluate("() => { const i = document.querySelector('.lightbox-stage img'); return i.currentSrc || i.src; }")


def test_thumbnails_are_links_to_the_full_images_without_javascript(browser, example_output, serve):
    base = serve(example_output)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base + GALLERY)
        links = page.locator(".gallery a")
        assert links.count() == 3
        for i in range(3):
            href = links.nth(i).evaluate("a => a.href")  # resolved: the page writes it relative to itself
            assert (example_output / urlsplit(href).path.lstrip("/")).is_file(), href
        with page.expect_navigation():
            links.first.click()
        assert urlsplit(page.url).path.endswith((".jpg", ".png"))
    finally:
        context.close()


def test_keyboard_opens_moves_closes_and_focus_returns_to_the_thumbnail(page, example_output, serve):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(serve(example_output) + GALLERY)
    thumbs = page.locator(".gallery a")
    thumbs.first.focus()
    page.keyboard.press("Enter")

    dialog = _dialog(page)
    assert dialog.is_visible()
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.evaluate(
        "() => document.getElementById(document.querySelector('dialog[open]').getAttribute('aria-labelledby')).textContent"
    ) == ("世界读书日·书香公路读书分享会 · 照片")
    # Focus moved into the dialog, onto a button with a Chinese name.
    assert page.evaluate("() => document.activeElement.closest('dialog[open]') !== null")
    for name in ("关闭", "上一张", "下一张"):
        assert dialog.get_by_role("button", name=name).is_visible()
    assert _count(page) == "第 1 张，共 3 张"
    first = _shown_src(page)
    page.wait_for_function("() => document.querySelector('.lightbox-stage img').complete")
    assert page.evaluate("() => document.querySelector('.lightbox-stage img').naturalWidth") > 0

    page.keyboard.press("ArrowRight")
    assert _count(page) == "第 2 张，共 3 张"
    assert _shown_src(page) != first
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert _count(page) == "第 3 张，共 3 张"  # wraps around
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert _count(page) == "第 2 张，共 3 张"

    # Tab stays inside the modal dialog.
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.closest('dialog[open]') !== null")

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    # Focus is back on the thumbnail of the photo last shown.
    assert page.evaluate("() => document.activeElement === document.querySelectorAll('.gallery a')[1]")
    assert errors == []


def test_buttons_and_the_backdrop_work_with_a_mouse(page, example_output, serve):
    page.goto(serve(example_output) + GALLERY)
    page.locator(".gallery a").nth(2).click()
    dialog = _dialog(page)
    assert _count(page) == "第 3 张，共 3 张"
    dialog.get_by_role("button", name="下一张").click()
    assert _count(page) == "第 1 张，共 3 张"
    dialog.get_by_role("button", name="上一张").click()
    assert _count(page) == "第 3 张，共 3 张"
    dialog.get_by_role("button", name="关闭").click()
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement === document.querySelectorAll('.gallery a')[2]")
    page.locator(".gallery a").first.click()
    page.mouse.click(5, 300)  # the dark area beside the photo
    assert not dialog.is_visible()


def test_a_swipe_moves_on_a_touch_screen(browser, example_output, serve):
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(serve(example_output) + GALLERY)
        page.locator(".gallery a").first.tap()
        assert _count(page) == "第 1 张，共 3 张"
        cdp = context.new_cdp_session(page)

        def swipe(x0: int, x1: int, y: int = 370) -> None:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
            for step in range(1, 6):
                x = x0 + (x1 - x0) * step // 5
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

        swipe(300, 80)  # finger moves left: the next photo
        assert _count(page) == "第 2 张，共 3 张"
        swipe(80, 300)  # and back
        assert _count(page) == "第 1 张，共 3 张"
        swipe(200, 215)  # a small wobble is not a swipe
        assert _count(page) == "第 1 张，共 3 张"
    finally:
        context.close()


def test_the_photo_fits_the_screen(page, example_output, serve):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(serve(example_output) + GALLERY)
    page.locator(".gallery a").first.click()
    page.wait_for_function("() => document.querySelector('.lightbox-stage img').complete")
    box = page.locator(".lightbox-stage img").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 740
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
