from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from doorstep.areas.selectors import areas_visible_to


@login_required
def area_children(request):
    """Children of an area within the caller's scope, for cascading area pickers."""
    parent = request.GET.get("parent")
    qs = areas_visible_to(request.user)
    if parent and parent.isdigit():
        qs = qs.filter(parent_id=int(parent))
    else:
        qs = qs.filter(pk=request.user.area_id)
    return JsonResponse(
        {"areas": list(qs.order_by("code").values("id", "code", "name", "level")[:2000])}
    )
