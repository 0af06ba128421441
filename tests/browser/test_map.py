"""The regions page draws its map: a deck.gl canvas of real size with something drawn on it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import helpers as h

pytestmark = pytest.mark.browser

DECK = '[data-testid="stDeckGlJsonChart"]'


@pytest.mark.parametrize("lang", h.LANGS)
def test_map_draws_its_canvas(page, base_url, lang):
    """The deck.gl chart holds a canvas sized to its container (not the 300×150 default of a
    canvas nobody sized) and the canvas shows more than a flat background."""
    h.open_page(page, h.page_url(base_url, "regions", lang), h.title_of("regions", lang))
    chart = page.locator(DECK).first
    chart.scroll_into_view_if_needed()
    canvas = chart.locator("canvas").first
    # deck.gl sizes its canvas on the next animation frames after mounting.
    page.wait_for_function(
        """sel => {
            const c = document.querySelector(sel + ' canvas');
            return c && c.clientWidth > 0 && c.clientHeight > 0 && c.style.width !== '';
        }""",
        arg=DECK,
        timeout=30_000,
    )
    box = canvas.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 200, box
    page.wait_for_timeout(1000)  # the first frames of the layers
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 20, f"the map canvas looks blank ({len(colours)} colours)"
    assert not h.exception_texts(page)
    assert not page.console.errors, page.console.errors
