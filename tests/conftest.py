"""Shared fixtures for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

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
