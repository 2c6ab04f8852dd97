from django.urls import path

from tipline.trawler import views

app_name = "trawler"

urlpatterns = [
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/<int:pk>/", views.candidate, name="candidate"),
    path("candidates/<int:pk>/decide/", views.decide, name="candidate_decide"),
    path("candidates/<int:pk>/view.jpg", views.protected, name="candidate_protected"),
    path("candidates/<int:pk>/reveal/", views.reveal, name="candidate_reveal"),
]
