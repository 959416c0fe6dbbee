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


def _insights_with_a_broken_chart(real):
    def patched(*args, **kwargs):
        found = real(*args, **kwargs)
        broken = next(i for i in found if i.measured and i.chart is not None)

        def chart():
            raise ValueError("a chart that cannot be drawn")

        broken.chart = chart
        return found

    return patched


def test_a_finding_that_fails_is_one_plain_message_and_the_others_and_the_way_out_stay(monkeypatch):
    import analytics.insights

    monkeypatch.setattr(analytics.insights, "insights", _insights_with_a_broken_chart(analytics.insights.insights))
    at = app().run()
    at.switch_page("views/present.py").run()
    failed, drawn = 0, 0
    while True:
        assert not at.exception
        assert at.button(key="exit-presenter").label == "Exit presenter mode"
        if at.error:
            assert [e.value for e in at.error] == ["This finding could not be drawn. Your data is unchanged; the "
                                                   "details were written to the server log. Step on to the next "
                                                   "finding, or exit presenter mode."]
            failed += 1
        else:
            drawn += 1
        if at.button(key="next-slide").disabled:
            break
        at.button(key="next-slide").click().run()
    assert failed == 1 and drawn >= 5


def test_presenter_mode_whose_findings_fail_still_shows_the_way_out(monkeypatch):
    import analytics.insights

    def broken(*args, **kwargs):
        raise KeyError("rep")

    monkeypatch.setattr(analytics.insights, "insights", broken)
    at = app().run()
    at.switch_page("views/present.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The findings could not be put together from this workspace. Your data is unchanged; the details were "
        "written to the server log. Exit presenter mode to carry on with the other pages."]
    at.button(key="exit-presenter").click().run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Overview"
