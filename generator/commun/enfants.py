"""Child processes that end with the build that started them.

A build forks workers (extraction, exports, search) and starts MkDocs. If the build is killed, a
child left running would go on writing into `content/` or a cache while the next build writes
there too. Each child asks the kernel to kill it when its parent dies (Linux `PR_SET_PDEATHSIG`):
`lier_au_parent(pid du parent)` is called first thing in a forked child (or as a pool's initializer,
or as `preexec_fn` of a subprocess).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal

_PR_SET_PDEATHSIG = 1


def processus() -> int:
    """Worker processes for the extraction (and OCR): one per core (RPC_PROCESSUS overrides)."""
    return max(1, int(os.environ.get("RPC_PROCESSUS") or os.cpu_count() or 1))


def temps_cpu() -> float:
    """CPU seconds of this process and of its finished children (workers, exports, MkDocs): what the
    build reports per stage beside their wall time."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def lier_au_parent(parent: int) -> None:
    """Die with the parent process `parent` (its PID, read before the fork): SIGKILL when it ends;
    if it already died, die now."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: children may outlive a killed build
        return
    if os.getppid() != parent:  # the parent died between the fork and the call above
        os._exit(1)
