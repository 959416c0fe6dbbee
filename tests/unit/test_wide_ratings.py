"""Wide review and survey exports (one column per rating or question) recognised and loaded as long
rows, through the upload path: IBM-HR-like files, performance exports, competency matrices, Likert
surveys and 0–10 surveys; the columns that are not ratings left out; shapes that only look a little
like them (long reviews, long surveys, deals, wide target sheets) left as they were."""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from analytics.ingest.pipeline import ImportJob, Source, analyse_file, import_file, import_files
from analytics.ingest.ratings import header_says_not_rating
from analytics.store.workspace import Workspace


def csv_bytes(rows: list[list[object]], sep: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def load(name: str, data: bytes, **kw):
    ws = Workspace()
    analysis = analyse_file(name, data)
    report = import_file(ws, analysis, **kw)
    table = kw.get("table_name") or (analysis.recognition.table if analysis.recognition else None)
    frame = ws.query(f"SELECT * FROM {table}") if report.rows_loaded and table else None
    ws.close()
    return analysis, report, frame


IBM_HEADERS = ["Age", "Attrition", "Department", "DistanceFromHome", "Education", "EmployeeCount",
               "EmployeeNumber", "EnvironmentSatisfaction", "Gender", "JobInvolvement", "JobLevel", "JobRole",
               "JobSatisfaction", "MonthlyIncome", "NumCompaniesWorked", "PerformanceRating",
               "RelationshipSatisfaction", "StockOptionLevel", "TotalWorkingYears", "TrainingTimesLastYear",
               "WorkLifeBalance", "YearsAtCompany", "YearsSinceLastPromotion"]
IBM_RATINGS = ["EnvironmentSatisfaction", "JobInvolvement", "JobSatisfaction", "PerformanceRating",
               "RelationshipSatisfaction", "WorkLifeBalance"]


def ibm_file(n: int = 60, seed: int = 1) -> tuple[bytes, list[dict]]:
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        line = {"Age": rnd.randint(18, 60), "Attrition": rnd.choice(["Yes", "No"]),
                "Department": rnd.choice(["Sales", "Research & Development"]),
                "DistanceFromHome": rnd.randint(1, 29), "Education": rnd.randint(1, 5), "EmployeeCount": 1,
                "EmployeeNumber": 1000 + i, "EnvironmentSatisfaction": rnd.randint(1, 4),
                "Gender": rnd.choice(["Female", "Male"]), "JobInvolvement": rnd.randint(1, 4),
                "JobLevel": rnd.randint(1, 5), "JobRole": "Sales Executive", "JobSatisfaction": rnd.randint(1, 4),
                "MonthlyIncome": rnd.randint(1009, 19999), "NumCompaniesWorked": rnd.randint(0, 9),
                "PerformanceRating": rnd.choice([3, 4]), "RelationshipSatisfaction": rnd.randint(1, 4),
                "StockOptionLevel": rnd.randint(0, 3), "TotalWorkingYears": rnd.randint(0, 40),
                "TrainingTimesLastYear": rnd.randint(0, 6), "WorkLifeBalance": rnd.randint(1, 4),
                "YearsAtCompany": rnd.randint(0, 40), "YearsSinceLastPromotion": rnd.randint(0, 15)}
        lines.append(line)
    return csv_bytes([IBM_HEADERS, *[[line[h] for h in IBM_HEADERS] for line in lines]]), lines


def test_an_ibm_hr_like_file_loads_its_ratings_as_reviews_and_leaves_the_counts_unticked():
    data, lines = ibm_file()
    analysis, report, reviews = load("WA_Fn-UseC_-HR-Employee-Attrition.csv", data)
    layout = analysis.ratings
    assert layout is not None and analysis.recognition.table == "reviews" and analysis.recognition.recognised
    assert layout.person == "EmployeeNumber"
    assert set(layout.ticked) == set(IBM_RATINGS)
    offered = {c.header for c in layout.columns}
    for h in ("Age", "MonthlyIncome", "YearsAtCompany", "DistanceFromHome", "Education", "JobLevel"):
        assert h in offered and h not in layout.ticked
    assert {c.header: (c.low, c.high) for c in layout.columns if c.rating} == {h: (1, 4) for h in IBM_RATINGS}
    assert report.error is None
    expected = {(str(line["EmployeeNumber"]), h, float(line[h])) for line in lines for h in IBM_RATINGS}
    assert report.rows_read == len(expected) == report.rows_loaded and report.rows_rejected == 0
    got = {(r.rep, r.capability, r.score) for r in reviews.itertuples()}
    assert got == expected
    assert set(reviews["scale_min"]) == {1} and set(reviews["scale_max"]) == {4}
    assert reviews["cycle"].str.startswith("As exported on ").all() and reviews["cycle"].nunique() == 1
    assert any(f"{len(expected):,} ratings from 60 lines, 6 columns" in n for n in report.notes)
    assert any("one cycle was assumed" in n for n in report.notes)


def test_unticking_loads_only_the_ticked_columns_and_a_ticked_count_is_loaded():
    data, lines = ibm_file(20)
    analysis = analyse_file("hr.csv", data)
    ws = Workspace()
    picked = ("JobSatisfaction", "WorkLifeBalance", "Age")
    (report,) = import_files(ws, [ImportJob(analysis, "reviews", None, picked)])
    got = ws.query("SELECT capability, count(*) AS n FROM reviews GROUP BY capability")
    ws.close()
    assert dict(zip(got["capability"], got["n"], strict=True)) == {h: 20 for h in picked}
    assert report.rows_read == 60 == report.rows_loaded
    assert any("60 ratings from 20 lines, 3 columns" in n for n in report.notes)


def test_nothing_ticked_is_refused_with_a_message():
    data, _ = ibm_file(5)
    _, report, _ = load("hr.csv", data, ratings=())
    assert report.rows_loaded == 0 and "no column is ticked" in report.error


PERF = ["Employee", "Manager", "Review Cycle", "Self Rating", "Manager Rating", "Communication",
        "Product Knowledge", "Negotiation"]


def test_a_performance_export_with_manager_and_cycle_rejects_a_cell_that_is_no_rating_at_its_line():
    rows = [PERF,
            ["Ann Lee", "Bo Chen", "2025-H1", "4", "3", "4", "5", "3"],
            ["Cy Diaz", "Bo Chen", "2025-H1", "5", "", "2", "n/a", "4"],   # empty: no row; n/a: rejected
            ["Di Eng", "Fay Gold", "2025-H1", "", "", "", "", ""],         # nothing: no rows
            ["Ann Lee", "Bo Chen", "2025-H2", "4", "4", "4", "4", "4"]]
    analysis, report, reviews = load("performance.csv", csv_bytes(rows))
    assert analysis.recognition.table == "reviews" and analysis.ratings.manager == "Manager"
    assert report.rows_read == 5 + 4 + 5 == report.rows_loaded + report.rows_rejected
    assert report.rows_rejected == 1
    (reject,) = report.rejects
    assert reject.row == 3 and reject.value == "n/a" and "number" in reject.reason
    assert set(reviews["cycle"]) == {"2025-H1", "2025-H2"}
    assert set(reviews["reviewer"]) == {"Bo Chen"}
    assert set(reviews["scale_max"]) == {5}
    assert any("1 line had none" in n for n in report.notes)


def test_a_competency_matrix_with_odd_headers_takes_the_review_date_as_its_cycle():
    rows = [["NAME", "team", "closing", "DISCOVERY", "qualification", "Demo ", "negotiation", "Review Date"],
            ["Ann Lee", "East", "3", "4", "2", "5", "4", "30/06/2025"],
            ["Cy Diaz", "West", "1", "2", "", "3", "3", "30/06/2025"],
            ["Ann Lee", "East", "4", "4", "3", "5", "5", "31/12/2025"]]
    analysis, report, reviews = load("matrix.csv", csv_bytes(rows, sep=";"))
    assert analysis.recognition.table == "reviews"
    assert report.rows_read == 14 == report.rows_loaded
    assert set(reviews["cycle"]) == {"2025-06-30", "2025-12-31"}
    assert set(reviews["capability"]) == {"closing", "DISCOVERY", "qualification", "Demo", "negotiation"}
    assert any("the cycle is the date" in n for n in report.notes)


LIKERT_QS = ["My manager gives me useful feedback", "I have a development plan", "My manager helps me win deals"]


def test_a_likert_text_survey_loads_as_survey_answers_and_rejects_a_word_of_no_scale():
    rows = [["Respondent", "Manager", "Submitted", *LIKERT_QS],
            ["R-001", "Bo Chen", "2025-05-02", "Strongly agree", "agree", "Neither agree nor disagree"],
            ["R-002", "Bo Chen", "2025-05-03", "DISAGREE", "", "Strongly Disagree"],
            ["R-003", "Fay Gold", "2025-05-03", "Agree.", "Maybe", "agree"]]
    analysis, report, surveys = load("pulse.csv", csv_bytes(rows))
    assert analysis.recognition.table == "surveys" and analysis.recognition.recognised
    assert report.rows_read == 8 == report.rows_loaded + 1
    (reject,) = report.rejects
    assert reject.row == 4 and reject.value == "Maybe"
    got = {(r.respondent, r.item, r.score) for r in surveys.itertuples()}
    assert ("R-001", LIKERT_QS[0], 5.0) in got and ("R-002", LIKERT_QS[2], 1.0) in got
    assert ("R-001", LIKERT_QS[2], 3.0) in got and ("R-003", LIKERT_QS[0], 4.0) in got
    assert set(surveys["subject_manager"]) == {"Bo Chen", "Fay Gold"}
    assert set(surveys["scale_max"]) == {5}
    assert surveys["survey_date"].notna().all()


def test_a_0_to_10_survey_keeps_each_questions_own_scale():
    rnd = random.Random(3)
    q10 = "How likely are you to recommend working here?"
    q5 = ["My manager supports my growth", "I understand how my targets are set", "My manager coaches me weekly"]
    rows = [["Respondent ID", "Manager Name", "Response Date", q10, *q5]]
    for i in range(30):
        rows.append([f"R{i}", rnd.choice(["Bo Chen", "Fay Gold"]), "2025-03-01", rnd.randint(0, 10),
                     *[rnd.randint(1, 5) for _ in q5]])
    rows[1][3] = 0
    analysis, report, surveys = load("enps.csv", csv_bytes(rows))
    assert analysis.recognition.table == "surveys"
    scales = {c.header: (c.low, c.high) for c in analysis.ratings.columns}
    assert scales[q10] == (0, 10) and all(scales[q] == (1, 5) for q in q5)
    assert report.rows_read == 120 == report.rows_loaded
    top = surveys.groupby("item")["scale_max"].first().to_dict()
    assert top[q10] == 10 and all(top[q] == 5 for q in q5)
    bottom = surveys.groupby("item")["scale_min"].first().to_dict()
    assert bottom[q10] == 0 and all(bottom[q] == 1 for q in q5)


def test_a_0_to_10_answer_is_normalised_on_its_own_scale():
    from analytics.signals.surveys import answers

    q10 = "How likely are you to recommend your manager?"
    rows = [["Respondent", "Manager", "Date", q10, *LIKERT_QS]]
    rows += [["R1", "Bo Chen", "2025-05-02", "0", "Agree", "Agree", "Agree"],
             ["R2", "Bo Chen", "2025-05-02", "10", "Agree", "Agree", "Agree"]]
    ws = Workspace()
    report = import_file(ws, analyse_file("s.csv", csv_bytes(rows)))
    assert report.rows_loaded == 8
    got = answers(ws)
    ws.close()
    norm = got[got["item"] == q10].sort_values("score")["norm"].tolist()
    assert norm == [0.0, 1.0]  # (score - 0) / 10, not (score - 1) / 9
    assert set(got[got["item"] != q10]["norm"]) == {0.75}


def test_a_survey_without_a_manager_is_refused_with_the_reason_and_loads_as_reviews_if_chosen():
    rows = [["Respondent", *LIKERT_QS]] + [[f"R{i}", "Agree", "Disagree", "Strongly agree"] for i in range(4)]
    analysis, report, _ = load("anon.csv", csv_bytes(rows))
    assert analysis.recognition.table == "surveys" and not analysis.recognition.recognised
    assert report.rows_loaded == 0 and "manager" in report.error
    _, report, reviews = load("anon.csv", csv_bytes(rows), table_name="reviews")
    assert report.error is None and report.rows_loaded == 12 and set(reviews["scale_max"]) == {5}


def test_a_review_file_can_be_loaded_as_survey_answers_instead():
    rows = [PERF, ["Ann Lee", "Bo Chen", "2025-H1", "4", "3", "4", "5", "3"]]
    _, report, surveys = load("performance.csv", csv_bytes(rows), table_name="surveys")
    assert report.error is None and report.rows_loaded == 5
    assert set(surveys["item"]) == set(PERF[3:]) and set(surveys["subject_manager"]) == {"Bo Chen"}


def test_the_full_reject_list_is_derived_again_with_the_same_ticked_columns():
    rnd = random.Random(5)
    rows = [PERF]
    for i in range(1_500):
        rows.append([f"Rep {i}", "Bo Chen", "2025-H1", rnd.randint(1, 5), "x" if i % 3 == 0 else rnd.randint(1, 5),
                     rnd.randint(1, 5), "bad" if i % 2 == 0 else rnd.randint(1, 5), "?" if i % 5 == 0 else 4])
    data = csv_bytes(rows)
    analysis = analyse_file("big.csv", data)
    ticked = ("Self Rating", "Manager Rating", "Product Knowledge")
    ws = Workspace()
    report = import_file(ws, analysis, ratings=ticked)
    ws.close()
    assert report.rows_read == 4_500 and report.rows_rejected == 500 + 750 and report.source is not None
    assert report.source.columns == ticked
    full = report.all_rejects()
    assert len(full) == 1_250 and set(full["value"]) == {"x", "bad"}
    assert full["row"].tolist() == sorted([i + 2 for i in range(1_500) if i % 3 == 0]
                                          + [i + 2 for i in range(1_500) if i % 2 == 0])
    assert full.head(len(report.rejects)).reset_index(drop=True).equals(report.rejects_frame)
    # the same file derived with every column ticked says more: the columns chosen are what counts
    wider = Source("big.csv", data, "reviews", report.source.mapping, ratings=analysis.ratings,
                   columns=tuple(PERF[3:]))
    assert len(wider.problems()[0]) == 1_250 + 300


@pytest.mark.parametrize("name, rows, table", [
    ("long-reviews.csv", [["Rep", "Capability", "Cycle", "Score"], ["Ann", "Discovery", "2025-Q1", "4"],
                          ["Ann", "Demo", "2025-Q1", "3"], ["Cy", "Discovery", "2025-Q1", "5"]], "reviews"),
    ("long-survey.csv", [["Respondent", "Subject Manager", "Item", "Score", "Scale Max", "Date"],
                         ["R1", "Bo", "My manager coaches me", "4", "5", "2025-01-02"],
                         ["R2", "Bo", "My manager coaches me", "2", "5", "2025-01-02"]], "surveys"),
    ("targets.csv", [["Rep", "Year", "Jan", "Feb", "Mar", "Apr"], ["Ann", "2025", "3", "4", "5", "2"],
                     ["Cy", "2025", "1", "2", "3", "4"]], "quotas"),
    ("deals.csv", [["Deal", "Owner", "Stage", "Close Date", "Amount", "Probability", "Number of Contacts",
                    "Priority", "Forecast Score"],
                   ["D1", "Ann", "Won", "2025-01-02", "100", "90", "3", "2", "4"],
                   ["D2", "Cy", "Lost", "2025-01-05", "50", "10", "1", "1", "2"]], None),
])
def test_shapes_that_only_look_a_little_like_ratings_are_not_taken_as_them(name, rows, table):
    analysis = analyse_file(name, csv_bytes(rows))
    assert analysis.ratings is None
    if table is not None:
        assert analysis.recognition.table == table


def test_headers_that_name_counts_amounts_or_tenure_are_not_ratings():
    for h in ("Age", "MonthlyIncome", "YearsAtCompany", "DistanceFromHome", "NumCompaniesWorked",
              "TrainingTimesLastYear", "PercentSalaryHike", "JobLevel", "Tenure (months)"):
        assert header_says_not_rating(h), h
    for h in ("JobSatisfaction", "Self Rating", "Manager Rating", "Product Knowledge", "Closing",
              "My manager gives me useful feedback", "Skill Level"):
        assert not header_says_not_rating(h), h


def test_a_reader_reject_stays_one_row_and_counts_hold():
    data = (",".join(PERF) + "\n" + "Ann,Bo,2025,4,3,4,5,3\n" + "Cy,Bo,2025,4,3\n"
            + "Di,Bo,2025,4,3,4,5,3\n").encode()
    analysis, report, reviews = load("short.csv", data)
    assert analysis.ratings is not None
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.rows_loaded == 10 and 3 in {r.row for r in report.rejects}
    assert isinstance(reviews, pd.DataFrame)


def test_a_wide_ratings_file_chosen_as_another_table_loads_as_it_was_read():
    rows = [["Name", "Team", "Discovery", "Demo", "Closing"], ["Ann Lee", "East", "3", "4", "2"],
            ["Cy Diaz", "West", "1", "2", "3"]]
    analysis, report, people = load("matrix.csv", csv_bytes(rows), table_name="people",
                                    mapping={"name": "Name", "team": "Team"})
    assert analysis.ratings is not None
    assert report.error is None and report.rows_read == 2 == report.rows_loaded
    assert set(zip(people["name"], people["team"], strict=True)) == {("Ann Lee", "East"), ("Cy Diaz", "West")}
