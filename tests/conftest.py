"""Shared fixtures for the test suite."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import streamlit.components.v2.manifest_scanner as _manifests


def _scan_once():
    """Streamlit scans every installed package's metadata for custom components each time an
    AppTest starts a run (0.24 s, some 400 times in the suite: about a minute of wall time on 2
    workers). The installed packages do not change while the tests run, so the scan is read once
    per test process and each caller gets its own list (what the app server does is untouched)."""
    scan = functools.cache(_manifests.scan_component_manifests)
    return lambda *args, **kwargs: list(scan(*args, **kwargs))


_manifests.scan_component_manifests = _scan_once()

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
