from django.urls import path

from doorstep.areas import views

app_name = "areas"
urlpatterns = [
    path("children/", views.area_children, name="children"),
]
