"""Overview: the answer first (who develops their team, who carries the number, each with its
reason and evidence, linking to Manager detail), then the revenue context: who is in the
workspace, what period it covers, revenue against quota."""

import streamlit as st

from analytics.diagnosis import diagnosis
from analytics.diagnosis.dials import link_reasons
from analytics.diagnosis.verdicts import Verdict, points_per_cycle, verdicts
from analytics.fmt import fmt_count
from analytics.outputs import charts
from analytics.results import headline, managers_summary, revenue_by_quarter
from ui.components import (
    NAME_CHARS,
    attainment_basis,
    download_csv,
    fmt_money,
    fmt_pct,
    md_escape,
    metric,
    needs_data,
    page_header,
    supports_list,
)
from ui.currency import quotas_left_out
from ui.data_health import non_person_notice
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

DIAGNOSIS_HEADING = "Who develops their team, and who carries the number"
#: the most names a list shows on the landing page (the rest are on the Managers page)
SHOWN = 5


def named(title: str, items: list[Verdict], told: int, empty: str, rule: str) -> None:
    """One list of the diagnosis: each name links to its Manager detail, its reason under it; an
    empty list says "none" only over the managers it could be told for."""
    st.markdown(f"**{title}** ({len(items)})", help=rule)
    if not items:
        st.caption(f"{empty} (of {fmt_count(told, 'manager')} judged)." if told else
                   "Cannot tell for any manager in scope: not enough evidence (below).")
    for v in items[:SHOWN]:
        st.page_link("views/manager.py", label=md_escape(v.manager, NAME_CHARS), icon=":material/person_search:",
                     query_params={"manager": v.manager})
        st.caption(md_escape(v.reason))
    if len(items) > SHOWN:
        st.page_link("views/managers.py", label=f"{fmt_count(len(items) - SHOWN, 'more manager')} on the Managers page")


def diagnosis_block(ws, filters, settings) -> None:
    """The product's answer, above the fold: two lists and what kept the others out of them."""
    diag = memo("diagnosis", diagnosis, ws, filters, settings)
    v = verdicts(diag, settings, {table for table, n in ws.counts().items() if n}, link_reasons(ws))
    if v.judged_nobody:
        if v.managers or v.needs:
            who = (f"None of the {fmt_count(v.managers, 'manager')} in scope can be judged yet" if v.managers
                   else "No manager can be judged yet")
            needs_data(f"{who}. Missing: " + "; ".join(v.needs) + ".")
        else:
            needs_data("No managers in scope: the filters leave none, or the people export names no rep's manager.")
    else:
        st.caption("Judged on fixed standards from the framework, not against each other (the ? says how).")
        c1, c2 = st.columns(2)
        with c1:
            named("Developing their teams", v.developing, v.told_developing, "No team's capability is clearly rising",
                  f"The team's capability is rising on reviews: at least {points_per_cycle(settings.flat_slope)}, "
                  f"its 95% interval above 0, over {settings.hero_min_review_cycles} or more review cycles.")
        with c2:
            named("Carrying the number", v.carrying, v.told_carrying, "No manager hits plan by carrying the complex deals",
                  f"The hero pattern: at or above {settings.hero_attainment:.0%} of plan, the manager in at least "
                  f"{settings.hero_involvement:.0%} of the team's won complex deals, and the team's capability flat.")
    bits = [f"{fmt_count(n, 'manager')}: not enough evidence ({md_escape(why)})" for why, n in v.withheld[:3]]
    if len(v.withheld) > 3:
        bits.append(f"{fmt_count(sum(n for _, n in v.withheld[3:]), 'manager')} for other reasons")
    if v.neither:
        bits.append(f"{fmt_count(v.neither, 'manager')} {'shows' if v.neither == 1 else 'show'} neither pattern")
    if bits and v.managers:
        st.caption(" · ".join(bits) + ". Every manager's dials and evidence are on the Managers page.")
    if v.needs and not v.judged_nobody:
        st.caption("Missing to judge the others: " + md_escape("; ".join(v.needs)) + ".")


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Overview", filters)
    if ws.is_empty:
        needs_data("The workspace is empty. Upload CRM, review, coaching or survey exports to begin.")
        return
    # the answer sits first on the page but is drawn last: the revenue context below shows while
    # the evidence is read (the diagnosis takes seconds in a new session; the Managers page reuses it)
    answer = st.container()
    with answer:
        st.subheader(DIAGNOSIS_HEADING)
        waiting = st.empty()
        waiting.caption(":material/hourglass_top: Reading the evidence behind each manager…")
    st.subheader("The revenue context")
    h = memo("headline", headline, ws, filters, settings)
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        metric("Managers", f"{h.managers:,}" if h.managers else None,
               "managers with at least one rep in the roster" if h.managers else "needs a roster with each rep's manager")
    with c2:
        metric("Reps", f"{h.reps:,}" if h.reps else None, "in the roster or owning deals")
    with c3:
        period = f"{h.first_quarter} – {h.last_quarter}" if h.first_quarter else None
        metric("Quarters covered", f"{h.quarters}" if h.quarters else None,
               period or "needs opportunity dates")
    with c4:
        if h.attainment is not None:
            metric("Closed-won vs quota", fmt_pct(h.attainment),
                   f"{fmt_money(h.won_in_quota_periods)} won in quota periods against {fmt_money(h.quota)} quota "
                   f"({h.quota_reps} reps with quota)" + (f"; {h.quota_rests_on}" if h.quota_rests_on else ""))
        elif h.quota_not_measured:
            metric("Closed-won vs quota", None, h.quota_not_measured)
        elif not h.quota and (why := quotas_left_out(ws)):
            metric("Closed-won vs quota", None, why)
        else:
            metric("Closed-won vs quota", None,
                   f"{fmt_money(h.won_revenue) or 0} won in {h.won_deals:,} deals; no quota export loaded")
    attainment_basis(ws, filters, settings)
    non_person_notice(ws)

    st.subheader("Closed-won revenue by quarter")
    by_q = memo("revenue_by_quarter", revenue_by_quarter, ws, filters, settings)
    if by_q.empty:
        needs_data("No won deals with a close date yet.")
    else:
        st.altair_chart(charts.revenue_vs_quota(by_q), width="stretch")
        download_csv(by_q, "revenue-by-quarter.csv")

    st.subheader("Managers")
    mgr = memo("managers_summary", managers_summary, ws, filters, settings)
    if mgr.empty:
        needs_data("No roster with managers loaded: upload a people export (rep, manager) to see teams.")
    else:
        if h.managers_not_measured:
            needs_data(f"Won deals and revenue per manager: {h.managers_not_measured}.")
        elif h.managers_rest_on:
            st.caption(f"Won deals and revenue per manager {h.managers_rest_on}: the other deals' owners are not "
                       "in the roster (see Data health on the Data page).")
        st.dataframe(
            mgr, hide_index=True, width="stretch",
            column_config={
                "manager": "Manager", "reps": st.column_config.NumberColumn("Reps"),
                "won_deals": st.column_config.NumberColumn("Won deals", format="%d"),
                "won_revenue": st.column_config.NumberColumn("Closed-won revenue", format="%,.0f"),
                "quota": st.column_config.NumberColumn("Quota", format="%,.0f"),
                "attainment": st.column_config.ProgressColumn("Attainment", format="percent", min_value=0, max_value=1.5),
            },
        )
        st.caption("Attainment counts deals won inside each rep's quota periods that have ended (the line under "
                   "the figures above); blank where no quota was loaded or none has ended.")
        download_csv(mgr, "managers-overview.csv")

    st.subheader("What your data supports")
    supports_list(ws)
    st.page_link("views/data.py", label="Go to the Data page to add or check exports", icon=":material/upload:")
    with answer:
        waiting.empty()
        diagnosis_block(ws, filters, settings)


render()
