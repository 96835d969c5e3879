"""Texts the monitoring procedure writes itself (core.texts)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from doorstep.core.texts import register_text

WATCH_PROPOSAL = "monitoring.watch_proposal"


def register() -> None:
    register_text(
        WATCH_PROPOSAL, gettext_noop("Proposed by the relapse watch from its open flags.")
    )
