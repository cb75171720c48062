"""The claim store: articles, curated claims, the SQLite store and the matcher."""
