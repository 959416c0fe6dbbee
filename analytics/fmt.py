"""How numbers read on pages, handouts and reports: one place, so they agree.

Amounts carry no currency symbol (exports rarely say which currency they hold). When a
workshop shows amounts as an index (see :mod:`analytics.anonymise`), the same figures are
scaled and read "pts", so nobody mistakes them for money.

>>> fmt_money(1_234_567), fmt_money(950), fmt_money(None)
('1.2m', '950', None)
>>> fmt_money(2_500, index=True)
'2.5k pts'
>>> fmt_pct(0.4567, 1)
'45.7%'
"""

from __future__ import annotations

import math

INDEX_UNIT = "pts"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_money(value: float | None, index: bool = False) -> str | None:
    """Amounts in k/m/bn; None when missing (the caller says "not measured")."""
    if _missing(value):
        return None
    v = float(value)
    text = f"{v:,.0f}"
    for unit, div in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            text = f"{v / div:,.1f}{unit}"
            break
    return f"{text} {INDEX_UNIT}" if index else text


def fmt_pct(value: float | None, digits: int = 0) -> str | None:
    if _missing(value):
        return None
    return f"{100 * float(value):.{digits}f}%"
