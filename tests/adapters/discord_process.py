"""`talksbot` in a child process whose Discord REST calls go to a loopback fake. Tests only.

`python -m tests.adapters.discord_process run discord`, with the fake's base URL in
TALKSBOT_TEST_DISCORD_API_URL. Why here and not a setting: see `point_discord_at`.
"""

from __future__ import annotations

import os
import sys

from adapters.main import main
from tests.adapters.discord_fakes import point_discord_at

if __name__ == "__main__":
    point_discord_at(os.environ["TALKSBOT_TEST_DISCORD_API_URL"])
    sys.exit(main())
