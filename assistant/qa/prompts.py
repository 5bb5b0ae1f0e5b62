"""The prompt templates: text in `prompts/NAME.txt`, rendered by llama-index's ChatPromptTemplate.

A file holds '#' comment lines, then a '=== system ===' part, the fixed system message,
and a '=== user ===' part, the user message template, whose only variables are
{question}, {sources} and {history}. `Prompt.template` is a ChatPromptTemplate of a
system and a user `ChatMessage`; `format_messages` fills the placeholders in one pass over
the template (llama-index's SafeFormatter), so what goes in (an article inside {sources},
a question) is never scanned again: a "{question}" or any other braces inside it stay as
they are, and an unknown {name} in the template is left alone.

The folder is shipped in the package as `assistant.prompts` (pyproject maps the top-level
`prompts/` there), like the seed corpus as `assistant.seeds`; `data_folder` finds either
in an installed wheel, and the top-level folder in a source checkout or editable install.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.prompts import ChatPromptTemplate

SOURCE_ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("question", "sources", "history")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")


def data_folder(package: str, source: Path) -> Path:
    """The folder of a data package (`assistant.prompts`, `assistant.seeds`).

    Installed from a wheel, the folder lies inside the installed package. In a source
    checkout the import fails, and so it does in an editable install (setuptools' editable
    finder maps only packages that have an __init__.py): then `source`, the top-level
    folder of the checkout, is the one.
    """
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        return source
    if isinstance(folder, Path):
        return folder
    # A data folder has no __init__.py, so it imports as a namespace package and files()
    # gives a MultiplexedPath; before Python 3.12 `as_file` cannot make that a folder, so
    # its location comes from the package's __path__.
    for location in importlib.import_module(package).__path__:
        if Path(location).is_dir():
            return Path(location)
    return source


PROMPTS_DIR = data_folder("assistant.prompts", SOURCE_ROOT / "prompts")


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    template: ChatPromptTemplate = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "template", ChatPromptTemplate(message_templates=[
            ChatMessage(role=MessageRole.SYSTEM, content=self.system),
            ChatMessage(role=MessageRole.USER, content=self.user)]))

    def messages(self, **values: str) -> list[ChatMessage]:
        """The system message (fixed text) and the user message, filled in one pass."""
        return self.template.format_messages(**{k: str(v) for k, v in values.items()})

    def render(self, **values: str) -> tuple[str, str]:
        """The two messages' texts, as `llm.chat_once` and `llm.chat_stream` take them."""
        system, user = self.messages(**values)
        return system.content, user.content


_PROMPTS: dict[tuple[str, str], Prompt] = {}


def load_prompt(name: str, folder: Path | None = None) -> Prompt:
    """prompts/NAME.txt: '#' comment lines, then '=== system ===' and '=== user ===' parts."""
    folder = PROMPTS_DIR if folder is None else folder
    key = (str(folder), name)
    if key in _PROMPTS:
        return _PROMPTS[key]
    path = folder / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^=== system ===\n(.*?)^=== user ===\n(.*)\Z", text, re.S | re.M)
    if not m:
        raise ValueError(f"{path}: expected '=== system ===' and '=== user ===' sections")
    system, user = m.group(1).strip(), m.group(2).strip()
    if _PLACEHOLDER.search(system):
        raise ValueError(f"{path}: the system message is fixed text; "
                         f"{_PLACEHOLDER.search(system).group(0)} belongs in the user part")
    prompt = Prompt(system=system, user=user)
    _PROMPTS[key] = prompt
    return prompt
