"""The load script at a small size: 3 Slack HTTP workers on one PostgreSQL database.

The full-size run (600 requests at concurrency 60, 100 retries) is
`python tests/load_slack.py`; here the same guarantees are checked on a
smaller load so CI can afford it: every request acknowledged within 3 s,
every question answered exactly once though retries land on other workers,
a retraction through one worker reaching the others within a second, and
three schedulers posting each due digest once.
"""

from __future__ import annotations

import os

import pytest

from tests.load_slack import broken, run


@pytest.mark.skipif(os.environ.get("TALKSBOT_TEST_POSTGRES") == "0", reason="PostgreSQL tests switched off")
async def test_three_workers_answer_every_request_once_and_agree_on_the_facts() -> None:
    result = await run(requests=60, concurrency=20, retries=15, workers=3, channels=12)
    assert result["requests"] == 75
    assert (result["lost"], result["doubled"]) == (0, 0)
    assert (result["digest_posts"], result["digests_doubled"], result["digests_missed"]) == (12, 0, 0)
    assert broken(result) == []
