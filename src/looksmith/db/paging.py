"""Pages that bring their total along: one statement for the count and the rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, Subquery, select, true


def counted_page(
    conn: Connection,
    counted: Select[int],
    page: Select[Any],
    order: Callable[[Subquery], list[ColumnElement[Any]]],
) -> tuple[int, list[RowMapping]]:
    """The total and the page's rows from one statement: the count joined to the page, so a
    page past the end still brings the total (one row whose page columns are null)."""
    total = counted.subquery("total")
    listed = page.subquery("listed")
    query = (
        select(total.c[0].label("total_rows"), listed)
        .select_from(total.outerjoin(listed, true()))
        .order_by(*order(listed))
    )
    found = conn.execute(query).mappings().all()
    return found[0]["total_rows"], [row for row in found if row["id"] is not None]
