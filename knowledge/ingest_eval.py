"""`python -m knowledge.ingest_eval`: the leave-one-article-out table under the name the
team's issue gives it. The measurement lives beside what it measures, in
`knowledge.articles.ingest_eval`; this only runs it."""

from __future__ import annotations

import sys

from knowledge.articles.ingest_eval import main

if __name__ == "__main__":
    sys.exit(main())
