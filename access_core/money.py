"""Prices in the property's own currency, through Babel: a Dublin building charges in euro, a Toronto one in dollars.

The currency is the one the property's country tenders (``holidays``' country, read the same way as for
its public holidays: the property's ``country`` field, else its address and time zone)."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_currency, get_territory_currencies

from access_core.holiday_names import Located, place_of

DEFAULT = "USD"
LOCALES = {"USD": "en_US", "CAD": "en_CA", "AUD": "en_AU", "NZD": "en_NZ", "GBP": "en_GB", "EUR": "en_IE"}
"""How a price is written for the people who pay in that currency ("$89.00" in Toronto, "€18.00" in Dublin)."""


def currency_of(prop: Located) -> str:
    """The ISO 4217 code of the money of the property's country (US dollars when its country is unknown)."""
    country, _ = place_of(prop)
    return _currency(country) if country else DEFAULT


@lru_cache(maxsize=64)
def _currency(country: str) -> str:
    try:
        found = get_territory_currencies(country, tender=True)
    except Exception:  # Babel raises its own errors for territories it does not know
        return DEFAULT
    return found[0] if found else DEFAULT


def money(cents: int, currency: str = DEFAULT) -> str:
    """``cents`` of ``currency`` as its payers write it: "$25.00", "€18.00", "£40.00"."""
    return format_currency(cents / 100, currency, locale=LOCALES.get(currency, "en"))
