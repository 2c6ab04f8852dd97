from django.urls import path

from tipline.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("settings/", views.settings_page, name="settings"),
    path("throughput/", views.throughput, name="throughput"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/decide/", views.decide, name="decide"),
    path("files/<int:pk>/view.jpg", views.protected, name="protected"),
    path("files/<int:pk>/reveal/", views.reveal, name="reveal"),
]
