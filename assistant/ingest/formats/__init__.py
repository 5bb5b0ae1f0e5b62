"""The per-format readers: each turns one kind of file into page text or articles
(`ingest/readers.py` chooses the reader for a file)."""
