"""Question answering over news articles with citations to the exact source passages."""

__version__ = "0.1.0"
