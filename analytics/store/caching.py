"""Compute a shared building block once per computation, not once per metric that needs it.

A diagnosis asks for the managers in scope a dozen times (every signal joins its frame onto
them), and the review scores and closed deals several times; each ask is a query over the
session's tables. Inside a :func:`reuse` block, a function decorated with :func:`reused` runs
once per workspace version and arguments and hands later callers the same result.

The store lives only for the block, in a context variable of the running thread: nothing is
kept between computations (a filter change can never see an old result), nor shared with
another session.

Examples
--------
>>> calls = []
>>> @reused
... def double(ws, x):
...     calls.append(x)
...     return 2 * x
>>> class WS:
...     version = 0
>>> ws = WS()
>>> with reuse():
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

_STORE: ContextVar[dict | None] = ContextVar("analytics_reuse_store", default=None)


@contextmanager
def reuse() -> Iterator[None]:
    """Within this block, :func:`reused` functions compute once per arguments (nested blocks
    share the outer store)."""
    if _STORE.get() is not None:
        yield
        return
    token = _STORE.set({})
    try:
        yield
    finally:
        _STORE.reset(token)


def reused(fn: Callable[..., T]) -> Callable[..., T]:
    """Mark ``fn(ws, ...)`` as a pure building block whose result a :func:`reuse` block may share.

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


def per_version(fn: Callable[..., T] | None = None, *, pool: str = "data"):
    """Mark ``fn(ws, ...)`` as depending on the workspace's data and its arguments alone: it runs
    once per workspace version and arguments, and the workspace holds the result
    (:meth:`analytics.store.workspace.Workspace.derived`, in ``pool``) for later page runs and filter
    changes. ``@per_version`` or ``@per_version(pool="filtered")``.

    Callers get a shallow copy of a DataFrame result, as with :func:`reused`.
    """
    if fn is None:
        return functools.partial(per_version, pool=pool)
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


def reusing(fn: Callable[..., T]) -> Callable[..., T]:
    """Run ``fn`` inside a :func:`reuse` block (for the entry points pages call)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with reuse():
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


def in_parallel(calls: Sequence[Callable[[], T]], workers: int = PARALLEL_WORKERS) -> list[T]:
    """Run independent computations on ``workers`` threads and return their results in order.

    The engine runs queries without the GIL, so one computation's query overlaps another's
    pandas work. Each call runs in a copy of the caller's context, so it shares the caller's
    :func:`reuse` store (the same dict); each thread reads the workspace through a cursor of
    its own (:attr:`analytics.store.workspace.Workspace.con`). An exception in any call is raised
    here, as it would be had the calls run one after another.
    """
    if workers <= 1 or len(calls) <= 1 or _ONE_AT_A_TIME.get():
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analytics") as pool:
        futures = [pool.submit(copy_context().run, call) for call in calls]
        return [f.result() for f in futures]
