"""Skill gap or fit gap: every rep below standard, placed by the evidence, with the next step."""

import streamlit as st

from analytics.diagnosis import CATEGORIES, category_counts, gap_classification
from analytics.fmt import user_table
from analytics.signals import moved_rule
from ui import privacy
from ui.components import NAME_CHARS, clip, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

ICONS = {"Fit gap": ":material/swap_horiz:", "Skill gap not being worked": ":material/assignment_late:",
         "Skill gap being developed": ":material/trending_up:", "Not enough evidence": ":material/help:"}


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Skill gap or fit gap", filters)
    st.markdown(
        f"Every rep below standard on results (attainment under {settings.results_standard:.0%}) or on a "
        f"capability (latest score under {100 * settings.capability_standard:.0f} on a 0–100 scale), placed by what the "
        "evidence shows. The categories describe the evidence about the development, not the person.")
    gaps = memo("gaps", gap_classification, ws, filters, settings)
    if gaps.empty:
        needs_data("No rep below standard in scope, or nothing to judge by: the page needs capability reviews "
                   "(rep, capability, cycle, score) or quotas, plus coaching sessions and development actions.")
        return
    counts = gaps["category"].value_counts()
    cols = st.columns(len(CATEGORIES))
    for col, cat in zip(cols, CATEGORIES, strict=True):
        col.metric(cat, int(counts.get(cat, 0)))
    col_fit = cols[0]
    col_fit.caption(f"real coaching (≥{settings.fit_gap_min_coaching_quality:.0%} behaviours) and follow-through "
                    f"(≥{settings.fit_gap_min_follow_through:.0%} done) for ≥{settings.fit_gap_min_cycles} cycles, "
                    "no movement")
    cols[1].caption("never named, or named without sustained work: the manager's action")
    cols[2].caption("named, coached and moving")
    st.caption(memo("moved_rule", moved_rule, ws, settings))
    cols[3].caption("what would place it is missing")

    managers = ["All managers", *sorted(gaps["manager"].dropna().unique())]
    who = st.selectbox("Manager", managers, key=privacy.person_key("gaps-manager"), format_func=clip)
    shown = gaps if who == "All managers" else gaps[gaps["manager"] == who]
    for cat in CATEGORIES:
        part = shown[shown["category"] == cat]
        if part.empty:
            continue
        with st.expander(f"{cat} ({len(part)})", icon=ICONS[cat], expanded=cat == "Fit gap"):
            st.markdown(f"**Next step:** {md_escape(part['next_step'].iloc[0])}" if part["next_step"].nunique() == 1
                        else "**Next steps** differ per row (see the table).")
            if len(part) <= 5:  # few rows: the evidence in full, as sentences
                for r in part.itertuples():
                    st.markdown(f"- **{md_escape(r.rep, NAME_CHARS)}** ({md_escape(r.capability or 'results', NAME_CHARS)}, "
                                f"{md_escape(r.manager, NAME_CHARS)}): {md_escape(r.evidence)}")
            rows = part[["rep", "manager", "capability", "latest_norm", "attainment", "below_on", "evidence",
                         "next_step"]]
            st.dataframe(user_table(rows.assign(latest_norm=100 * rows["latest_norm"]),
                                    {"latest_norm": "Latest score (0–100)"}, decimals={"latest_norm": 0}),
                         hide_index=True, width="stretch",
                         column_config={"Evidence": st.column_config.TextColumn(width="large")})
    download_csv(shown, "skill-or-fit-gaps.csv", key="dl-gaps")

    st.subheader("Per manager")
    st.dataframe(user_table(category_counts(gaps)), hide_index=True, width="stretch")


render()
