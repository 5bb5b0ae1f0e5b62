"""The interface's languages: one catalogue file per language in this folder
(`en.json`, `zh-CN.json`, `zh-TW.json`), each mapping a key to the text shown.

- `pick_language(accept_language)`: the language for a browser, from its
  Accept-Language header (or `navigator.language`): zh-CN (and zh, zh-Hans, zh-SG) ->
  Simplified Chinese; zh-TW, zh-HK, zh-MO, zh-Hant -> Traditional Chinese; anything
  else -> English. Only the browser's first language counts: a browser set to English
  first gets English even when it also lists Chinese.
- `t(lang, key, **values)`: the text of `key` in `lang`, its {placeholders} filled;
  a key missing in a catalogue falls back to English (tests check none is missing).
- `I18N`: the same catalogues as a `gr.I18n`, so the components' labels are in the
  browser's language on the first paint (Gradio translates them in the page); the page
  load then sets every text from the session's language (the switch on the page can
  differ from the browser's).
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

LANGUAGES = ("zh-CN", "zh-TW", "en")
DEFAULT = "en"
NAMES = {"zh-CN": "简体中文", "zh-TW": "繁體中文", "en": "English"}


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    text = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def normalize(lang: str | None) -> str:
    """One of LANGUAGES for a language tag ('zh-Hant-HK', 'zh_tw', 'en-US' ...)."""
    tag = (lang or "").strip().replace("_", "-").lower()
    if not tag.startswith("zh"):
        return DEFAULT
    parts = tag.split("-")[1:]
    if any(p in ("tw", "hk", "mo", "hant") for p in parts):
        return "zh-TW"
    return "zh-CN"


def pick_language(accept_language: str | None) -> str:
    """The interface language for an Accept-Language header: its first (highest-q)
    language decides."""
    best, best_q = None, -1.0
    for i, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        if not tag or tag == "*":
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = tag, q
    return normalize(best)


def valid(lang: object) -> str | None:
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def t(lang: str | None, key: str, **values) -> str:
    """The text of `key` in `lang` (English when the catalogue lacks it)."""
    text = catalogue(valid(lang) or DEFAULT).get(key)
    if text is None:
        text = catalogue(DEFAULT)[key]
    return text.format(**values) if values else text


def i18n():
    """The catalogues as a gr.I18n (Gradio's own locale codes: en, zh-CN, zh-TW)."""
    import gradio as gr

    return gr.I18n(**{lang: catalogue(lang) for lang in LANGUAGES})
