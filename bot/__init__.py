"""The platform-neutral core of talksbot: service, replies, corrections, digests, CLI."""
