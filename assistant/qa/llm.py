"""LLM backends (OpenAI-compatible, Ollama) chosen by flags and environment.

`--llm openai` talks to any OpenAI-compatible chat-completions endpoint (DeepSeek,
DashScope/Qwen, vLLM, llama.cpp server, LM Studio, OpenAI itself) through llama-index's
`OpenAILike`; `--llm ollama` talks to Ollama's native API through llama-index's `Ollama`.
Flags override the environment: ASSISTANT_LLM, ASSISTANT_LLM_BASE_URL,
ASSISTANT_LLM_MODEL, ASSISTANT_LLM_API_KEY (environment only: keys do not belong on a
command line), ASSISTANT_LLM_TIMEOUT.

Every call goes through `chat_once` / `chat_stream`, which enforce the timeout on the
caller's side as well (the request runs in a worker thread), so a stalled endpoint can
never hold a question longer than the configured bound, and which turn every failure
into an `LLMError` whose text names the problem ("timeout after 5s", "HTTP 500", ...).
"""
from __future__ import annotations

import argparse
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator

BACKENDS = ("none", "openai", "ollama")
DEFAULT_TIMEOUT = 60.0
OLLAMA_URL = "http://127.0.0.1:11434"
# A streamed answer may go on for this many timeouts in all, as long as pieces keep coming.
STREAM_TOTAL_FACTOR = 5.0
# The caller waits this long beyond the client's own timeout, so the client's (more
# precise) error normally arrives first.
GRACE = 1.0


class LLMConfigError(ValueError):
    """The LLM configuration is incomplete or invalid."""


class LLMError(RuntimeError):
    """A call to the LLM failed; `str(e)` says how, in a few words."""


@dataclass(frozen=True)
class LLMConfig:
    backend: str            # "openai" (any OpenAI-compatible endpoint) or "ollama"
    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    temperature: float = 0.1
    max_tokens: int = 1024

    def __repr__(self) -> str:  # never print the key
        return (f"LLMConfig(backend={self.backend!r}, model={self.model!r}, "
                f"base_url={self.base_url!r}, timeout={self.timeout:g})")

    @property
    def where(self) -> str:
        return self.base_url or (OLLAMA_URL if self.backend == "ollama" else "?")


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", choices=list(BACKENDS), default=None,
                        help="answer with an LLM: 'openai' (any OpenAI-compatible endpoint) "
                             "or 'ollama' (default: $ASSISTANT_LLM or none: the extractive "
                             "answerer)")
    parser.add_argument("--llm-model", default=None, help="model name ($ASSISTANT_LLM_MODEL)")
    parser.add_argument("--llm-base-url", default=None,
                        help="endpoint, e.g. https://api.deepseek.com/v1 "
                             f"($ASSISTANT_LLM_BASE_URL; ollama default {OLLAMA_URL}); the "
                             "API key is read from $ASSISTANT_LLM_API_KEY")
    parser.add_argument("--llm-timeout", type=float, default=None,
                        help="seconds a request may take or a stream may stay silent "
                             f"($ASSISTANT_LLM_TIMEOUT, default {DEFAULT_TIMEOUT:g})")


def _timeout(value, origin: str) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise LLMConfigError(f"{origin} must be a number of seconds, not {value!r}") from None
    if not t > 0:
        raise LLMConfigError(f"{origin} must be more than 0 seconds, not {value!r}")
    return t


def config_from(backend: str | None = None, model: str | None = None,
                base_url: str | None = None, api_key: str | None = None,
                timeout: float | str | None = None,
                environ: dict | None = None) -> LLMConfig | None:
    """The LLM configuration from explicit values, falling back on the environment."""
    env = os.environ if environ is None else environ
    backend = (backend or env.get("ASSISTANT_LLM") or "none").strip().lower()
    if backend not in BACKENDS:
        raise LLMConfigError(f"unknown LLM backend {backend!r} (from --llm or $ASSISTANT_LLM):"
                             f" use one of {', '.join(BACKENDS)}")
    if backend == "none":
        return None
    model = (model or env.get("ASSISTANT_LLM_MODEL") or "").strip()
    base_url = (base_url or env.get("ASSISTANT_LLM_BASE_URL") or "").strip().rstrip("/")
    api_key = (api_key or env.get("ASSISTANT_LLM_API_KEY") or "").strip() or None
    if timeout is not None:
        seconds = _timeout(timeout, "--llm-timeout")
    elif env.get("ASSISTANT_LLM_TIMEOUT"):
        seconds = _timeout(env["ASSISTANT_LLM_TIMEOUT"], "$ASSISTANT_LLM_TIMEOUT")
    else:
        seconds = DEFAULT_TIMEOUT
    if not model:
        hint = " (e.g. qwen2.5:7b; `ollama list` shows yours)" if backend == "ollama" else \
            " (e.g. deepseek-chat, qwen-plus, or the name your server was started with)"
        raise LLMConfigError(f"--llm {backend} needs a model: give --llm-model or set "
                             f"$ASSISTANT_LLM_MODEL{hint}")
    if backend == "ollama":
        base_url = base_url or OLLAMA_URL
    elif not base_url:
        raise LLMConfigError("--llm openai needs the endpoint: give --llm-base-url or set "
                             "$ASSISTANT_LLM_BASE_URL (e.g. https://api.deepseek.com/v1, "
                             "http://127.0.0.1:8000/v1)")
    if not base_url.startswith(("http://", "https://")):
        raise LLMConfigError(f"the LLM endpoint must be an http:// or https:// URL, "
                             f"not {base_url!r}")
    return LLMConfig(backend=backend, model=model, base_url=base_url, api_key=api_key,
                     timeout=seconds)


def llm_from_args(args: argparse.Namespace) -> LLMConfig | None:
    """The configured LLM, or None for the extractive answerer (flags override env)."""
    return config_from(backend=getattr(args, "llm", None),
                       model=getattr(args, "llm_model", None),
                       base_url=getattr(args, "llm_base_url", None),
                       timeout=getattr(args, "llm_timeout", None))


# building ------------------------------------------------------------------------------
_CLIENTS: dict[LLMConfig, Any] = {}
_CLIENTS_LOCK = threading.Lock()


def build_llm(config: LLMConfig):
    """The llama-index LLM for a configuration (one shared client per configuration)."""
    with _CLIENTS_LOCK:
        if config in _CLIENTS:
            return _CLIENTS[config]
        if config.backend == "openai":
            from llama_index.llms.openai_like import OpenAILike

            llm = OpenAILike(model=config.model, api_base=config.base_url,
                             api_key=config.api_key or "not-needed", is_chat_model=True,
                             is_function_calling_model=False, timeout=config.timeout,
                             max_retries=0, temperature=config.temperature,
                             max_tokens=config.max_tokens, context_window=32768)
        elif config.backend == "ollama":
            from llama_index.llms.ollama import Ollama

            # context_window set: otherwise the client asks the server for it first.
            llm = Ollama(model=config.model, base_url=config.base_url or OLLAMA_URL,
                         request_timeout=config.timeout, temperature=config.temperature,
                         context_window=8192)
        else:
            raise LLMConfigError(f"unknown LLM backend {config.backend!r}")
        _CLIENTS[config] = llm
        return llm


# calling -------------------------------------------------------------------------------
def describe_error(e: BaseException, timeout: float) -> str:
    """A few words naming what went wrong with a call."""
    if isinstance(e, LLMError):
        return str(e)
    name = type(e).__name__
    try:
        import openai

        if isinstance(e, openai.APITimeoutError):
            return f"timeout after {timeout:g}s"
        if isinstance(e, openai.APIStatusError):
            return f"HTTP {e.status_code}"
        if isinstance(e, openai.APIConnectionError):
            cause = e.__cause__ or e.__context__
            return "cannot connect" + (f": {_short(cause)}" if cause else "")
        if isinstance(e, openai.APIResponseValidationError):
            return "malformed reply"
    except ImportError:  # pragma: no cover
        pass
    try:
        import httpx

        if isinstance(e, httpx.TimeoutException):
            return f"timeout after {timeout:g}s"
        if isinstance(e, (httpx.ConnectError, httpx.NetworkError)):
            return f"cannot connect: {_short(e)}"
    except ImportError:  # pragma: no cover
        pass
    try:
        import ollama

        if isinstance(e, ollama.ResponseError):
            return f"HTTP {e.status_code}" + (f": {_short(e.error)}" if e.error else "")
    except ImportError:  # pragma: no cover
        pass
    if isinstance(e, ConnectionError):
        return "cannot connect"
    if isinstance(e, TimeoutError):
        return f"timeout after {timeout:g}s"
    if isinstance(e, (ValueError, KeyError, IndexError, TypeError, AttributeError)):
        return f"malformed reply ({name})"
    return f"{name}: {_short(e)}"


def _short(x, n: int = 80) -> str:
    s = " ".join(str(x).split())
    return s if len(s) <= n else s[:n - 1] + "…"


def _messages(system: str, user: str):
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def chat_once(llm, system: str, user: str, timeout: float) -> str:
    """One non-streaming chat call; the reply text, or LLMError within `timeout` (+grace)."""
    box: "queue.Queue[tuple[str, Any]]" = queue.Queue()

    def work() -> None:
        try:
            resp = llm.chat(_messages(system, user))
            box.put(("ok", resp))
        except BaseException as e:  # noqa: BLE001 - everything is reported to the caller
            box.put(("error", e))

    threading.Thread(target=work, name="llm-chat", daemon=True).start()
    try:
        kind, value = box.get(timeout=timeout + GRACE)
    except queue.Empty:
        raise LLMError(f"timeout after {timeout:g}s") from None
    if kind == "error":
        raise LLMError(describe_error(value, timeout)) from value
    message = getattr(value, "message", None)
    if message is None:
        raise LLMError("malformed reply (no message)")
    content = message.content
    if content is not None and not isinstance(content, str):
        raise LLMError("malformed reply (message is not text)")
    if not content or not content.strip():
        raise LLMError("empty reply")
    return content


def chat_stream(llm, system: str, user: str, timeout: float,
                total: float | None = None) -> Iterator[str]:
    """A streaming chat call: text pieces as they come.

    Raises LLMError when the endpoint fails, stays silent for `timeout` seconds (before
    the first piece or between two), or runs past `total` seconds in all
    (default STREAM_TOTAL_FACTOR x timeout). An empty reply is an error too.
    """
    total = total if total is not None else STREAM_TOTAL_FACTOR * timeout
    box: "queue.Queue[tuple[str, Any]]" = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in llm.stream_chat(_messages(system, user)):
                if stop.is_set():
                    break
                delta = getattr(chunk, "delta", None)
                if delta is not None and not isinstance(delta, str):
                    raise LLMError("malformed reply (piece is not text)")
                if delta:
                    box.put(("delta", delta))
            box.put(("done", None))
        except BaseException as e:  # noqa: BLE001
            box.put(("error", e))

    threading.Thread(target=work, name="llm-stream", daemon=True).start()
    t0 = time.monotonic()
    got = False
    try:
        while True:
            left = total - (time.monotonic() - t0)
            if left <= 0:
                raise LLMError(f"reply not finished after {total:g}s")
            try:
                kind, value = box.get(timeout=min(timeout + GRACE, left))
            except queue.Empty:
                raise LLMError(f"timeout after {timeout:g}s") from None
            if kind == "delta":
                got = got or bool(value.strip())
                yield value
            elif kind == "done":
                if not got:
                    raise LLMError("empty reply")
                return
            else:
                raise LLMError(describe_error(value, timeout)) from value
    finally:
        stop.set()
