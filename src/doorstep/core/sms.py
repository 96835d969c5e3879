"""Pluggable SMS backends (setting DOORSTEP_SMS_BACKEND): the portal's sign-in codes and
staff notifications (casework.services.loops).

"console" prints the message (development: the code shows in the terminal running
the server), "locmem" appends it to `outbox` (tests), anything else is the dotted path
of a class with `send(phone: str, message: str) -> None` (the office's SMS gateway).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Message:
    phone: str
    text: str


outbox: list[Message] = []


class ConsoleBackend:
    def send(self, phone: str, message: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {message}\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, phone: str, message: str) -> None:
        outbox.append(Message(phone, message))


_ALIASES = {
    "console": "doorstep.core.sms.ConsoleBackend",
    "locmem": "doorstep.core.sms.LocmemBackend",
}


def backend():
    path = settings.DOORSTEP_SMS_BACKEND
    return import_string(_ALIASES.get(path, path))()


def send_sms(phone: str, message: str) -> None:
    backend().send(phone, message)
