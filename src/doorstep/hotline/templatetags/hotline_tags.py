"""{% sees_an_office as flag %}: whether the duty room's pages that need an office
(intake, rosters, patrols) would answer the user, so their links are shown only then."""

from django import template

from doorstep.hotline import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_an_office(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and selectors.offices_visible_to(user).exists())
