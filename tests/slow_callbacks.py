"""Run a module with asyncio's debug mode on and every callback over 50 ms reported.

    python -m tests.slow_callbacks adapters.main run slack --http --port 3000

asyncio then logs each callback (a task step, a handler) that held the event loop
longer than SLOW_CALLBACK_S: "Executing <Task …> took 0.123 seconds" (logger
"asyncio", WARNING). That is wall time, which on a shared machine includes time
the process waited for a core; so each callback is also timed in CPU time, and
one that used over SLOW_CALLBACK_S of CPU is logged with where its step began
and ended ("Callback used 0.061 s of CPU …"). `tests/load_slack.py
--slow-callbacks` starts its workers this way and reports the worst of both.
Not collected by pytest.
"""

from __future__ import annotations

import asyncio
import logging
import re
import runpy
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

# The rule: no single request may hold the event loop longer than this.
SLOW_CALLBACK_S = 0.05
# What asyncio logs for one slow callback (asyncio/base_events.py, _run_once), after the
# time the log format puts first (bot/cli.py: "%(asctime)s %(levelname)s %(name)s: …").
REPORTED = re.compile(r"Executing (?P<what>.+?) took (?P<seconds>\d+\.\d+) seconds")
_LOGGED_AT = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


CPU_REPORTED = re.compile(r"Callback used (?P<seconds>\d+\.\d+) s of CPU (?P<what>.+)")
log = logging.getLogger("talksbot.slow_callbacks")


def _where(handle: asyncio.Handle) -> str:
    """The innermost frame of the task a handle steps (where it waits now), else the callback."""
    callback = handle._callback
    owner = getattr(callback, "__self__", None)  # Task.__step is bound to its task
    if not isinstance(owner, asyncio.Task):
        # By name only: repr() would run the owner's own __repr__ inside the loop's step.
        return str(getattr(callback, "__qualname__", type(callback).__qualname__))
    coro: Any = owner.get_coro()
    while getattr(coro, "cr_await", None) is not None and hasattr(coro.cr_await, "cr_frame"):
        coro = coro.cr_await
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return owner.get_name()
    return f"{frame.f_code.co_filename.rsplit('/', 2)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"


def _timed_run(self: asyncio.Handle) -> None:
    before = _where(self)
    cpu, wall = time.thread_time(), time.monotonic()
    _REAL_RUN(self)
    cpu, wall = time.thread_time() - cpu, time.monotonic() - wall
    if cpu >= SLOW_CALLBACK_S:
        log.warning("Callback used %.3f s of CPU (%.3f s wall) from %s to %s", cpu, wall, before, _where(self))


_REAL_RUN = asyncio.Handle._run


class _SlowCallbackPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = SLOW_CALLBACK_S
        return loop


def slow_callbacks(log: Path, pattern: re.Pattern[str] = REPORTED) -> list[tuple[float, str, datetime | None]]:
    """(seconds, what, when logged) of every slow callback reported in `log`, worst first;
    `pattern=CPU_REPORTED` for those that used over 50 ms of CPU."""
    found = []
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        m = pattern.search(line)
        if m:
            at = _LOGGED_AT.match(line)
            when = datetime.strptime(at.group(1), "%Y-%m-%d %H:%M:%S,%f") if at else None
            found.append((float(m["seconds"]), m["what"], when))
    return sorted(found, key=lambda hit: hit[0], reverse=True)


def main() -> None:
    asyncio.set_event_loop_policy(_SlowCallbackPolicy())
    asyncio.Handle._run = _timed_run  # type: ignore[method-assign]
    module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
