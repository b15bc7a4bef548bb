"""Mission Control: every section of the product as a server-rendered page, the concierge chat docked beside it."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bot.web import csrf
from bot.web.pages import activity, agent, chat, concierge, devices, doors, home, keycards, keys, managers, people, schedules, static
from bot.web.pages.common import Pages
from bot.web.turns import Turns


def router(turns: Turns) -> APIRouter:
    """The pages, their static files and the sign-in."""
    pages = Pages(turns.database)
    api = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.check)])
    for section in (home, people, keys, schedules, doors, activity, managers, keycards, devices, concierge, agent, static):
        section.add_routes(api, pages)
    chat.add_routes(api, pages, turns)
    return api
