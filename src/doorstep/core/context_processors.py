from django.conf import settings
from django.utils.translation import get_language_bidi


def doorstep(request):
    return {
        "site_name": settings.DOORSTEP_SITE_NAME,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "tile_url": settings.DOORSTEP_TILE_URL,
        "tile_attribution": settings.DOORSTEP_TILE_ATTRIBUTION,
    }
