"""The knowledge a bot answers from: `articles` (reading and ingesting articles),
`answering` (the index and matcher, pure), `store` (the database and its backends).

Shared vocabulary sits at this level: `models`, `posted`, `errors`, `history`, `paths`.
"""
