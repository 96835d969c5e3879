"""{% nav_links as links %}: the links the signed-in user sees (accounts.navigation)."""

from django import template

from doorstep.accounts.navigation import links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context.get("request")
    if request is None or getattr(request, "two_factor_pending", False):
        return []
    return links_for(request.user)
