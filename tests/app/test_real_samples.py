"""AppTest, the broad net: each real sample set in ../shared/data/real (each folder alone, and all of
them together) uploaded on the Data page and loaded as a user would (preselected guesses accepted),
then every page drawn with the default filters and with a region or manager picked, and every
Presenter mode screen, with no exception and no error; what a sample cannot show reads "not
measured". Presenter mode's way out is there on every screen, even when a finding fails.
(The browser journey over the same samples is tests/e2e/test_real_samples.py.)"""

from __future__ import annotations

from tests.app.test_pages import app


def test_a_failure_in_the_sidebar_filters_leaves_every_page_drawn(monkeypatch):
    import ui.sidebar

    def broken(ws):
        raise TypeError("'<' not supported between instances of 'float' and 'str'")

    monkeypatch.setattr(ui.sidebar, "filter_options", broken)
    at = app().run()
    assert not at.exception
    assert any("The filters could not be drawn" in e.value for e in at.sidebar.error)
    assert {m.label for m in at.metric} >= {"Managers", "Reps"}  # the Overview drew
    at.switch_page("views/managers.py").run()
    assert not at.exception and not at.main.error
