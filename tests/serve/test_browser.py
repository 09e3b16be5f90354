"""The web page in a real browser: Debian's Chromium driven by Playwright, against the server
on a free port over a database coded from texts written in serve_sample.py.

Chromium is part of the test set-up (`.ci/run` installs Debian's `chromium` when missing): a
missing browser fails this test rather than skipping it. Screenshots are kept in
test-artifacts/ (git-ignored); take_screenshots.py takes the same views over any database.

Covered: filters, the evidence scrolled into its article box after every click, skipped
sentences marked, the timeline's whole range on a true time axis and its brushed date range,
the map's zoom, pan and clusters, the network's labels (no overlaps, inside the drawing) and
its actor filter, the paste box.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import CHROMIUM, check_network_labels, launch, local_page, ready, serving
from playwright.sync_api import Page, expect, sync_playwright
from serve_sample import LONG_ARTICLE, NEW_TEXT, PAGE_ARTICLES, build_database

from eventscope.pipeline import Pipeline
from eventscope.serve import create_app
from eventscope.settings import Server, Settings, load_settings

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TOKEN = "browser-token"
FULL_MAP = "-180 -85 360 145"
PAGE_SIZE = 8


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    # The lexicon coder: its events on the sample are fixed (what is tested is the page).
    pipeline = Pipeline(load_settings().replace(event_coder="lexicon"), nlp=nlp)
    db = tmp_path_factory.mktemp("browser") / "events.duckdb"
    build_database(db, pipeline, articles=PAGE_ARTICLES)
    # Small pages, so that the page must read every list in several (the sample's timeline
    # by day has 12 rows: one request for "500 rows" would have lost none, this one would).
    server = Server(token=TOKEN, max_page_size=PAGE_SIZE)
    app = create_app(db, settings=Settings(server=server), pipeline=pipeline)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(base_url: str) -> Iterator[tuple[Page, list[str]]]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), "
        "as .ci/run does"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page, elsewhere, errors = local_page(browser, base_url)  # elsewhere: must stay empty
        yield page, elsewhere
        browser.close()
        assert not errors, errors


def _ready(page: Page) -> None:
    ready(page)


def _get(page: Page, path: str) -> Any:
    """An API answer, asked by the page itself."""
    return page.evaluate("(path) => fetch(path).then((r) => r.json())", path)


def _centre(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5)


def test_page_filters_and_shows_highlighted_evidence(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    # Every view is drawn: map points, timeline bars, network edges, event rows.
    expect(page.locator("#summary")).to_contain_text(f"{len(PAGE_ARTICLES)} articles")
    assert page.locator("#map svg .world path").count() > 100
    assert page.locator("#map circle.point").count() >= 3
    assert page.locator("#timeline rect.bar").count() >= 3
    assert page.locator("#network line.edge").count() >= 3
    # The list comes a page at a time: "More" reads the next.
    expect(page.locator("#events tbody tr")).to_have_count(PAGE_SIZE)
    expect(page.locator("#events-note")).to_contain_text(f"{PAGE_SIZE} shown")
    page.click("#events-more")
    expect(page.locator("#events tbody tr")).to_have_count(2 * PAGE_SIZE)
    all_rows = page.locator("#events tbody tr").count()

    # A filter updates every view: only Kenya.
    page.select_option("#f-country", "KEN")
    _ready(page)
    expect(page.locator("#events-note")).not_to_contain_text(f"{all_rows} events")
    rows = page.locator("#events tbody tr")
    assert 0 < rows.count() < all_rows
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("KEN")
    assert page.locator("#map circle.point").count() == 1
    assert page.locator("#map circle.point").get_attribute("data-place") == "Mombasa"

    # Clicking an event shows its article with the sentence, trigger and actors highlighted.
    row = page.locator("#events tbody tr", has_text="fired tear gas").first
    row.click()
    trigger = page.locator("#detail .article .hl-trigger")
    expect(trigger).to_be_visible()
    expect(trigger).to_have_text("fired tear gas")
    expect(page.locator("#detail .article .hl-source").first).to_have_text("Kenyan police")
    expect(page.locator("#detail .article .hl-target").first).to_contain_text("protesters")
    expect(page.locator("#detail .article .hl-sentence").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-evidence.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


# Where the highlighted pieces of the evidence are, and the part of the article box in view.
_EVIDENCE_GEOMETRY = """() => {
  const box = document.querySelector("#detail .article");
  const frame = box.getBoundingClientRect();
  const top = frame.top + box.clientTop;
  const left = frame.left + box.clientLeft;
  const marks = [...box.querySelectorAll(".hl-sentence, .hl-trigger")].map((m) => {
    const r = m.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  });
  return {
    view: { top, bottom: top + box.clientHeight, left, right: left + box.clientWidth },
    marks,
    scrollable: box.scrollHeight > box.clientHeight + 10,
  };
}"""


def test_evidence_is_scrolled_into_view_after_every_click(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    # The long article's event (its sentence is the last of 60), a short one, the long again.
    for words in ("smugglers", "China condemned", "smugglers"):
        row = page.locator("#events tbody tr", has_text=words).first
        event_id = row.get_attribute("data-event")
        row.click()
        page.wait_for_selector(f'#detail[data-event="{event_id}"] .article .hl-trigger')
        geometry = page.evaluate(_EVIDENCE_GEOMETRY)
        view = geometry["view"]
        assert geometry["marks"], words
        for mark in geometry["marks"]:
            assert view["top"] - 1 <= mark["top"] and mark["bottom"] <= view["bottom"] + 1, (
                words,
                mark,
                view,
            )
            assert view["left"] - 1 <= mark["left"] and mark["right"] <= view["right"] + 1
        if words == "smugglers":
            assert _get(page, f"/api/events/{event_id}")["article_id"] == LONG_ARTICLE
            assert geometry["scrollable"], "the long article should not fit its box"
            expect(page.locator("#detail .article .hl-trigger")).to_have_text("arrested")
    page.screenshot(path=str(ARTIFACTS / "browser-long-article.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_the_event_list_shows_acled_types_and_filters_by_them(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, _ = browser_page
    page.goto(base_url + "/")
    _ready(page)
    labelled = page.locator("#events tbody .acled")
    assert labelled.count() >= 1
    first = labelled.first.inner_text()
    codes = page.locator("#f-acled option").all_inner_texts()
    assert len(codes) >= 2  # "any" and at least one ACLED code
    code = page.locator("#f-acled option").nth(1).get_attribute("value") or ""
    sub_event = _get(page, f"/api/events?acled={code}&limit=1")["items"][0]["acled_sub_event_type"]
    page.select_option("#f-acled", code)
    # Every row listed now carries that ACLED type.
    page.wait_for_function(
        """(name) => {
          const rows = [...document.querySelectorAll('#events tbody tr')];
          return rows.length > 0 && rows.every((r) => {
            const label = r.querySelector('.acled');
            return label && label.textContent.startsWith(name);
          });
        }""",
        arg=sub_event,
    )
    assert first
    page.select_option("#f-acled", "")


def test_the_automatic_timeline_leaves_out_far_outlying_years_and_says_so(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, _ = browser_page
    page.goto(base_url + "/")
    _ready(page)
    years = [{"key": "1848", "events": 1}] + [
        {"key": str(year), "events": 500} for year in range(2012, 2021)
    ]
    span = {"first_day": "1848-03-01", "last_day": "2020-07-14"}
    script = (
        "async ([items, span]) => (await import('/static/timeline.js')).outlyingYears(items, span)"
    )
    left = page.evaluate(script, [years, span])
    assert left == {"events": 1, "from": "1848-03-01", "to": "2012-01-01"}
    # Years close together, or early years with many events, are all shown.
    near = [{"key": "2010", "events": 1}, *years[1:]]
    assert page.evaluate(script, [near, {**span, "first_day": "2010-01-05"}]) is None
    heavy = [{"key": "1990", "events": 400}, *years[1:]]
    assert page.evaluate(script, [heavy, {**span, "first_day": "1990-01-05"}]) is None


def test_timeline_spans_every_period_and_a_brushed_range_filters_the_views(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    facets = _get(page, "/api/facets")
    first_day, last_day = facets["first_day"], facets["last_day"]
    assert (first_day[:7], last_day[:7]) == ("2022-06", "2024-05")  # with a gap in between
    chart = page.locator("#timeline svg")
    # Automatic period: the whole range, its last period holding the last event day.
    assert chart.get_attribute("data-last-day") == last_day
    assert chart.get_attribute("data-first-day") == first_day
    assert int(chart.get_attribute("data-slots") or 0) <= 160
    last_bar = page.locator("#timeline rect.bar").last
    assert (last_bar.get_attribute("data-start") or "") <= last_day
    assert last_day <= (last_bar.get_attribute("data-end") or "")
    expect(page.locator("#timeline-note")).not_to_contain_text("cut")

    # By day: the last bar is the last event day.
    page.select_option("#t-unit", "day")
    page.wait_for_selector("#timeline svg[data-unit=day]")
    assert page.locator("#timeline rect.bar").last.get_attribute("data-key") == last_day

    # By month: every month from the first to the last has its place, empty or not.
    page.select_option("#t-unit", "month")
    page.wait_for_selector("#timeline svg[data-unit=month]")
    assert chart.get_attribute("data-first") == "2022-06"
    assert chart.get_attribute("data-last") == "2024-05"
    assert chart.get_attribute("data-slots") == "24"
    june = _centre(page, '#timeline rect.bar[data-key="2022-06"]')
    november = _centre(page, '#timeline rect.bar[data-key="2023-11"]')
    december = _centre(page, '#timeline rect.bar[data-key="2023-12"]')
    step = december[0] - november[0]
    assert step > 0 and abs((november[0] - june[0]) / step - 17) < 0.1  # 17 months apart

    # Brushing November to December 2023 filters the event list (and the other views).
    all_rows = page.locator("#events tbody tr").count()
    page.mouse.move(*november)
    page.mouse.down()
    page.mouse.move(*december, steps=5)
    page.mouse.up()
    _ready(page)
    expect(page.locator("#f-dates")).to_be_visible()
    expect(page.locator("#f-dates")).to_contain_text("2023-11-01 to 2023-12-31")
    expected = _get(page, "/api/events?since=2023-11-01&until=2023-12-31")["total"]
    rows = page.locator("#events tbody tr")
    assert 0 < rows.count() == expected < all_rows
    for day in rows.evaluate_all("(rows) => rows.map((r) => r.dataset.day)"):
        assert "2023-11-01" <= day <= "2023-12-31"
    assert page.locator("#timeline rect.selection").count() == 1
    assert page.locator("#map circle.point").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "browser-timeline-brush.png"), full_page=True)

    # The chip (or the timeline's button) clears the range.
    expect(page.locator("#t-clear")).to_be_visible()
    page.click("#t-clear")
    _ready(page)
    expect(page.locator("#f-dates")).to_be_hidden()
    assert page.locator("#events tbody tr").count() == all_rows
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_map_zooms_pans_and_clusters_places(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    chart = page.locator("#map svg")
    assert chart.get_attribute("viewBox") == FULL_MAP
    legend = page.locator("#map-legend")
    expect(legend).to_contain_text("events at the place")
    expect(legend).to_contain_text("material conflict")
    assert legend.locator("svg circle").count() >= 2  # marker sizes

    # Antwerp and Brussels (and Paris) are one marker with a count on the whole map.
    assert page.locator('#map circle.point[data-place="Antwerp"]').count() == 0
    clusters = page.locator("#map circle.cluster")
    assert clusters.count() >= 1
    assert int(clusters.first.get_attribute("data-count") or 0) >= 2

    # The button zooms in: a smaller viewBox, markers (Mombasa, Kyiv) twice as far apart.
    before = _distance(
        _centre(page, '#map [data-place="Mombasa"]'), _centre(page, '#map [data-place="Kyiv"]')
    )
    page.click("#map-zoom-in")
    expect(chart).not_to_have_attribute("viewBox", FULL_MAP)
    expect(chart).to_have_attribute("data-zoom", "2.000")  # markers drawn again for it
    width = float((chart.get_attribute("viewBox") or "").split()[2])
    assert abs(width - 180) < 1e-6
    after = _distance(
        _centre(page, '#map [data-place="Mombasa"]'), _centre(page, '#map [data-place="Kyiv"]')
    )
    assert after > 1.9 * before

    # The wheel zooms in around the pointer, and the cluster splits into its places.
    page.click("#map-reset")
    expect(chart).to_have_attribute("viewBox", FULL_MAP)
    expect(chart).to_have_attribute("data-zoom", "1.000")
    page.mouse.move(*_centre(page, "#map circle.cluster"))
    for _ in range(5):
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(100)
    expect(page.locator('#map circle.point[data-place="Antwerp"]')).to_have_count(1)
    expect(page.locator('#map circle.point[data-place="Brussels"]')).to_have_count(1)
    assert float(chart.get_attribute("data-zoom") or 0) > 10
    page.screenshot(path=str(ARTIFACTS / "browser-map-zoomed.png"), full_page=True)

    # A drag pans: the viewBox moves, its size stays.
    box = chart.bounding_box()
    assert box is not None
    zoomed = (chart.get_attribute("viewBox") or "").split()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 240, box["y"] + 140, steps=5)
    page.mouse.up()
    panned = (chart.get_attribute("viewBox") or "").split()
    assert panned[2:] == zoomed[2:] and panned[:2] != zoomed[:2]
    page.click("#map-reset")
    expect(chart).to_have_attribute("viewBox", FULL_MAP)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_network_labels_are_readable_and_an_actor_filters_every_view(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    labels = check_network_labels(page)
    assert len(labels) >= 20
    # One actor per canonical identity: "United States" and "Washington" are one node.
    assert page.locator('#network circle.node[data-actor="country:USA"]').count() == 1
    assert "Washington" not in labels
    # Generic actors are hidden until asked for.
    assert not {"Companies", "Workers", "unions", "company"} & set(labels)
    page.check("#n-generic")
    expect(page.locator("#network text.label", has_text="Companies")).to_have_count(1)
    check_network_labels(page)
    page.locator("#network-panel").screenshot(path=str(ARTIFACTS / "browser-network.png"))
    page.uncheck("#n-generic")
    expect(page.locator("#network text.label", has_text="Companies")).to_have_count(0)

    # A click on an actor filters every view to its events; the chip clears it.
    all_rows = page.locator("#events tbody tr").count()
    page.locator('#network text.label[data-actor="country:USA"]').click()
    _ready(page)
    expect(page.locator("#f-actor-chip")).to_contain_text("United States")
    expected = _get(page, "/api/events?actor_id=country:USA")["total"]
    rows = page.locator("#events tbody tr")
    assert 0 < rows.count() == expected < all_rows
    for i in range(rows.count()):
        expect(rows.nth(i).locator("td").nth(2)).to_contain_text("USA")
    assert page.locator("#network circle.node.selected").count() == 1
    assert page.locator("#map circle.point").count() <= 2  # Washington, Beijing
    page.click("#f-actor-chip")
    _ready(page)
    expect(page.locator("#f-actor-chip")).to_be_hidden()
    assert page.locator("#events tbody tr").count() == all_rows
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_skipped_sentences_are_marked_in_the_evidence(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    page.select_option("#f-country", "BEL")
    _ready(page)
    page.locator("#events tbody tr", has_text="dock workers protested").first.click()
    skipped = page.locator("#detail .article .skipped", has_text="Subscribe now")
    expect(skipped).to_be_visible()
    expect(skipped).to_have_attribute("title", re.compile(r"skipped: boilerplate"))
    expect(page.locator("#detail .article .skipped", has_text="Editor's note")).to_be_visible()
    # The story's sentences are not greyed.
    expect(page.locator("#detail .article .skipped", has_text="dock workers")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browser-skipped.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_paste_box_codes_an_article_with_the_token(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    page.fill("#p-text", NEW_TEXT)
    page.fill("#p-published", "2024-04-02")
    page.fill("#p-token", "wrong")
    page.click("#p-submit")
    expect(page.locator("#paste-result .error")).to_contain_text("403")
    page.fill("#p-token", TOKEN)
    page.click("#p-submit")
    expect(page.locator("#paste-result")).to_contain_text("Stored", timeout=30_000)
    expect(page.locator("#paste-result .article .hl-trigger").first).to_be_visible()
    expect(page.locator("#summary")).to_contain_text(f"{len(PAGE_ARTICLES) + 1} articles")
    page.screenshot(path=str(ARTIFACTS / "browser-paste.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"
