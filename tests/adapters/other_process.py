"""A moderator's change made from another process: `python -m adapters.main …` on the same database."""

from __future__ import annotations

import asyncio
import os
import sys


async def in_other_process(db: str, *argv: str) -> str:
    """Run the CLI in a second Python process on `db`; returns its stdout (it must succeed).

    Nothing is shared in memory: the bot under test learns of the change only
    through the database (the content version and the outbox rows).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKSBOT_") or k.startswith("TALKSBOT_TEST_")}
    env.update(TALKSBOT_DB=db, TALKSBOT_OPERATOR="process-b")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.main",
        *argv,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()
