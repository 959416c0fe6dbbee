"""Distribution: results beyond the bell curve, the 80/20 pattern, stars and strugglers."""

import streamlit as st

from analytics.fmt import user_table
from analytics.outputs import charts
from analytics.results import attainment_distribution, pareto, stars_and_strugglers
from ui.components import NAME_CHARS, attainment_basis, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Distribution", filters)
    st.markdown("Sales results are rarely normally distributed: a few reps, accounts and products carry most of "
                "the revenue, and stars and strugglers need different coaching.")

    st.subheader("Attainment across reps")
    dist = memo("attainment_distribution", attainment_distribution, ws, filters, settings)
    if dist.reps.empty:
        needs_data("Not measured: the attainment distribution needs a quota export (owner, period, amount) "
                   "beside closed-won deals.")
    else:
        st.markdown(md_escape(dist.sentence))
        attainment_basis(ws, filters, settings)
        if dist.winner is not None and not dist.density.empty:
            skewed = dist.fits.loc[dist.fits["model"] != "normal"].sort_values("aic").iloc[0]["label"]
            st.altair_chart(charts.attainment_histogram(dist.reps, dist.density, f"Skewed fit ({skewed})"),
                            width="stretch")
        st.dataframe(user_table(dist.fits[["label", "n", "n_params", "loglik", "aic", "note"]],
                                decimals={"loglik": 1, "aic": 1}), hide_index=True, width="stretch")
        download_csv(dist.reps, "rep-attainment.csv", key="dl-rep-attainment")

    st.subheader("The 80/20 pattern")
    tabs = st.tabs(["By rep", "By account", "By product"])
    for tab, by in zip(tabs, ("rep", "account", "product"), strict=True):
        with tab:
            p = memo(f"pareto_{by}", pareto, ws, filters, by)
            if p.n_entities == 0:
                st.caption(f"Not measured: no closed-won deals with a {by} recorded in scope.")
                continue
            st.markdown(md_escape(p.sentence))
            st.altair_chart(charts.pareto_chart(p.table, by, p.top), width="stretch")
            download_csv(p.table, f"pareto-{by}.csv", key=f"dl-pareto-{by}")

    st.subheader("Stars and strugglers")
    st.caption(f"Top {settings.stars_top:.0%} and bottom {settings.strugglers_bottom:.0%} of reps by attainment "
               "percentile. Open a rep's manager on the Manager detail page.")
    ss = memo("stars", stars_and_strugglers, ws, filters, settings)
    if ss.empty:
        needs_data("Not measured: stars and strugglers need rep attainment (a quota export).")
        return
    c1, c2 = st.columns(2)
    for col, group in ((c1, "star"), (c2, "struggler")):
        part = ss[ss["group"] == group]
        with col:
            st.markdown(f"**{group.capitalize()}s** ({len(part)})")
            st.dataframe(user_table(part[["rep", "manager", "attainment", "percentile"]]), hide_index=True,
                         width="stretch")
            for m in sorted(part["manager"].dropna().unique())[:4]:
                st.page_link("views/manager.py", label=f"{md_escape(m, NAME_CHARS)}'s team", icon=":material/person_search:",
                             query_params={"manager": m})
    download_csv(ss, "stars-and-strugglers.csv", key="dl-stars")


render()
