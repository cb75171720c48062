"""The Slack adapter: slash command, mentions, DMs, Block Kit answers, correction modal, digests.

A thin translator: Slack requests in, core calls, `Reply` → Block Kit out.
Nothing in `bot/` or `knowledge/` imports this package.
"""
