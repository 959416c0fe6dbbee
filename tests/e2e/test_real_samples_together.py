"""Every real sample dropped together in a real browser, loaded with the preselected guesses, the
main pages opened and Presenter mode stepped through, its keyboard way out included (the journey of
tests/e2e/test_real_samples.py, in a file of its own so it can run beside the others)."""

from __future__ import annotations

from tests.e2e.test_real_samples import walk_journey


def test_the_main_pages_and_every_presenter_screen_draw_after_loading_every_real_sample_together(page, app_url):
    walk_journey(page, app_url, "all-together")
