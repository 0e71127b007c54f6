"""Ingest: files -> sources and turns -> redacted chunks -> embeddings -> the store."""
