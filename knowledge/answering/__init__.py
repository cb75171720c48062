"""Answering a question from the claims: text analysis, the BM25 index and its
snapshot, the matcher and its checks. Pure: no I/O but the snapshot file."""
