"""LLM backends (OpenAI-compatible, Ollama) chosen by flags and environment."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass


@dataclass
class LLMConfig:
    backend: str            # "openai" (any OpenAI-compatible endpoint) or "ollama"
    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", choices=["none", "openai", "ollama"], default=None,
                        help="answer with an LLM (default: $ASSISTANT_LLM or none: "
                             "the extractive answerer)")
    parser.add_argument("--llm-model", default=None, help="model name ($ASSISTANT_LLM_MODEL)")
    parser.add_argument("--llm-base-url", default=None, help="endpoint ($ASSISTANT_LLM_BASE_URL)")
    parser.add_argument("--llm-timeout", type=float, default=None,
                        help="seconds per request ($ASSISTANT_LLM_TIMEOUT, default 60)")


def llm_from_args(args: argparse.Namespace) -> LLMConfig | None:
    """The configured LLM, or None for the extractive answerer."""
    backend = getattr(args, "llm", None) or os.environ.get("ASSISTANT_LLM") or "none"
    if backend == "none":
        return None
    raise NotImplementedError("LLM answers are not available yet")
