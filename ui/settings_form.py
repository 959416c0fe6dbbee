"""The forms that change the session's Settings: thresholds, standards, dial weights and survey rules.

Each number input takes its minimum, maximum and step from the setting's declared range
(:func:`analytics.settings.bound`), so the forms offer exactly what a settings file may hold."""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import streamlit as st

from analytics.diagnosis.dials import DIALS, SIGNALS
from analytics.fmt import fmt_count
from analytics.ingest import settings_file
from analytics.settings import (
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS_PER_RULE,
    MAX_RULES,
    SURVEY_ITEM_KINDS,
    WEIGHT,
    Bound,
    SettingError,
    Settings,
    bound,
    number_settings,
)
from analytics.signals import classify_items
from ui import privacy
from ui.components import md_escape
from ui.session import get_source_workspace, get_workspace
from ui.state import get_settings, memo, pending_stage_outcomes, session_mappings, set_settings

#: what the form says beside a setting, where its label needs it
HELP = {"hero_attainment": "1.00 = at plan",
        "complexity_percentile": "Used where the export has no complexity flag",
        "stars_top": "Shares of reps by attainment percentile (0.10 = the top 10%)",
        "quota_end_grace_days": "Periods not yet ended are shown apart, never counted as nothing won. The slack is "
                                "never more than a sixth of a period (5 days of a month); 0 asks for a deal "
                                "closed on the period's last day"}


def _format(b: Bound) -> str:
    """Decimals as fine as the setting's step (0.005 → three)."""
    if b.whole:
        return "%d"
    return f"%.{max(1, -math.floor(math.log10(b.step) + 1e-9))}f"


def setting_input(name: str, value: float | int, **kwargs):
    """A number input for one setting: its minimum, maximum and step are the setting's declared
    range (analytics.settings), the same the settings file is checked against."""
    b = bound(name)
    label = b.label[:1].upper() + b.label[1:]
    if b.whole:
        return st.number_input(label, int(b.lo), int(b.hi), int(value), int(b.step), format="%d",
                               help=HELP.get(name), **kwargs)
    return st.number_input(label, float(b.lo), float(b.hi), float(value), float(b.step), format=_format(b),
                           help=HELP.get(name), **kwargs)


def thresholds_form(expanded: bool = False) -> None:
    """Every threshold of the diagnosis; a change applies to every page of the session."""
    s = get_settings()
    with st.expander("Thresholds and standards", icon=":material/tune:", expanded=expanded):
        st.caption("Every number below changes the diagnosis on every page of this session. Each takes the "
                   "range a settings file may hold.")
        cols = st.columns(3)
        changes = {}
        for i, name in enumerate(number_settings()):
            with cols[i % 3]:
                changes[name] = setting_input(name, getattr(s, name))
        new = s.with_(**changes)
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
                new[sig.key] = st.number_input(sig.label, WEIGHT.lo, WEIGHT.hi, float(current.get(sig.key, 1.0)),
                                               WEIGHT.step, format="%.1f", key=f"w-{sig.key}")
    weights = tuple((k, v) for k, v in new.items() if v != 1.0)
    if weights != s.signal_weights:
        set_settings(s.with_(signal_weights=weights))
        st.rerun()


def _rules_key(rules) -> str:
    return "survey-rules-" + hashlib.sha1(repr(rules).encode()).hexdigest()[:12]


def survey_rules_form() -> None:
    """What a survey item measures, by keywords: the session's rules, the survey items of the
    workspace with what each counts as, and Apply. The rules are checked as a settings file's are."""
    s = get_settings()
    st.caption("An item counts towards the first rule with a keyword it holds: a keyword matches a word that "
               "starts with it (\"priorit\" matches \"priorities\"), words in a row match together, case and "
               f"punctuation are ignored. Plain words, not patterns; up to {MAX_RULES} rules of "
               f"{MAX_KEYWORDS_PER_RULE} keywords.")
    rows = pd.DataFrame({"keywords": [", ".join(k) for k, _ in s.survey_item_rules],
                         "measures": pd.Series([kind for _, kind in s.survey_item_rules], dtype=object)})
    key = _rules_key(s.survey_item_rules)
    edited = st.data_editor(
        rows, key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "keywords": st.column_config.TextColumn(
                "Keywords (separated by commas)", max_chars=MAX_KEYWORDS_PER_RULE * (MAX_KEYWORD_CHARS + 2),
                width="large"),
            "measures": st.column_config.SelectboxColumn(
                "Measures", options=list(SURVEY_ITEM_KINDS), width="medium",
                help="; ".join(f"{k}: {v}" for k, v in SURVEY_ITEM_KINDS.items())),
        })
    error_key = key + "-error"
    if st.button("Apply survey rules", icon=":material/done_all:", key="apply-survey-rules"):
        try:
            new = s.with_(survey_item_rules=rules_from_rows(edited))
        except SettingError as exc:
            st.session_state[error_key] = str(exc)
        else:
            st.session_state.pop(error_key, None)
            if new != s:
                set_settings(new)
                st.toast("Survey rules applied to every page.")
                st.rerun()
    if st.session_state.get(error_key):
        st.error(md_escape(st.session_state[error_key]), icon=":material/block:")
    ws = get_workspace()
    items = memo("classify_items", classify_items, ws, s)
    if items.empty:
        st.caption("This workspace has no survey answers yet.")
        return
    unmatched = int(items["kind"].isna().sum())
    st.caption(f"{fmt_count(len(items), 'survey item')} in this workspace" + (
        f"; {unmatched:,} match no rule and count towards nothing." if unmatched else ", each matched by a rule."))
    st.dataframe(items.fillna({"kind": "— no rule —"}).rename(columns={"kind": "measures", "n_responses": "answers"}),
                 hide_index=True, width="stretch")


def rules_from_rows(rows: pd.DataFrame) -> tuple:
    """Survey rules from the editor's rows: keywords split at commas; a row without keywords is
    left out. Checked by the settings (:class:`SettingError` names the rule)."""
    rules = []
    for keywords, kind in rows[["keywords", "measures"]].itertuples(index=False):
        words = [w.strip() for w in str(keywords if isinstance(keywords, str) else "").split(",") if w.strip()]
        if not words:
            continue
        if not isinstance(kind, str) or not kind:
            raise SettingError("survey_item_rules", f"setting 'survey_item_rules', rule {len(rules) + 1}: "
                                                    "choose what the item measures.")
        rules.append((tuple(words), kind))
    return tuple(rules)


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
        # the workspace's own stages first: a file keeps at most settings_file.MAX_STAGES
        return settings_file.build(get_settings(), {**outcomes, **{s: v for s, v in pending.items() if s not in outcomes}},
                                   mappings)

    st.download_button("Download settings file", data=build_file, file_name="bench-strength-settings.json",
                       mime="application/json", icon=":material/download:", key=key,
                       help="Thresholds, dial weights, stage mapping and column mappings in one file. "
                            "Drop it on the Data page with the next client's exports.")
