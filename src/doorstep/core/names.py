"""People's names as each culture writes them. Han: family name first with no space
(王建国); Uyghur: "given·father's given" kept whole in the given name (艾力·买买提),
no family name; other scripts: family and given with a space. Staff accounts
(accounts.User.get_full_name) and lists that read names as columns share this."""

from __future__ import annotations


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def full_name(family: str | None, given: str | None) -> str:
    family, given = (family or "").strip(), (given or "").strip()
    if not family or not given:
        return family or given
    joiner = "" if is_han(family[-1]) and is_han(given[0]) else " "
    return f"{family}{joiner}{given}"
