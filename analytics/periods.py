"""When the data in scope is judged: "as of" is never the wall clock but the filter's end date when
set, else the latest close date of a closed deal in the data, so the same workspace always gives
the same numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.filters import Filters
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace


@per_run
def as_of(ws: Workspace, filters: Filters = Filters()) -> date | None:
    """The date the pipeline is judged at: the filter's end, else the last closed deal's close date."""
    if filters.end is not None:
        return filters.end
    return _last_close(ws)


@per_data_version
def _last_close(ws: Workspace) -> date | None:
    value = ws.scalar("SELECT max(close_date) FROM v_opportunities WHERE is_closed")
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
