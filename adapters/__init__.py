"""Thin Discord and Slack adapters: platform events in, core calls, Replies out."""
