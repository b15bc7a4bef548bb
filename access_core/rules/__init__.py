"""The rules of DOMAIN.md that more than one place needs, each defined once, over plain facts.

- ``grants``: when a grant (or share) is active, and when it is held now or later;
- ``residency``: who is a resident of a door at a moment;
- ``coverage``: which doors a manager covers (activity, who has access, people lists);
- ``visibility``: which events a viewer may see (the DOMAIN table; its SQL form is
  ``access_core.visibility.visible``, and a test compares the two on the same tables).

They read stored access only through ``access_core.uow.Reads`` (SQL in production, plain objects
in ``tests/fakes/uow.py``), and never import the ORM models.
"""
