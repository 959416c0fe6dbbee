"""Caching in one vocabulary: each name says how long a result lives.

Which to use when
-----------------
=====================================================  ==============================================
What it is                                             Use
=====================================================  ==============================================
a result of the workspace's data alone (and its        ``@per_data_version``: held with the workspace
arguments): all closed deals, review scores            until its data changes (pool "data")
a result with rows per owner, filtered by people       ``@per_period_by_owner``
(region, team, manager)                                (:func:`analytics.people.per_period_by_owner`):
                                                       held per data version for the filters without
                                                       their people part (pool "filtered"); the
                                                       people filters then pick owners' rows
a block several metrics of one computation ask for     ``@per_run``, inside a :func:`one_run` block:
(the managers in scope)                                computed once per run, dropped at its end
an entry point pages or the engine call (a             ``@opens_run``, or the page frame's
diagnosis, a report)                                   ``with one_run():``
independent computations of one run                    :func:`in_parallel`: on two threads, the
                                                       costliest started first when each call has a
                                                       cost, results in the order asked
background work nobody waits on (the warm-up)          ``with one_at_a_time():``: its
                                                       :func:`in_parallel` calls run one after
                                                       another (a lower peak)
=====================================================  ==============================================

A diagnosis asks for the managers in scope a dozen times (every signal joins its frame onto
them), and the review scores and closed deals several times; each ask is a query over the
session's tables. Inside a :func:`one_run` block, a function decorated with :func:`per_run` runs
once per workspace version and arguments and hands later callers the same result.

The run's store lives only for the block, in a context variable of the running thread: nothing is
kept between computations (a filter change can never see an old result), nor shared with
another session. What outlives a run is held by the workspace itself
(:meth:`analytics.store.workspace.Workspace.derived`), which lives in its session's state only;
on the untouched built-in demo, public data, once per process for every session on it
(:func:`analytics.store.derived.public_results`).

Examples
--------
>>> calls = []
>>> @per_run
... def double(ws, x):
...     calls.append(x)
...     return 2 * x
>>> class WS:
...     version = 0
>>> ws = WS()
>>> with one_run():
...     double(ws, 2), double(ws, x=2)
(4, 4)
>>> calls
[2]
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

_STORE: ContextVar[dict | None] = ContextVar("analytics_run_store", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """One computation or page run: within this block, :func:`per_run` functions compute once per
    arguments (nested blocks share the outer store); the store is dropped when the block ends."""
    if _STORE.get() is not None:
        yield
        return
    token = _STORE.set({})
    try:
        yield
    finally:
        _STORE.reset(token)


def per_run(fn: Callable[..., T]) -> Callable[..., T]:
    """Mark ``fn(ws, ...)`` as a pure building block computed once per :func:`one_run` block
    (and workspace version and arguments); outside one, it computes on every call.

    Callers get a shallow copy of a DataFrame result (copy-on-write: changing it never changes
    the shared one); other results must be immutable or left unchanged by callers.
    """
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(ws, *args, **kwargs):
        store = _STORE.get()
        if store is None:
            return fn(ws, *args, **kwargs)
        bound = signature.bind(ws, *args, **kwargs)
        bound.apply_defaults()
        # the workspace's own id (a UUID), not id(): a freed workspace's address can be reused
        key = (fn.__module__, fn.__qualname__, getattr(ws, "id", id(ws)), getattr(ws, "version", None),
               tuple(bound.arguments.items())[1:])
        try:
            hit = store.get(key)
        except TypeError:  # unhashable arguments: nothing to share
            return fn(ws, *args, **kwargs)
        if hit is None:
            hit = store[key] = (fn(ws, *args, **kwargs),)
        value = hit[0]
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value

    return wrapper


def per_data_version(fn: Callable[..., T] | None = None, *, pool: str = "data"):
    """Mark ``fn(ws, ...)`` as depending on the workspace's data and its arguments alone: it runs
    once per workspace version and arguments, and the workspace holds the result
    (:meth:`analytics.store.workspace.Workspace.derived`, in ``pool``) for later page runs and filter
    changes. ``@per_data_version`` or ``@per_data_version(pool="filtered")``.

    Callers get a shallow copy of a DataFrame result, as with :func:`per_run`.
    """
    if fn is None:
        return functools.partial(per_data_version, pool=pool)
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(ws, *args, **kwargs):
        derived = getattr(ws, "derived", None)
        bound = signature.bind(ws, *args, **kwargs)
        bound.apply_defaults()
        key = (fn.__module__, fn.__qualname__, tuple(bound.arguments.items())[1:])
        try:
            hash(key)
        except TypeError:
            derived = None
        if derived is None:
            return fn(ws, *args, **kwargs)
        value = derived(key, lambda: fn(ws, *args, **kwargs), pool)
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value

    return wrapper


def opens_run(fn: Callable[..., T]) -> Callable[..., T]:
    """Run ``fn`` inside a :func:`one_run` block of its own, or its caller's when there is one (for
    the entry points pages and the engine call)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_run():
            return fn(*args, **kwargs)

    return wrapper


_ONE_AT_A_TIME: ContextVar[bool] = ContextVar("analytics_one_at_a_time", default=False)


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Within this block :func:`in_parallel` runs its calls one after another: for work nobody
    waits on (the warm-up after an import), where two large builds at once only raise the peak
    memory, in about the same time (measured at 100% scale: benchmarks/RESULTS.md)."""
    token = _ONE_AT_A_TIME.set(True)
    try:
        yield
    finally:
        _ONE_AT_A_TIME.reset(token)


#: threads :func:`in_parallel` uses (a session's engine runs on two threads; see workspace.THREADS)
PARALLEL_WORKERS = 2


def in_parallel(calls: Sequence[Callable[[], T]], workers: int = PARALLEL_WORKERS, *,
                costs: Sequence[float] | None = None) -> list[T]:
    """Run independent computations on ``workers`` threads and return their results in order.

    The engine runs queries without the GIL, so one computation's query overlaps another's
    pandas work. Each call runs in a copy of the caller's context, so it shares the caller's
    :func:`one_run` store (the same dict); each thread reads the workspace through a cursor of
    its own (:attr:`analytics.store.workspace.Workspace.con`). An exception in any call is raised
    here, as it would be had the calls run one after another.

    ``costs``, one per call (relative: only their order counts), starts the costliest first, so
    the threads finish together (ties in the order of ``calls``); the results still come back in
    the order of ``calls``.

    >>> in_parallel([lambda: "cheap", lambda: "dear"], costs=[1, 9])
    ['cheap', 'dear']
    """
    if costs is not None and len(costs) != len(calls):
        raise ValueError(f"{len(costs)} costs for {len(calls)} calls")
    started = range(len(calls)) if costs is None else sorted(range(len(calls)), key=lambda i: -costs[i])
    if workers <= 1 or len(calls) <= 1 or _ONE_AT_A_TIME.get():
        done = {i: calls[i]() for i in started}
        return [done[i] for i in range(len(calls))]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analytics") as pool:
        futures = {i: pool.submit(copy_context().run, calls[i]) for i in started}
        return [futures[i].result() for i in range(len(calls))]
