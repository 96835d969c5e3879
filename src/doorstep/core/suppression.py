"""Small-count suppression as the API shows it (insights.suppression re-exports these
and holds the rule's description): a count under five is None, and complementary
suppression hides a second cell of a group when one hidden cell could otherwise be
recovered from the total. Plain values only: callers decide whether it applies
(analysts: insights.suppression.suppresses_for)."""

from __future__ import annotations

SMALL_COUNT = 5


def suppress_group(values, *, active: bool = True) -> list:
    """Counts that add up to a total shown elsewhere (the rows of a table under its
    total, the rules under "open flags"), as the API shows them: a count under five
    becomes None, and when that hides exactly one cell of the group, the smallest
    other cell is hidden too (complementary suppression), so the hidden one cannot be
    recovered by subtracting the others from the total. None stays None."""
    values = list(values)
    if not active:
        return values
    out = [None if v is None or v < SMALL_COUNT else v for v in values]
    hidden = sum(1 for v, o in zip(values, out, strict=True) if v is not None and o is None)
    if hidden == 1:
        shown = sorted((v, i) for i, v in enumerate(out) if v is not None)
        if shown:
            out[shown[0][1]] = None
    return out


def suppress_count(value, *, active: bool = True):
    """One count as the API shows it to an analyst: None under five."""
    return suppress_group([value], active=active)[0] if active else value


def suppress_rows(rows: list, fields, *, active: bool = True, attr: bool = False) -> None:
    """suppress_group over each column `fields` of `rows` (dicts, or objects with
    `attr=True`), in place."""
    if not active or not rows:
        return
    for name in fields:
        if attr:
            column = suppress_group([getattr(r, name) for r in rows])
            for row, value in zip(rows, column, strict=True):
                setattr(row, name, value)
        else:
            column = suppress_group([r[name] for r in rows])
            for row, value in zip(rows, column, strict=True):
                row[name] = value
