"""Answering a question over the index: reading the question, extractive and LLM answers, verification, calibration."""
