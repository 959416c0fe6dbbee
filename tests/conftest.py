"""Shared fixtures for the test suite."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pytest
import streamlit.components.v2.manifest_scanner as _manifests
import streamlit.testing.v1.local_script_runner as _local_runner
from streamlit.runtime.scriptrunner import ScriptRunnerEvent


def _scan_once():
    """Streamlit scans every installed package's metadata for custom components each time an
    AppTest starts a run (0.24 s, some 400 times in the suite: about a minute of wall time on 2
    workers). The installed packages do not change while the tests run, so the scan is read once
    per test process and each caller gets its own list (what the app server does is untouched)."""
    scan = functools.cache(_manifests.scan_component_manifests)
    return lambda *args, **kwargs: list(scan(*args, **kwargs))


_manifests.scan_component_manifests = _scan_once()


def _wait_for_the_run(runner, timeout: float = 3) -> None:
    """AppTest waits for its script thread by waking every millisecond to look for the run's end
    (``require_widgets_deltas``): a thousand wake-ups a second, each taking the GIL from the
    script it waits for. This waits on the runner's own SHUTDOWN event instead; the timeout and
    its error are AppTest's."""
    done = threading.Event()

    def on_event(_sender, event=None, **_kwargs) -> None:
        if event == ScriptRunnerEvent.SHUTDOWN:
            done.set()

    runner.on_event.connect(on_event, weak=False)
    try:
        if runner.script_stopped() or done.wait(timeout):
            return
    finally:
        runner.on_event.disconnect(on_event)
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


_local_runner.require_widgets_deltas = _wait_for_the_run

#: The real CRM exports (read-only). CI clones the repository with ``shared/`` beside it.
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real CRM exports; a missing folder fails the test, never skips it."""
    if not (REAL_DATA / "SOURCES.md").is_file():
        pytest.fail(
            f"The real CRM exports are missing: expected {REAL_DATA} (with SOURCES.md). "
            "Clone the shared data beside the repository (../shared/data/real).",
            pytrace=False,
        )
    return REAL_DATA


DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="session")
def demo_workspace():
    """The whole demo, imported once through the upload path and shared read-only by every
    test that checks the planted truth (every export must load complete)."""
    import json

    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace

    ws = Workspace()
    reports = import_directory(ws, DEMO_DIR)
    assert all(r.rows_rejected == 0 and r.error is None for r in reports)
    counts = json.loads((DEMO_DIR / "ground_truth.json").read_text(encoding="utf-8"))["counts"]
    assert {t: n for t, n in ws.counts().items() if n} == counts
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def demo_ws(demo_workspace):
    """Short name for :func:`demo_workspace` used by the metric tests."""
    return demo_workspace


@pytest.fixture(scope="session")
def maven_ws(real_data):
    """The real Maven CRM export, imported once through the upload path (read-only)."""
    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace

    ws = Workspace()
    reports = import_directory(ws, real_data / "maven-crm")
    assert all(r.error is None for r in reports)
    yield ws
    ws.close()


#: The test files that take longest (seconds of one worker in the full run of 2026-12-07 23:00
#: UTC, the demo's building blocks held once per process; the order is what counts). ``make
#: test`` hands whole files to its two workers (``--dist loadfile``), and pytest-xdist hands out the files with the most tests first: the
#: browser files, two to six tests of a minute or two each, came last, and whichever worker drew
#: the last long one ran on alone. Longest first, the last files handed out are short ones.
LONGEST_FILES = (
    ("tests/app/test_pages.py", 90), ("tests/e2e/test_journeys.py", 79),
    ("tests/e2e/test_hostile_uploads.py", 78), ("tests/e2e/test_workshop.py", 77),
    ("tests/app/test_real_samples.py", 74), ("tests/e2e/test_isolation.py", 59),
    ("tests/app/test_anonymise_everything.py", 38), ("tests/e2e/test_escaping.py", 38),
    ("tests/e2e/test_cluster.py", 35), ("tests/e2e/test_hostile_workspaces.py", 32),
    ("tests/unit/test_hostile_files.py", 30), ("tests/e2e/test_presenter_fit.py", 27),
    ("tests/unit/test_bench_run.py", 27), ("tests/e2e/test_real_samples_together.py", 26),
    ("tests/unit/test_filter_change.py", 24), ("tests/unit/test_capability.py", 19),
    ("tests/e2e/test_login.py", 18), ("tests/e2e/test_small_screens.py", 18),
    ("tests/e2e/test_new_exports.py", 17), ("tests/unit/test_workspace_file.py", 17),
    ("tests/unit/test_planted_orgs.py", 17), ("tests/unit/test_anonymise.py", 16),
    ("tests/app/test_every_download.py", 14), ("tests/app/test_workshop_pages.py", 14),
)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with the longest files handed out first (LONGEST_FILES), then the
    others as pytest-xdist orders them (most tests first). Every test still runs, each file on
    one worker, its tests in their order."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    rank = {path: i for i, (path, _) in enumerate(LONGEST_FILES)}

    class LongestFilesFirst(LoadFileScheduling):
        def _assign_work_unit(self, node) -> None:
            # the next file handed out: the first of LONGEST_FILES still waiting, else xdist's next
            queue = list(self.workqueue)
            best = min(range(len(queue)), key=lambda i: (rank.get(queue[i], len(rank)), i))
            self.workqueue.move_to_end(queue[best], last=False)
            super()._assign_work_unit(node)

    return LongestFilesFirst(config, log)
