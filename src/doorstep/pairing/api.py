"""/api/v1/pairing."""

from ninja import Router

router = Router()
