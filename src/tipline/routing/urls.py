from django.urls import path

from tipline.routing import views

app_name = "routing"

urlpatterns = [
    path("reports/<int:pk>/transfer/", views.transfer, name="transfer"),
]
