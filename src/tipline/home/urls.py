from django.urls import path

from tipline.home import views

app_name = "home"

urlpatterns = [
    path("account/api/", views.api_access, name="api_access"),
]
