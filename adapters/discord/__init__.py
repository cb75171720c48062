"""The Discord adapter: slash commands, answer embeds, feedback buttons and digests.

Entry points live in `adapters.discord.runner` (`run_discord`, `sync_commands`).
"""
