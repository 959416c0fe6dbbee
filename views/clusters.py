"""Manager clusters: groups of managers with a similar evidence profile, named from it."""

import pandas as pd
import streamlit as st

from analytics.diagnosis import FEATURE_LABELS, cluster_managers, describe, manager_evidence
from analytics.diagnosis.clusters import FEATURE_HIGH_IS_BAD, FEATURE_MIN_SHARE, MIN_GROUP
from analytics.fmt import user_table
from analytics.outputs import charts
from ui.components import clip, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def _clusters(ws, filters, settings, k):
    return cluster_managers(manager_evidence(ws, filters, settings), settings.min_managers_for_clusters, k=k)


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Manager clusters", filters)
    st.markdown("Managers grouped by their evidence profile (k-means on standardised signals). Each group is named "
                "from what sets it apart; the quality figures say how far to trust the grouping.")
    choice = st.selectbox("Number of clusters", ["automatic", *range(2, 9)],
                          format_func=lambda v: "Automatic (best silhouette)" if v == "automatic" else str(v),
                          key="cluster-k")
    k = None if choice == "automatic" else int(choice)
    result = memo("clusters", _clusters, ws, filters, settings, k)
    if result.model is None:
        needs_data(result.reason)
        _apart(result)
        return
    m = result.model
    c1, c2, c3 = st.columns(3)
    c1.metric("Clusters", m.k_, help="Chosen by silhouette unless set above")
    c1.caption(f"{len(result.members)} managers, {len(result.features)} signals measured for all of them"
               + (f"; {len(result.apart)} listed apart" if len(result.apart) else ""))
    c2.metric("Silhouette", f"{m.silhouette_:.2f}", help="−1..1: how much closer managers are to their own group "
              "than to the next; above 0.5 is a clear structure, below 0.25 a weak one")
    c2.caption("clear structure" if m.silhouette_ >= 0.5 else "some structure" if m.silhouette_ >= 0.25
               else "weak structure: read the groups with care")
    c3.metric("Stability", f"{m.stability_:.2f}", help="Mean adjusted Rand index between this grouping and "
              f"groupings of {m.n_bootstrap} bootstrap resamples of the managers (1 = identical every time)")
    c3.caption(f"across {m.n_bootstrap} bootstrap resamples")

    st.subheader("Profiles")
    st.altair_chart(charts.cluster_profile_chart(m.centers_, m.names_, FEATURE_LABELS, FEATURE_HIGH_IS_BAD),
                    width="stretch")
    st.caption("Cells: each group's average on a signal, in standard deviations from the mean of all managers. "
               "Blue is better than average, red worse, per signal: for manager involvement in complex deals and "
               "the confidence gap, above average is worse.")

    st.subheader("Members")
    members = result.members
    for cid in sorted(members["cluster"].unique()):
        names = members.loc[members["cluster"] == cid, "manager"].tolist()
        st.markdown(f"**{cid + 1}. {m.names_[cid].capitalize()}** ({len(names)}): {md_escape(', '.join(clip(n) for n in names))}  \n"
                    f":gray[{describe(m.centers_.loc[cid])}]")
    table = members.assign(profile=members["cluster"].map(lambda c: describe(m.centers_.loc[c])),
                           cluster=members["cluster"] + 1)
    download_csv(table, "manager-clusters.csv", key="dl-clusters")
    with st.expander("Silhouette by number of clusters"):
        st.dataframe(user_table(pd.DataFrame({"clusters": list(m.silhouette_by_k_),
                                              "silhouette": list(m.silhouette_by_k_.values())})), hide_index=True)
    _apart(result)


def _apart(result) -> None:
    """The managers kept out (never filled in) and the signals used and left out, with why."""
    if not result.apart.empty:
        st.subheader("Not clustered")
        st.caption("Nothing is filled in: a manager missing a signal the groups are drawn on is listed here instead.")
        st.markdown("\n".join(f"- {md_escape(clip(r.manager))}: {md_escape(r.reason)}" for r in result.apart.itertuples()))
    if result.features:
        st.caption("Signals used: " + ", ".join(FEATURE_LABELS.get(f, f) for f in result.features)
                   + f". A signal is used when measured for at least {FEATURE_MIN_SHARE:.0%} of the managers; "
                   f"groups of fewer than {MIN_GROUP} managers get no name.")
    if result.left_out:
        st.caption("Left out: " + "; ".join(f"{FEATURE_LABELS.get(f, f)} ({why})" for f, why in result.left_out.items())
                   + ".")


render()
