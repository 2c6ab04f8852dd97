from django.urls import path

from tipline.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("urgent/<int:report_id>/acknowledge/", views.urgent_acknowledge,
         name="urgent_acknowledge"),
]
