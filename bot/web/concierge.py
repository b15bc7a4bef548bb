"""The web chat's JSON: sign-in (`/api/session`) and `POST /api/chat` (the CONTRACT turn).

The page is Mission Control's `/concierge` (``bot.web.pages``), whose docked chat posts here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from access_core.directory import people_by_name
from access_core.lookup import person_by_ref
from bot.web import csrf
from bot.web.auth import bearer, demo_mode, end_session, person_for_token, signed_in, start_session
from bot.web.turns import Turns


class ChatIn(BaseModel):
    message: str = Field(max_length=4000)
    as_: str | None = Field(default=None, alias="as", max_length=320)
    plan: str | None = Field(default=None, max_length=64)
    """The plan id a button answers (the ``X-Concierge-Plan`` header of the turn that proposed it)."""


class SignIn(BaseModel):
    as_: str | None = Field(default=None, alias="as", max_length=320)
    token: str | None = Field(default=None, max_length=200)


def router(turns: Turns) -> APIRouter:
    api = APIRouter(dependencies=[Depends(csrf.check)])
    database = turns.database

    @api.get("/api/session")
    def whoami(request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {"person": signed_in(request), "demo": demo_mode(), "csrf": csrf.token(request)}
        if demo_mode():
            with database.session() as session:
                body["people"] = [{"handle": p.handle, "name": p.label} for p in people_by_name(session)]
        return body

    @api.post("/api/session")
    def sign_in(request: Request, body: SignIn) -> dict[str, Any]:
        with database.session() as session:
            if body.token:
                person = person_for_token(session, body.token)
            elif body.as_ and demo_mode():
                person = person_by_ref(session, body.as_)
            else:
                raise HTTPException(403, "sign in with an access token (`concierge token --as WHO`)")
            if person is None:
                raise HTTPException(403, "unknown person or token")
            person_id, answer = person.id, {"person": person.handle, "name": person.label}
        start_session(request, database, person_id, body.token)
        return {**answer, "csrf": csrf.token(request)}  # the new session's token, for the X-CSRF-Token header

    @api.delete("/api/session")
    def sign_out(request: Request) -> dict[str, Any]:
        end_session(request, database)
        return {"person": None}

    @api.post("/api/chat")
    async def chat(request: Request, response: Response, body: ChatIn) -> dict[str, Any]:
        """One message from the signed-in person (or a bearer token's); the CONTRACT turn back, and the id of the plan
        waiting for yes/no in the ``X-Concierge-Plan`` header."""
        token = bearer(request)
        if token:
            caller = await run_in_threadpool(_token_holder, token)
        elif body.as_ and demo_mode():
            caller = body.as_
        else:  # the page's session is looked up in the database: off the event loop
            caller = await run_in_threadpool(_caller, request, body.as_)
        answer = await turns.aexchange("web", caller, body.message, plan=body.plan)
        if answer.plan is not None:
            response.headers["X-Concierge-Plan"] = answer.plan
        return answer.turn

    def _token_holder(token: str) -> str:
        with database.session() as session:
            person = person_for_token(session, token)
            if person is None:
                raise HTTPException(401, "invalid bearer token", headers={"WWW-Authenticate": "Bearer"})
            return person.handle

    return api


def _caller(request: Request, as_: str | None) -> str:
    if as_ and demo_mode():
        return as_
    handle = signed_in(request)
    if handle is None:
        raise HTTPException(401, "sign in first")
    return handle
