from django.urls import path

from tipline.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.report_list, name="report_list"),
]
