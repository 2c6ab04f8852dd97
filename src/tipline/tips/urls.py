from django.urls import path

from tipline.tips import views

app_name = "tips"

urlpatterns = [
    path("", views.tip_form, name="form"),
    path("status/", views.tip_status, name="status"),
]
