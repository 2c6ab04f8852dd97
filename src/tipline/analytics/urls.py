from django.urls import path

from tipline.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.funnel, name="funnel"),
    path("intake/", views.intake, name="intake"),
    path("times/", views.times, name="times"),
    path("map/", views.india, name="map"),
    path("map/<str:code>/", views.state_map, name="map_state"),
]
