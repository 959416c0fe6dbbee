"""What moves the needle: how activities relate to objectives, and objectives to results, across reps."""

import altair as alt
import streamlit as st

from analytics.outputs import charts
from analytics.results import needle_chain
from ui.components import download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

LABELS = {"activities_per_opportunity": "Activities per opportunity", "stage_conversion": "Stage conversion",
          "win_rate": "Win rate", "revenue": "Revenue"}
FORMATS = {"activities_per_opportunity": ".1f", "stage_conversion": ".0%", "win_rate": ".0%", "revenue": ",.0f"}


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("What moves the needle", filters)
    st.markdown("Managers can only manage activities. This chain shows, across the reps in scope, how activities "
                "relate to objectives and objectives to results: associations between reps, **not** proof that "
                "one causes the other.")
    chain = memo("needle", needle_chain, ws, filters, settings)
    links = chain.links
    if links.empty:
        needs_data("Not measured: the chain needs opportunities per rep (and activities for its first link).")
        return
    built_in = links["by_definition"] & links["measured"]  # listed apart, never offered as a finding
    cols = st.columns(len(links))
    for col, link in zip(cols, links.itertuples(), strict=True):
        with col:
            st.markdown(f"**{LABELS.get(link.x, link.x)} → {LABELS.get(link.y, link.y)}**")
            if link.measured and link.by_definition:
                st.metric("Spearman ρ", "built in", help="Both sides share a part of their definition, so their "
                          "rank correlation is largely built in: not a finding")
                st.caption(f"linked by definition: both built from {md_escape(link.shared)} · n = {int(link.n)} reps")
            elif link.measured:
                st.metric("Spearman ρ", f"{link.rho:+.2f}".replace("-", "−"), help="Rank correlation across reps (−1..1)")
                st.caption(f"{link.strength} · n = {int(link.n)} reps · 95% interval "
                           f"{link.ci_low:+.2f} to {link.ci_high:+.2f}".replace("-", "−"))
            else:
                st.metric("Spearman ρ", "—", help="Not measured: the reason is below")  # a word would not fit
                st.caption(f"Not measured: {md_escape(link.reason[:1].lower() + link.reason[1:])}")
    for link in links[~built_in].itertuples():
        head = md_escape(link.sentence) if link.measured else (
            f"**{LABELS.get(link.x, link.x)} → {LABELS.get(link.y, link.y)}: not measured.** {md_escape(link.reason)}")
        st.markdown(f"- {head}  \n  Computed from: {md_escape(link.computed_from)}.")
    if built_in.any():
        st.markdown("**Linked by definition**: not findings. Their two sides share a part of their definition, so "
                    "their correlation is largely built in and says little about the reps.")
        for link in links[built_in].itertuples():
            st.markdown(f"- {md_escape(link.sentence)}  \n  Computed from: {md_escape(link.computed_from)}.")
    measured = links[links["measured"] & ~links["by_definition"]]
    if not measured.empty:
        pick = st.selectbox("Look at one link", measured["link"].tolist(), key="needle-link")
        row = measured.set_index("link").loc[pick]
        x, y = row["x"], row["y"]
        data = chain.reps.dropna(subset=[x, y])
        st.altair_chart(alt.Chart(data).mark_circle(size=60, opacity=0.7, color=charts.WON).encode(
            x=alt.X(f"{x}:Q", title=f"{LABELS.get(x, x)} ({row['x_from']})", axis=alt.Axis(format=FORMATS.get(x))),
            y=alt.Y(f"{y}:Q", title=f"{LABELS.get(y, y)} ({row['y_from']})", axis=alt.Axis(format=FORMATS.get(y))),
            tooltip=[alt.Tooltip(c, title=c.title()) for c in ("rep", "manager") if c in data.columns]
            + [alt.Tooltip(c, title=LABELS.get(c, c), format=FORMATS.get(c, ".2f")) for c in (x, y)],
        ).properties(height=320), width="stretch")
    download_csv(links, "needle-chain.csv", key="dl-needle")
    download_csv(chain.reps, "needle-reps.csv", "Download per-rep values", key="dl-needle-reps")


render()
