"""Handing freed memory back to the system, and the allocator a large import runs on.

Arrow's allocator (mimalloc) and glibc's malloc keep freed pages for reuse. That is right for
small work, but after a session closes, or between the steps of a large import, the process
would otherwise stay at its high point: a large import held its freed pages from one step
into the next (measured in ``make bench``; benchmarks/RESULTS.md).

An import allocates and frees column-sized buffers (tens to hundreds of megabytes) one after
another. Arrow's mimalloc hands each back to the system and takes it again (the kernel's time
was half of a 1,000,000-deal import's), where jemalloc reuses them, at a lower high point:
:func:`import_allocator` runs an import's Arrow work on jemalloc (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pyarrow as pa


def _jemalloc() -> pa.MemoryPool | None:
    """Arrow's jemalloc pool, or None where this Arrow build has none (Windows, some macOS)."""
    try:
        pool = pa.jemalloc_memory_pool()
    except (NotImplementedError, AttributeError, pa.ArrowException):
        return None
    # freed pages go back to the system at once: with jemalloc's default delay the 1M-deal import
    # peaked at 2,308 MB against 1,844 MB with none, and took no longer (benchmarks/RESULTS.md)
    with suppress(NotImplementedError, AttributeError, pa.ArrowException):
        pa.jemalloc_set_decay_ms(0)
    return pool


_pool_lock = threading.Lock()
#: imports running on :func:`import_allocator` now (several sessions may import at once), and
#: the pool that was the default before the first of them
_pool_users = [0]
_pool_before: list[pa.MemoryPool | None] = [None]


@contextmanager
def import_allocator() -> Iterator[None]:
    """Arrow's default allocator is jemalloc while the block runs (the process's own default
    again once the last import running ends; nothing changes where there is no jemalloc).
    Arrays made meanwhile keep their pool, so one freed later goes back where it came from; the
    switch holds no data, only which allocator new buffers come from."""
    pool = _jemalloc()
    if pool is None:
        yield
        return
    with _pool_lock:
        if not _pool_users[0]:
            _pool_before[0] = pa.default_memory_pool()
            pa.set_memory_pool(pool)
        _pool_users[0] += 1
    try:
        yield
    finally:
        with _pool_lock:
            _pool_users[0] -= 1
            if not _pool_users[0] and _pool_before[0] is not None:
                pa.set_memory_pool(_pool_before[0])
                _pool_before[0] = None
        pool.release_unused()


def return_memory(collect: bool = True) -> None:
    """Collect garbage (unless ``collect`` is False: between steps that leave no reference
    cycles, where a full collection costs time for nothing), release Arrow's unused pool
    pages (the default pool's and jemalloc's, which an import runs on) and trim the C heap."""
    if collect:
        gc.collect()
    try:
        pools = {id(p): p for p in (pa.default_memory_pool(), _jemalloc()) if p is not None}
        for pool in pools.values():
            pool.release_unused()
    except Exception:  # an Arrow build without the call: nothing to return
        pass
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass
