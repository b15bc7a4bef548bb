"""The pages' own files (CSS, script, icon, the pinned htmx): only files shipped in ``bot/web/static``, by exact name."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response

from bot.web.pages.common import WEB, Pages

STATIC = WEB / "static"
TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".txt": "text/plain"}
FILES = {path.relative_to(STATIC).as_posix(): path for path in STATIC.rglob("*") if path.is_file() and path.suffix in TYPES}
"""Every servable file, known at start-up: nothing outside the folder can be named."""


def add_routes(api: APIRouter, _pages: Pages) -> None:
    @api.get("/static/{name:path}")
    def static_file(name: str) -> Response:
        path = FILES.get(name)
        if path is None:
            raise HTTPException(404, "no such file")
        return FileResponse(path, media_type=TYPES[path.suffix], headers={"cache-control": "public, max-age=3600"})

    @api.get("/favicon.ico")
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=301)
