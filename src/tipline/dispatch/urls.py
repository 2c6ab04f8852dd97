from django.urls import path

from tipline.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.packet_list, name="packet_list"),
    path("new/", views.packet_new, name="packet_new"),
    path("<int:pk>/download/", views.packet_download, name="packet_download"),
    path("<int:pk>/acknowledge/", views.packet_acknowledge, name="packet_acknowledge"),
    path("<int:pk>/correct/", views.packet_correct, name="packet_correct"),
    path("sop/", views.sop_edit, name="sop_edit"),
]
