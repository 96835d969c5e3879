from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    """A dashboard figure as text: "—" for no data, "<5" as is."""
    from doorstep.insights.exports import shown

    return shown(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
