"""Files made for one login are served to that login only (issue 19 item 5).

Gradio serves every file a component returns from its cache, to anyone who has the link
(`/gradio_api/file=<path>`): with `--auth`, another login could fetch a conversation
export or talking points by their path. `OwnedFiles` records who each file the UI makes
belongs to (by its name, which the export code makes unique: the conversation id, or a
random part); `OwnerOnly`, an ASGI middleware given to Gradio's FastAPI app, answers 404
to a request for such a file from any other login (whoever is logged in by Gradio's
session cookie). Files nobody registered (the UI's own assets, upload previews) pass.
Without `--auth` there is no login to tell owners apart: the server is local then.
"""
from __future__ import annotations

import threading
from pathlib import Path


class OwnedFiles:
    """{file name: owner} of the files the UI made for someone."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}
        self._lock = threading.Lock()

    def register(self, path: str | Path, owner: str | None) -> None:
        if owner:
            with self._lock:
                self._owners[Path(path).name] = owner

    def owner_of(self, name: str) -> str | None:
        with self._lock:
            return self._owners.get(name)


def _login_of(scope) -> str | None:
    """The login of an HTTP request, as Gradio's own file route checks it."""
    from starlette.requests import Request

    app = scope.get("app")
    cookie_id = getattr(app, "cookie_id", None)
    tokens = getattr(app, "tokens", None)
    if cookie_id is None or tokens is None:
        return None
    cookies = Request(scope).cookies
    token = cookies.get(f"access-token-{cookie_id}") or \
        cookies.get(f"access-token-unsecure-{cookie_id}")
    return tokens.get(token)


class OwnerOnly:
    """ASGI middleware: a registered file only for its owner's login (404 for others)."""

    def __init__(self, app, files: OwnedFiles) -> None:
        self.app = app
        self.files = files

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http" and "/file=" in scope.get("path", ""):
            name = scope["path"].rsplit("/", 1)[-1]
            owner = self.files.owner_of(name)
            app = scope.get("app")
            if owner is not None and getattr(app, "auth", None):
                user = _login_of(scope)
                if f"user:{user}" != owner:
                    await send({"type": "http.response.start", "status": 404,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b"Not Found"})
                    return
        await self.app(scope, receive, send)
