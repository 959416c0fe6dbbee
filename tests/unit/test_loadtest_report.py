"""`make loadtest`'s arithmetic (benchmarks/loadtest_report.py), on canned inputs: no browser, no
server. What to run (an address or 1 and N processes), percentiles, the side-by-side table, what
the kill did to whom, the gain per added core, and the marked section of RESULTS.md."""

from __future__ import annotations

import math

import pytest

from benchmarks import loadtest_report as rep
from benchmarks.loadtest_report import SessionOutcome, Visit


# ----------------------------------------------------------------------------- what to run
def test_processes_default_to_one_then_the_cores_at_least_two():
    assert rep.parse_processes(None, cores=2) == [1, 2]
    assert rep.parse_processes("", cores=8) == [1, 8]
    assert rep.parse_processes("  ", cores=1) == [1, 2]  # one core still compares with 2
    assert rep.parse_processes("1 N", cores=4) == [1, 4]
    assert rep.parse_processes("1,3", cores=2) == [1, 3]
    assert rep.parse_processes("2 1 2", cores=2) == [2, 1]  # each once, in the order given
    assert rep.parse_processes("n", cores=6) == [6]


@pytest.mark.parametrize("bad", ["0", "1 two", "-1", "1.5"])
def test_processes_refuse_what_is_not_a_count(bad):
    with pytest.raises(ValueError, match="PROCESSES"):
        rep.parse_processes(bad, cores=2)


def test_plan_with_an_address_drives_only_that():
    [c] = rep.plan("http://lb.example:8080/", None, pids=[11, 12])
    assert (c.kind, c.url, c.pids, c.kill_after) == ("url", "http://lb.example:8080", (11, 12), None)
    assert c.label == "http://lb.example:8080 (given)"


def test_plan_without_an_address_starts_one_then_n_and_kills_only_in_the_cluster():
    plans = rep.plan(None, "1 3", kill_after=40.0, cores=2)
    assert [(c.kind, c.processes, c.kill_after) for c in plans] == [("local", 1, None), ("local", 3, 40.0)]
    assert [c.label for c in plans] == ["1 process", "3 processes + HAProxy"]
    assert [c.processes for c in rep.plan(None, None, cores=2)] == [1, 2]


def test_the_kill_is_on_by_default_at_two_thirds_of_the_duration_and_can_be_left_out():
    assert [c.kill_after for c in rep.plan(None, None, duration=150, cores=2)] == [None, 100]
    assert [c.kill_after for c in rep.plan(None, "1 2", kill_after=30, duration=150)] == [None, 30]
    assert [c.kill_after for c in rep.plan(None, "2", duration=150, no_kill=True)] == [None]
    assert rep.plan("http://x:1", None, duration=150)[0].kill_after is None  # nothing to kill from outside


@pytest.mark.parametrize("kwargs, message", [
    ({"url": "http://x:1", "processes": "1 2"}, "either URL"),
    ({"url": "http://x:1", "processes": None, "kill_after": 30.0}, "kill"),
    ({"url": "x:8501", "processes": None}, "http://"),
    ({"url": None, "processes": "1", "pids": [5]}, "--pids only goes with URL"),
])
def test_plan_refuses_mixed_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rep.plan(**kwargs)


# ----------------------------------------------------------------------------- numbers
def test_percentiles_are_linear_and_nothing_is_not_zero():
    assert rep.pct([1, 2, 3, 4], 50) == 2.5
    assert rep.pct(range(1, 101), 95) == pytest.approx(95.05)
    assert rep.pct([7.0], 95) == 7.0
    assert math.isnan(rep.pct([], 50))
    assert rep.secs(float("nan")) == rep.secs(None) == "not measured"
    assert rep.secs(0.0) == "0.00 s"


def _summary(label, visits, *, server=100.0, memory=None, failures=None, window=(0.0, 100.0), kill=None):
    return rep.summarise_config(label, sessions=2, duration=100, elapsed=101, visits=visits, opens=[1.0, 3.0],
                                uploads=[4.0], failures=failures or {}, window=window, memory=memory,
                                cpu={"server": server, "balancer": 2.0, "browsers": 80.0, "machine": 95.0}, kill=kill)


def test_a_configuration_counts_pages_in_its_window_and_those_after_a_kill_apart():
    visits = [Visit(10, "Overview", 1.0), Visit(20, "Managers", 2.0), Visit(30, "Overview", 3.0),
              Visit(60, "Managers", 9.0), Visit(70, "Overview", 8.0)]
    s = _summary("2 processes + HAProxy", visits, window=(0.0, 50.0))
    assert s["pages_visited"] == 5 and s["pages_in_window"] == 3
    assert s["pages_per_s"] == pytest.approx(3 / 50)
    assert s["page_run_s"]["p50"] == 2.0 and s["page_run_s"]["max"] == 3.0
    assert s["per_page_p95_s"] == {"Overview": pytest.approx(2.9), "Managers": 2.0}
    assert s["after_kill_page_run_s"]["n"] == 2 and s["after_kill_page_run_s"]["p50"] == 8.5
    assert s["open_s"]["p50"] == 2.0


def test_throughput_counts_each_session_past_its_upload_not_the_opening():
    visits = [Visit(t, "Overview", 1.0, "s1") for t in (41, 42, 43, 44)] + \
             [Visit(t, "Overview", 1.0, "s2") for t in (70, 80, 95)]
    s = _summary("1 process", visits)  # without spans: 7 pages over the 100 s window
    assert s["pages_per_s"] == pytest.approx(0.07)
    s = rep.summarise_config("1 process", sessions=2, duration=100, elapsed=100, visits=visits, opens=[], uploads=[],
                             failures={}, window=(0.0, 90.0), memory=None, cpu={}, spans={"s1": (40.0, 50.0),
                                                                                          "s2": (60.0, 90.0)})
    assert s["pages_per_s"] == pytest.approx(4 / 10 + 2 / 30)  # s2's page at 95 is after its span
    # every upload ended after the kill: no steady state was seen, which is not 0 pages/s
    assert math.isnan(rep.steady_throughput(visits, {"s1": (50.0, 40.0)}))


def test_gates_fail_on_a_failed_session_or_memory_kept_and_say_when_memory_is_unknown():
    ok = _summary("1 process", [Visit(1, "Data", 1.0)],
                  memory={"app": {"before": 400.0, "peak": 600.0, "after": 480.0}})
    assert ok["gates"] == {"no_failed_sessions": True, "memory_returned": True}
    kept = _summary("1 process", [], memory={"app": {"before": 400.0, "peak": 600.0, "after": 501.0}})
    assert kept["gates"]["memory_returned"] is False and kept["memory_growth_mb"] == {"app": 101.0}
    failed = _summary("1 process", [], failures={"session 3": "Overview: TimeoutError"})
    assert failed["gates"]["no_failed_sessions"] is False and failed["failed_sessions"] == 1
    # a killed process has no "after": it is left out of the memory gate, not counted as 0
    killed = _summary("2", [], memory={"app1": {"before": 400.0, "peak": 500.0, "after": None, "killed": True},
                                       "app2": {"before": 410.0, "peak": 700.0, "after": 420.0}})
    assert killed["memory_growth_mb"] == {"app2": 10.0} and killed["gates"]["memory_returned"] is True
    unknown = _summary("http://x:1 (given)", [], memory=None)
    assert unknown["gates"]["memory_returned"] is None


# ----------------------------------------------------------------------------- the kill
def _outcomes():
    return [
        SessionOutcome("s1", "app1", "app2", moved=True, saw_message=True, recovered_s=12.0, data_kept=True,
                       message_after_s=4.5),
        SessionOutcome("s2", "app1", "app2", moved=True, saw_message=False, recovered_s=20.0, data_kept=True),
        SessionOutcome("s3", "app1", "app1", failure="its node was killed; it could not carry on: load: timeout"),
        SessionOutcome("s4", "app2", "app2", data_kept=True),
        SessionOutcome("s5", "app2", "app2", data_kept=False),
        SessionOutcome("s6", "app2", "app2", failure="Managers: TimeoutError"),
        SessionOutcome("s7", "app2", "app2", data_kept=None),
    ]


def test_the_kill_report_splits_the_killed_nodes_sessions_from_the_others():
    probes = [(99.0, "app1"), (100.5, "app1"), (101.0, None), (101.5, "app2"), (102.0, "app2"), (130.0, "app2")]
    k = rep.kill_report(_outcomes(), "app1", killed_at=100.0, lb_down_at=102.5, probes=probes, t_start=0.0)
    assert (k["killed"], k["at_s"], k["sessions_on_killed"]) == ("app1", 100.0, 3)
    assert (k["moved"], k["lost"], k["saw_message"], k["message_after_s_max"]) == (2, 1, 1, 4.5)
    assert list(k["lost_reasons"]) == ["s3"]
    assert k["recovered_s_p50"] == 16.0 and k["recovered_s_max"] == 20.0
    assert (k["sessions_elsewhere"], k["failed_elsewhere"]) == (4, 1)
    assert k["failed_elsewhere_reasons"] == {"s6": "Managers: TimeoutError"}
    assert (k["elsewhere_kept_data"], k["elsewhere_checked"]) == (1, 2)  # s6, s7 not checked: counted neither way
    assert k["lb_down_after_s"] == pytest.approx(2.5)
    # the probe before the kill does not count; after it, one still went to app1 and one failed
    assert (k["probes_after_kill"], k["probes_to_dead_or_failed"]) == (5, 2)
    assert k["last_bad_probe_after_s"] == pytest.approx(1.0)


def test_a_kill_the_balancer_never_reported_is_not_measured_not_zero():
    k = rep.kill_report([SessionOutcome("s1", "app2")], "app1", killed_at=50.0, lb_down_at=None, probes=[])
    assert k["lb_down_after_s"] is None and k["sessions_on_killed"] == 0 and k["moved"] == 0
    assert math.isnan(k["recovered_s_p50"]) and k["last_bad_probe_after_s"] is None


def test_the_kill_gate_is_the_other_sessions_only():
    k = rep.kill_report(_outcomes()[:2] + [_outcomes()[3]], "app1", 100.0, 102.0)
    s = _summary("2 processes + HAProxy", [], kill=k)
    assert s["gates"]["kill_spared_the_others"] is True
    k = rep.kill_report(_outcomes(), "app1", 100.0, 102.0)
    assert _summary("2", [], kill=k)["gates"]["kill_spared_the_others"] is False


def test_haproxy_stats_csv_gives_each_app_servers_state():
    csv = ("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status\n"
           "bench,FRONTEND,,,1,2,4096,9,0,0,0,0,0,,,,,OPEN\n"
           "app,app1,0,0,0,1,,4,0,0,,0,,0,0,0,0,DOWN\n"
           "app,app2,0,0,1,1,,5,0,0,,0,,0,0,0,0,UP\n"
           "app,BACKEND,0,0,1,2,410,9,0,0,0,0,,0,0,0,0,UP\n"
           "probes,app1,0,0,0,1,,4,0,0,,0,,0,0,0,0,DOWN\n")
    assert rep.lb_states_from_csv(csv) == {"app1": "DOWN", "app2": "UP"}
    assert rep.lb_states_from_csv("") == {}


# ----------------------------------------------------------------------------- the gain
def test_gain_per_added_core_is_pages_per_server_core_of_the_cluster():
    one = _summary("1 process", [Visit(t, "Overview", 1.0) for t in range(0, 100, 2)], server=95.0)  # 0.5 pages/s
    many = _summary("2 processes + HAProxy", [Visit(t, "Overview", 1.0) for t in range(0, 100)],
                    server=125.0)  # 1.0 pages/s on 1.25 cores
    g = rep.per_core(one, many)
    assert g["throughput_gain"] == pytest.approx(2.0)
    assert g["server_cores_1"] == pytest.approx(0.95) and g["server_cores_n"] == pytest.approx(1.25)
    assert g["pages_per_server_core_n"] == pytest.approx(0.8)
    assert g["per_added_core_pages_s"] == pytest.approx(0.8)
    assert g["per_added_core_pct"] == pytest.approx(160.0)
    text = rep.gain_text(one, many, cores=2)
    assert "×2.00" in text and "+0.80 pages/s" in text and "assuming" in text
    # no server CPU seen (an address given from outside): per core is not measured, not infinite
    blind = rep.per_core(one, _summary("x", [Visit(1, "Data", 1.0)], server=float("nan")))
    assert math.isnan(blind["per_added_core_pages_s"])


# ----------------------------------------------------------------------------- the table
def test_side_by_side_has_a_column_per_configuration_and_says_what_was_not_measured():
    one = _summary("1 process", [Visit(1, "Overview", 1.0), Visit(2, "Presenter mode", 4.0)],
                   memory={"app": {"before": 400.0, "peak": 650.0, "after": 410.0}})
    k = rep.kill_report(_outcomes()[:4], "app1", 100.0, 102.5, [(101.0, None)], t_start=0.0)
    two = _summary("2 processes + HAProxy", [Visit(1, "Overview", 0.5), Visit(120, "Overview", 6.0)],
                   memory={"app1": {"before": 400.0, "peak": 500.0, "after": None, "killed": True},
                           "app2": {"before": 405.0, "peak": 600.0, "after": 415.0}, "haproxy": {
                               "before": 8.0, "peak": 9.0, "after": 8.0}}, kill=k)
    given = _summary("http://lb:80 (given)", [Visit(1, "Overview", 2.0)], server=float("nan"), memory=None)
    table = rep.side_by_side([one, two, given])
    lines = table.splitlines()
    assert lines[0] == "| measure | 1 process | 2 processes + HAProxy | http://lb:80 (given) |"
    assert all(line.count("|") == 5 for line in lines)
    row = {line.split(" | ")[0].lstrip("| "): line for line in lines}
    assert row["&nbsp;&nbsp;Presenter mode p95"].endswith("| 4.00 s | not visited | not visited |")
    assert "| 400 / 500 / killed |" in row["memory MB app1 (before / peak / after)"]
    assert row["memory MB app (before / peak / after)"].endswith("| 400 / 650 / 410 | — | not measured |")
    assert "2 / 1 of 3" in row["kill: its sessions moved / lost"]
    assert "1 of 3 (4.5 s)" in row["kill: its sessions shown the message (latest after)"]
    assert "2.5 s" in row["kill: balancer marked it down after"]
    assert "1 of 1" in row["kill: new-session probes to it or failed"]
    assert row["CPU: app processes (% of one core)"].endswith("| 100 % | 100 % | not measured |")
    assert "memory returned: not measured" in row["gates"]


# ----------------------------------------------------------------------------- RESULTS.md
DOC = "# Results\n\nintro\n\n<!-- loadtest:begin -->\nold table\n<!-- loadtest:end -->\n\n## Later\n\nkept\n"


def test_the_section_between_the_markers_is_replaced_and_nothing_else():
    out = rep.replace_section(DOC, "## Load test\n\nnew table\n")
    assert out == ("# Results\n\nintro\n\n<!-- loadtest:begin -->\n## Load test\n\nnew table\n<!-- loadtest:end -->"
                   "\n\n## Later\n\nkept\n")
    assert rep.replace_section(out, "## Load test\n\nnew table") == out  # the same run again: the same file


def test_without_markers_the_section_is_appended_and_broken_markers_are_refused():
    out = rep.replace_section("# Results\n\nintro\n", "body")
    assert out == "# Results\n\nintro\n\n<!-- loadtest:begin -->\nbody\n<!-- loadtest:end -->\n"
    with pytest.raises(ValueError):
        rep.replace_section(DOC + "<!-- loadtest:begin -->\n", "x")
    with pytest.raises(ValueError):
        rep.replace_section("<!-- loadtest:end -->\n<!-- loadtest:begin -->\n", "x")


def test_the_rendered_section_carries_the_date_machine_command_and_notes():
    text = rep.Section("2026-12-07 12:00 UTC", "2 cores", "python -m benchmarks.loadtest --sessions 8",
                       "| a | b |", ["one note"]).render()
    assert text.startswith("## Load test (`make loadtest`, 2026-12-07 12:00 UTC)")
    assert "**Machine:** 2 cores" in text and "`python -m benchmarks.loadtest --sessions 8`" in text
    assert "| a | b |" in text and "- one note" in text
