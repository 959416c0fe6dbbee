"""A process's own peak memory, read the same way by the bench and its workers."""

from __future__ import annotations

import resource
from pathlib import Path


def own_peak_rss_mb() -> float:
    """This process's own peak resident set since it started (``VmHWM``), in MB.

    Not ``ru_maxrss``: a worker is started by fork and exec from the bench, and Linux carries
    the larger of the old and new high-water marks across exec, so ``ru_maxrss`` reported the
    bench process's own size when that was larger (the analytics child at 100% read 3.1 GB
    where its own peak was 2.0 GB).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def reset_own_peak_rss() -> bool:
    """Start this process's ``VmHWM`` again from its current resident set (Linux >= 4.0);
    False when the kernel does not allow it (the peak then still counts from the start)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False
