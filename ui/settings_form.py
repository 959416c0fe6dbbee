"""The forms that change the session's Settings: thresholds, standards and dial weights."""

from __future__ import annotations

import streamlit as st

from analytics import settings_file
from analytics.dials import DIALS, SIGNALS
from analytics.settings import Settings
from ui.state import get_settings, pending_stage_outcomes, session_mappings, set_settings


def _number(label, lo, hi, value, step, **kwargs):
    """A number input whose starting value is kept inside its bounds: a settings file from
    another client may hold a value this form does not offer."""
    value = type(value)(min(max(value, lo), hi)) if isinstance(value, (int, float)) else value
    return st.number_input(label, lo, hi, value, step, **kwargs)


def thresholds_form(expanded: bool = False) -> None:
    """Every threshold of the diagnosis; a change applies to every page of the session."""
    s = get_settings()
    with st.expander("Thresholds and standards", icon=":material/tune:", expanded=expanded):
        st.caption("Every number below changes the diagnosis on every page of this session.")
        c1, c2, c3 = st.columns(3)
        with c1:
            hero_att = _number("Hero pattern: attainment at or above", 0.5, 2.0, s.hero_attainment, 0.05,
                                       format="%.2f", help="1.00 = at plan")
            hero_inv = _number("Hero pattern: involvement in won complex deals at or above", 0.0, 1.0,
                                       s.hero_involvement, 0.05, format="%.2f")
            flat = _number("Flat capability: slope per cycle below", 0.0, 0.2, s.flat_slope, 0.005,
                                   format="%.3f")
        with c2:
            pct = _number("Complex deal: amount percentile", 0.5, 0.99, s.complexity_percentile, 0.05,
                                  format="%.2f", help="Used where the export has no complexity flag")
            rise = _number("Named gap moved: rise of at least", 0.01, 0.5, s.moved_rise, 0.01, format="%.2f")
            agree = _number("Survey: agree at or above (1–5)", 1.0, 5.0, s.agree_score, 0.5, format="%.1f")
        with c3:
            cov = _number("Pipeline coverage standard (× quota)", 0.5, 10.0, s.coverage_standard, 0.5,
                                  format="%.1f")
            stale = _number("Stale deal: untouched for days", 1, 365, s.stale_days, 5)
            act = _number("Activity standard per rep per week", 0.5, 100.0, s.activity_target_per_week, 0.5,
                                  format="%.1f")
        new = s.with_(hero_attainment=hero_att, hero_involvement=hero_inv, flat_slope=flat,
                      complexity_percentile=pct, moved_rise=rise, agree_score=agree, coverage_standard=cov,
                      stale_days=int(stale), activity_target_per_week=act)
        if new != s:
            set_settings(new)
            st.rerun()


def weights_form() -> None:
    """Weight of each signal inside its dial (1 = equal; 0 leaves the signal out)."""
    s = get_settings()
    current = dict(s.signal_weights)
    new: dict[str, float] = {}
    cols = st.columns(len(DIALS))
    for col, (dial, label) in zip(cols, DIALS.items(), strict=True):
        with col:
            st.markdown(f"**{label}**")
            for sig in (x for x in SIGNALS if x.dial == dial):
                new[sig.key] = _number(sig.label, 0.0, 5.0, float(current.get(sig.key, 1.0)), 0.5,
                                               format="%.1f", key=f"w-{sig.key}")
    weights = tuple((k, v) for k, v in new.items() if v != 1.0)
    if weights != s.signal_weights:
        set_settings(s.with_(signal_weights=weights))
        st.rerun()


def settings_actions() -> None:
    """Reset to the framework's defaults, or download the session's settings as JSON."""
    c1, c2 = st.columns(2)
    with c1:
        if st.button("Reset thresholds and weights", icon=":material/restart_alt:", key="reset-settings"):
            set_settings(Settings())
            for key in [k for k in st.session_state if str(k).startswith("w-")]:
                del st.session_state[key]
            st.rerun()
    with c2:
        settings_file_button(key="dl-settings")


def settings_file_button(key: str) -> None:
    """The session's settings file: thresholds, dial weights, stage mapping and the column
    mappings made this session. Drop it on the Data page at the next client."""
    from ui import privacy
    from ui.session import get_source_workspace

    base = get_source_workspace()
    names = privacy.pseudonyms(base)
    # while names are anonymised: the stages as the pages show them, and the mappings without
    # their names (a mapping is named after the file it was made for)
    staged = base if names is None else privacy.shown(base)

    def build_file() -> str:
        stages = staged.stage_map()
        outcomes = {r.stage: (bool(r.is_closed), bool(r.is_won)) for r in stages.itertuples()}
        pending, mappings = pending_stage_outcomes(), session_mappings()
        if names is not None:
            pending = {names.scrub(stage): v for stage, v in pending.items()}
            mappings = [{k: v for k, v in m.items() if k != "name"} for m in mappings]
        return settings_file.build(get_settings(), {**pending, **outcomes}, mappings)

    st.download_button("Download settings file", data=build_file, file_name="bench-strength-settings.json",
                       mime="application/json", icon=":material/download:", key=key,
                       help="Thresholds, dial weights, stage mapping and column mappings in one file. "
                            "Drop it on the Data page with the next client's exports.")
