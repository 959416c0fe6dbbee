"""Which currency money is reported in, and what is left out of the totals.

The rule lives in one place, the deal and quota views (:mod:`analytics.store.schema_sql`,
``v_currency``): with one currency (or none named) every amount counts, as it always did; with
several, only the amounts in the reporting currency count (the session's choice, else the currency
with the most won amount) and every other amount reads as not known. Deals and quotas themselves
stay, so counts and win rates are the same in every currency; sums, deal sizes, pipeline and
attainment are in one currency, and a quota is compared only with deals in its own currency.

This module says so: :func:`currency_scope` reads what the views did, for the sidebar's choice and
the notice every page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.fmt import fmt_money
from analytics.store.workspace import Workspace

#: how a deal or quota with no currency is named in the notice
NO_CURRENCY = "no currency given"


@dataclass(frozen=True)
class CurrencyScope:
    """The currencies of a workspace's deals and quotas.

    ``reporting`` is the currency money is reported in when there are several (None: one or none,
    and every amount counts); ``others`` the currencies left out, as (currency or None, won amount,
    deals, quotas), most won first.
    """

    reporting: str | None
    currencies: tuple[str, ...] = ()
    others: tuple[tuple[str | None, float, int, int], ...] = ()

    @property
    def mixed(self) -> bool:
        return self.reporting is not None

    def notice(self, index: bool = False) -> str | None:
        """What the totals leave out, for the top of every page; None with one currency.

        >>> CurrencyScope("USD", ("USD", "EUR"), (("EUR", 120_000.0, 4, 0), (None, 0.0, 2, 0))).notice()
        'Money figures are in USD. Deals in 1 other currency (EUR 120.0k won) and 2 deals with no currency given are not in these totals; choose the currency in the sidebar.'
        """
        if not self.mixed:
            return None
        named = [(c, won, deals) for c, won, deals, _ in self.others if c is not None and deals]
        bits = []
        if named:
            shown = ", ".join(f"{c} {fmt_money(won, index=index) or '0'} won" for c, won, _ in named[:4])
            more = f" and {len(named) - 4} more" if len(named) > 4 else ""
            bits.append(f"Deals in {len(named)} other currenc{'ies' if len(named) != 1 else 'y'} ({shown}{more})")
        unnamed = sum(deals for c, _, deals, _ in self.others if c is None)
        if unnamed:
            bits.append(f"{unnamed:,} deal{'s' if unnamed != 1 else ''} with {NO_CURRENCY}")
        quotas = [(c, q) for c, _, _, q in self.others if q]
        text = f"Money figures are in {self.reporting}."
        if bits:
            text += f" {' and '.join(bits)} {'are' if len(bits) > 1 or named or unnamed != 1 else 'is'} not in these totals"
        if quotas:
            n = sum(q for _, q in quotas)
            text += ("; " if bits else " ") + (f"{n:,} quota{'s' if n != 1 else ''} in "
                                               + ", ".join(c or NO_CURRENCY for c, _ in quotas)
                                               + (" are" if n != 1 else " is") + " not compared with won amounts")
        return text + ("; choose the currency in the sidebar." if bits or quotas else "")

    def quotas_left_out(self) -> str | None:
        """Why closed-won vs quota is not measured when no quota is in the reporting currency:
        every quota loaded is in another currency or in none (None: there are no such quotas, or
        the amounts are in one currency). The caller asks only when no quota counts.

        >>> CurrencyScope("USD", ("USD", "EUR"), (("EUR", 9.0, 2, 0), (None, 0.0, 0, 112))).quotas_left_out()
        'not measured: the 112 quotas give no currency and the deals are in several; add a currency column to the quota file'
        >>> CurrencyScope("USD", ("USD", "EUR"), (("EUR", 9.0, 2, 12),)).quotas_left_out()
        'not measured: the 12 quotas are in EUR and money is shown in USD; choose EUR in the sidebar'
        """
        if not self.mixed:
            return None
        quotas = [(c, q) for c, _, _, q in self.others if q]
        if not quotas:
            return None
        n = sum(q for _, q in quotas)
        the = f"the {n:,} quota{'s' if n != 1 else ''}" if n != 1 else "the quota"
        named = [c for c, _ in quotas if c is not None]
        if not named:
            return (f"not measured: {the} give{'s' if n == 1 else ''} no currency and the deals are in several; "
                    "add a currency column to the quota file")
        return (f"not measured: {the} {'is' if n == 1 else 'are'} in {', '.join(named)} and money is shown in "
                f"{self.reporting}; choose {named[0]} in the sidebar")


def currency_scope(ws: Workspace) -> CurrencyScope:
    """The currencies of ``ws`` and the one its money is reported in (held per version of the data)."""
    cur = ws.currencies()
    named = tuple(c for c in cur["currency"].tolist() if isinstance(c, str))
    chosen = cur.loc[cur["reporting"].fillna(False).astype(bool), "currency"]
    if chosen.empty:
        return CurrencyScope(None, named)
    others = cur[~cur["reporting"].fillna(False).astype(bool)]
    return CurrencyScope(str(chosen.iloc[0]), named, tuple(
        (c if isinstance(c, str) else None, float(w), int(d), int(q))
        for c, w, d, q in others[["currency", "won", "deals", "quotas"]].itertuples(index=False)))
