"""The web surface: public claim and article pages, and the moderators' console.

A third adapter beside Discord and Slack: it turns HTTP requests into service
calls and service results into escaped HTML; it never touches the store.
"""
