"""Handing freed memory back to the system.

Arrow's allocator (mimalloc) and glibc's malloc keep freed pages for reuse. That is right for
small work, but after a session closes, or between the steps of a large import, the process
would otherwise stay at its high point: a large import held its freed pages from one step
into the next (measured in ``make bench``; benchmarks/RESULTS.md).
"""

from __future__ import annotations

import ctypes
import gc
import sys


def return_memory(collect: bool = True) -> None:
    """Collect garbage (unless ``collect`` is False: between steps that leave no reference
    cycles, where a full collection costs time for nothing), release Arrow's unused pool
    pages and trim the C heap."""
    if collect:
        gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # an Arrow build without the call: nothing to return
        pass
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass
