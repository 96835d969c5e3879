"""The SMS backends moved to core.sms (staff notifications use them too); kept here so
`doorstep.portal.sms.*` settings and imports still work."""

from doorstep.core.sms import (  # noqa: F401
    ConsoleBackend,
    LocmemBackend,
    Message,
    backend,
    outbox,
    send_sms,
)
