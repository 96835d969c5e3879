from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from doorstep.registry.selectors import households_visible_to


@login_required
def home(request):
    households = list(
        households_visible_to(request.user).select_related("area").order_by("household_no")[:50]
    )
    return render(request, "registry/home.html", {"households": households})
