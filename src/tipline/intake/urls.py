from django.urls import path

from tipline.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("export.xlsx", views.report_list_export, name="report_list_export"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("imports/", views.batch_list, name="batch_list"),
    path("imports/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("imports/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("imports/<int:pk>/progress.json", views.batch_progress, name="batch_progress"),
]
