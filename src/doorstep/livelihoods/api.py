"""/api/v1/livelihoods."""

from ninja import Router

router = Router()
