"""The composition root, split by role.

``adapters`` builds every adapter once from ``Settings`` (``repositories`` the database ones);
``services`` wires the services over them; ``worker`` adds what runs jobs; ``api`` is what an
API process needs; ``operator`` is what the operator's commands need.
"""
