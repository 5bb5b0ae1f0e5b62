"""A built wheel carries the prompts and the seed corpus: the CLI works from any folder.

The wheel is built from a copy of the checkout (so no build/ or egg-info lands in the
repository) and installed with --no-deps into a fresh venv; the heavy dependencies come
from this test run's own site-packages through a .pth line (a plain path line: the .pth
files there, among them the editable install's finder, are not run), so the `assistant`
that runs is the installed one. The commands run in a folder with no seeds/ and no
prompts/, and one of them talks to a real OpenAI-compatible HTTP server. An editable
install of the same copy (what the Makefile does) reads the checkout's top-level folders.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import tomllib
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.qa.prompts import load_prompt
from test_llm import Handler, Script, messages, source_with

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "乐业物业有多少名职工？"
STAFF = "职工367人"


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert out.returncode == 0, f"{cmd}\n{out.stdout}\n{out.stderr}"
    return out


def _source_copy(dst: Path) -> Path:
    """The files a build reads: top-level files, the package and the mapped data folders."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = {"assistant", *config["tool"]["setuptools"].get("package-dir", {}).values()}
    dst.mkdir()
    for f in ROOT.iterdir():
        if f.is_file():
            shutil.copy2(f, dst / f.name)
    for name in folders:
        shutil.copytree(ROOT / name, dst / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return dst


def _venv(path: Path) -> tuple[Path, Path]:
    """A fresh venv without pip of its own: its python and its site-packages."""
    _run([sys.executable, "-m", "venv", "--without-pip", path])
    python = path / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    return python, Path(site.stdout.strip())


def _see_dependencies(site: Path) -> None:
    """A plain path line: this run's site-packages, after the venv's own."""
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


def _pip_install(python: Path, *args) -> None:
    """This run's pip, installing into the venv of `python` (no network, no dependencies)."""
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
          "--no-index", "--disable-pip-version-check", "-q", *args])


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("packaging")
    src = _source_copy(tmp / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "--disable-pip-version-check", "-q", "-w", tmp / "wheels", src])
    wheel = next((tmp / "wheels").glob("news_assistant-*.whl"))
    venv = tmp / "venv"
    python, site = _venv(venv)
    _pip_install(python, wheel)      # before the .pth: the venv sees no other assistant yet
    _see_dependencies(site)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("ASSISTANT_")}
    return {"venv": venv, "python": python, "site": site, "wheel": wheel, "cwd": elsewhere,
            "env": env, "index": tmp / "idx", "src": src, "tmp": tmp}


def _ask(installed, *args, venv: Path | None = None) -> dict:
    out = _run([(venv or installed["venv"]) / "bin" / "assistant", "ask", "--json", "--index-dir",
                installed["index"], *args, QUESTION],
               cwd=installed["cwd"], env=installed["env"], timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _locations(installed, python: Path) -> list[Path]:
    """Where the venv of `python` imports assistant from and finds the prompts and seeds."""
    out = _run([python, "-c",
                "import json, assistant\n"
                "from assistant.qa.prompts import PROMPTS_DIR\n"
                "from assistant.service.pipeline import default_seeds\n"
                "print(json.dumps([assistant.__file__, str(PROMPTS_DIR),"
                " str(default_seeds().resolve())]))"],
               cwd=installed["cwd"], env=installed["env"])
    return [Path(p) for p in json.loads(out.stdout)]


def test_wheel_carries_prompts_and_seeds(installed):
    import zipfile

    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for f in (ROOT / "prompts").glob("*.txt"):
        assert f"assistant/prompts/{f.name}" in names
    for f in (ROOT / "seeds").iterdir():
        assert f"assistant/seeds/{f.name}" in names
    package, prompts, seeds = _locations(installed, installed["python"])
    site = installed["site"]
    assert package == site / "assistant" / "__init__.py"        # not the repository's
    assert prompts == site / "assistant" / "prompts" and (prompts / "answer_zh.txt").is_file()
    assert seeds == site / "assistant" / "seeds"


def test_wheel_carries_every_module_and_data_file(installed):
    """Every module and data file of the package is in the wheel (a sub-package missing from
    pyproject's list ships its data files without its code: the UI's i18n once did, and
    `assistant serve` failed to import from an installed wheel)."""
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    package = ROOT / "assistant"
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.suffix != ".pyc"]
    assert files
    missing = sorted(p.relative_to(ROOT).as_posix() for p in files
                     if p.relative_to(ROOT).as_posix() not in names)
    assert not missing, f"not in the wheel: {missing}"
    _run([installed["python"], "-c", "import assistant.apps.ui, assistant.index.calibration as c;"
          " assert c.table()"], cwd=installed["cwd"], env=installed["env"])


def test_installed_cli_answers_from_any_folder(installed):
    turn = _ask(installed)        # no index yet: built from the packaged seeds first
    assert turn["found"] and turn["citations"], turn
    assert any(re.search(r"\d", c["passage"]) for c in turn["citations"])
    assert any(STAFF in c["passage"] for c in turn["citations"])
    assert not (installed["cwd"] / "seeds").exists()


def test_installed_cli_with_an_openai_server(installed):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.script = script = Script()
    script.reply = lambda body: {
        "content": f"浙江乐业物业有限公司有职工367人[{source_with(body, STAFF)}]。"}
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        turn = _ask(installed, "--llm", "openai", "--llm-base-url", base_url,
                    "--llm-model", "test", "--llm-timeout", "30")
    finally:
        script.stop.set()
        httpd.shutdown()
        httpd.server_close()
    assert len(script.requests) == 1 and script.requests[0]["model"] == "test"
    system, user = messages(script.requests[0])
    packaged = load_prompt("answer_zh", folder=installed["site"] / "assistant" / "prompts")
    assert system == packaged.system == load_prompt("answer_zh").system
    assert user.count(QUESTION) == 2 and STAFF in user
    assert turn["found"] and not turn.get("notice"), turn
    # a count asked: the exact span of the verified cited passage first, as [1], then the reply
    assert turn["answer"] == "367人[1]。浙江乐业物业有限公司有职工367人[2]。"
    assert turn["short_answer"] == {"text": "367人", "n": 1}
    assert turn["citations"][0]["passage"] == "367人"
    assert STAFF in turn["citations"][1]["passage"] and turn["verification"]["kept"] == 1


def test_editable_install_uses_the_checkout_folders(installed):
    """`pip install -e .` (the Makefile's) finds the top-level prompts/ and seeds/."""
    venv = installed["tmp"] / "editable"
    python, site = _venv(venv)
    _see_dependencies(site)          # first: the build backend (setuptools) comes from there
    _pip_install(python, "--no-build-isolation", "-e", installed["src"])
    src = installed["src"]
    assert _locations(installed, python) == [src / "assistant" / "__init__.py",
                                             src / "prompts", src / "seeds"]
    turn = _ask(installed, venv=venv)
    assert turn["found"] and any(STAFF in c["passage"] for c in turn["citations"]), turn
