from django.urls import path

from tipline.trawler import pages, views

app_name = "trawler"

urlpatterns = [
    path("", pages.home, name="home"),
    path("sources/new/", pages.source_new, name="source_new"),
    path("sources/<int:pk>/enabled/", pages.source_enabled, name="source_enabled"),
    path("contacts/upload/", pages.contacts_upload, name="contacts_upload"),
    path("contacts/abuse-contacts.csv", pages.contacts_download, name="contacts_download"),
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/<int:pk>/", views.candidate, name="candidate"),
    path("candidates/<int:pk>/decide/", views.decide, name="candidate_decide"),
    path("candidates/<int:pk>/view.jpg", views.protected, name="candidate_protected"),
    path("candidates/<int:pk>/reveal/", views.reveal, name="candidate_reveal"),
]
