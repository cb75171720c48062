"""Articles and what is taken from them: reading raw text, the seeds and curated
claims, proposing claims from an ingested article, exporting them back. Pure."""
