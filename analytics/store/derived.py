"""The results a workspace holds derived from its data: built once per version, in bounded pools.

A :class:`DerivedResults` belongs to one :class:`~analytics.store.workspace.Workspace` (which
lives in its session's state only; public data, below, is the one exception) and holds the
building blocks computed from that workspace's data (all closed deals with their evidence,
review scores, activities per person and day) for the current version of the data. It knows
three things:

* **versions**: everything held is for one version of the data; asked under a newer one, it
  drops everything first, and a build that finishes after the data changed is not kept;
* **pools**: results live in a pool (:data:`POOL_SIZES`), each holding at most so many results,
  least recently used out first, and some at most so many bytes of DataFrames
  (:data:`POOL_BYTES`, the newest result always kept), so the owner-level blocks that come and
  go with the filters never push out the blocks of the data alone;
* **building once**: a result being built on another thread is waited for, not built a
  second time; a build that fails, or whose data changed meanwhile, leaves the waiters to
  build their own.

**Public data.** Every session opens on the built-in demo, and every untouched copy of it holds
the same rows (:attr:`~analytics.store.workspace.Workspace.shared_as`, the demo's content digest).
Their building blocks are held once per process (:func:`public_results`), for every session on
that demo, instead of once per session: a new session's first pages do not build them again. Only
public data is held there: ``shared_as`` is set on nothing else (never an upload, an added file,
a stage mapping or an anonymised copy; any change of data clears it), and a result is kept only if
its workspace was still that untouched copy when the build finished.

Examples
--------
>>> held, builds = DerivedResults(), []
>>> def build():
...     builds.append(1)
...     return 42
>>> held.get(("answer",), build, version=lambda: 0), held.get(("answer",), build, version=lambda: 0)
(42, 42)
>>> len(builds), held.get(("answer",), build, version=lambda: 1), len(builds)
(1, 42, 2)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from analytics.store.frames import frame_bytes

#: derived results a workspace holds at once (see :meth:`DerivedResults.get`)
DERIVED_SIZE = 32
#: results held per pool: "data" for blocks of the data alone, "filtered" for owner-level blocks
#: of one period, segment and product (:func:`analytics.people.per_period_by_owner`), which come and go
#: with the filters and must not push the data's blocks out
POOL_SIZES = {"data": DERIVED_SIZE, "filtered": 32}
#: and at most this many bytes of DataFrames per pool (the newest result is always kept): a
#: period's day-by-day leading events for a large organisation take a sizeable share of it
#: (benchmarks/RESULTS.md), and each period picked adds its own set
POOL_BYTES = {"filtered": 256 * 1024**2}
#: no value (a build that failed)
_NOTHING = object()


class DerivedResults:
    """A workspace's held results, for one version of its data at a time.

    Attributes
    ----------
    held : key -> ``(value,)``, least recently used first.
    pool : key -> the pool of each held result.
    """

    def __init__(self) -> None:
        self.held: OrderedDict = OrderedDict()
        self.pool: dict[tuple, str] = {}
        self._version = -1
        #: key -> (value, bytes) of held results in a pool with a byte budget: measured once per
        #: result held, not again for every result held after it (a period's build held a dozen
        #: results, each measuring every frame of its pool)
        self._sizes: dict[tuple, tuple[object, int]] = {}
        self._lock = threading.Lock()
        #: (version, key) -> (thread, Event) of the builds under way
        self._building: dict[tuple, tuple[int, threading.Event]] = {}

    def get(self, key: tuple, build: Callable[[], object], pool: str = "data", *,
            version: Callable[[], int]):
        """``build()``, computed once per version of the data and held, in ``pool``.

        ``version()`` says the data's current version: read before the build, to know what the
        result is for, and after it, to keep it only if the data has not changed meanwhile.
        """
        me = threading.get_ident()
        while True:
            with self._lock:  # the build itself runs outside: it may take seconds
                current = version()
                if self._version != current:
                    self.held.clear()
                    self.pool.clear()
                    self._sizes.clear()
                    self._version = current
                hit = self.held.get(key)
                if hit is not None:
                    self.held.move_to_end(key)
                    return hit[0]
                pending = self._building.get((current, key))
                if pending is None or pending[0] == me:  # none, or this thread's own (re-entered)
                    pending = self._building[(current, key)] = (me, threading.Event())
                    break
            pending[1].wait()
        try:
            value = build()
        except BaseException:
            self._end_build(current, key, pending, version)
            raise
        # data changed while building (another thread): the result is not kept
        self._end_build(current, key, pending, version, value, pool)
        return value

    def _end_build(self, built_for: int, key: tuple, pending: tuple, version: Callable[[], int],
                   value=_NOTHING, pool: str = "data") -> None:
        """Hold a finished build's result (if its data is still current), then wake its waiters."""
        with self._lock:
            if self._building.get((built_for, key)) is pending:
                del self._building[(built_for, key)]
            if value is not _NOTHING and version() == built_for and self._version == built_for:
                self.held[key] = (value,)
                self.pool[key] = pool
                mine = [k for k in self.held if self.pool.get(k, "data") == pool]  # oldest first
                drop = max(0, len(mine) - POOL_SIZES.get(pool, DERIVED_SIZE))
                budget = POOL_BYTES.get(pool)
                if budget is not None:
                    sizes = [self._bytes(k) for k in mine]
                    total = sum(sizes[drop:])
                    while drop < len(mine) - 1 and total > budget:
                        total -= sizes[drop]
                        drop += 1
                for old in mine[:drop]:
                    del self.held[old]
                    self.pool.pop(old, None)
                    self._sizes.pop(old, None)
        pending[1].set()

    def _bytes(self, key: tuple) -> int:
        """:func:`frame_bytes` of the result held under ``key``, measured once per result held."""
        value = self.held[key][0]
        known = self._sizes.get(key)
        if known is None or known[0] is not value:
            known = self._sizes[key] = (value, frame_bytes(value))
        return known[1]

    def clear(self) -> None:
        """Drop everything held (builds under way finish and are kept if their data is current)."""
        with self._lock:
            self.held.clear()
            self.pool.clear()
            self._sizes.clear()


#: sets of public results held at once: one per (demo content, owners-not-people flag) in use
PUBLIC_SETS = 4
_public: OrderedDict[tuple, DerivedResults] = OrderedDict()
_public_lock = threading.Lock()


def public_results(tag: tuple) -> DerivedResults:
    """The results held for every session on the public data ``tag`` names (see the module's
    docstring); the least recently used set is dropped beyond :data:`PUBLIC_SETS`."""
    with _public_lock:
        held = _public.get(tag)
        if held is None:
            held = _public[tag] = DerivedResults()
            while len(_public) > PUBLIC_SETS:
                _public.popitem(last=False)
        else:
            _public.move_to_end(tag)
        return held


def forget_public(tag: tuple | None = None) -> None:
    """Drop the public results of ``tag`` (every set when None)."""
    with _public_lock:
        for key in [k for k in _public if tag is None or k == tag]:
            _public.pop(key).clear()
