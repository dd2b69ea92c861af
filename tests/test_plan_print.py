"""The teacher's lesson plan in a real browser: one printed A4 page per track, links written out, the
lesson cards in reading order on screen."""

import re

import pytest
from browser import LAPTOP, SCREENSHOTS, AppPage
from playwright.sync_api import expect

from statelab.teaching.lesson_plan import load_tracks

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PDF_PAGE = re.compile(rb"/Type\s*/Page[^s]")  # one page object per printed page (Chromium writes them plain)


@pytest.fixture(scope="module")
def app(browser, app_url):
    context = browser.new_context(viewport=LAPTOP)
    try:
        yield AppPage(context, app_url)
    finally:
        context.close()


@pytest.mark.parametrize("track", load_tracks(), ids=lambda track: track.id)
def test_each_track_prints_on_one_a4_page_with_its_links(app, track):
    app.open(f"/lesson-plan?track={track.id}")
    page = app.page
    printed, screen = page.locator(".st-key-print_only"), page.locator(".st-key-screen_only")
    expect(printed).to_be_hidden()
    expect(screen).to_be_visible()
    page.emulate_media(media="print")
    try:
        expect(printed).to_be_visible()
        expect(screen).to_be_hidden()
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        text = printed.inner_text()
        for item in track.lessons:
            assert f"{app.base_url}/{item.url}" in text
            assert all(f"{app.base_url}/lab?preset={preset}" in text for preset in item.presets)
        positions = [text.index(f"{item.number}. {item.title}") for item in track.lessons]
        assert positions == sorted(positions) and text.index("Answer key") > positions[-1]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lesson-plan_{track.id}_print.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert len(PDF_PAGE.findall(pdf)) == 1, (
        f"the {track.id} plan prints on {len(PDF_PAGE.findall(pdf))} pages"
    )
    assert not app.exceptions()


def card_boxes(app: AppPage, track) -> list[dict]:
    """Where each lesson card's title link sits on the screen, in the track's order."""
    cards = app.page.locator(".st-key-screen_only")
    return [
        cards.get_by_role(
            "link", name=re.compile(rf"^{item.number}\. {re.escape(item.title)} ·")
        ).bounding_box()
        for item in track.lessons
    ]


def test_lesson_cards_read_left_to_right_then_down(app):
    track = load_tracks()[0]
    app.open(f"/lesson-plan?track={track.id}")
    first, second, third = card_boxes(app, track)[:3]
    assert abs(first["y"] - second["y"]) < 5 and second["x"] > first["x"]  # 1 and 2 side by side
    below_both = max(first["y"] + first["height"], second["y"] + second["height"])
    assert third["y"] > below_both and abs(third["x"] - first["x"]) < 5  # 3 starts the next row
    app.page.set_viewport_size(PHONE)
    try:
        app.wait_for_app()
        tops = [box["y"] for box in card_boxes(app, track)]
        assert tops == sorted(tops), tops  # stacked on a phone: 1, 2, 3, 4 from the top
    finally:
        app.page.set_viewport_size(LAPTOP)
