from django.urls import path

from tipline.routing import views

app_name = "routing"

urlpatterns = [
    path("reports/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("routing/queue/", views.queue, name="queue"),
    path("routing/queue/assign/", views.bulk_assign, name="bulk_assign"),
    path("routing/inbox/", views.inbox, name="inbox"),
    path("routing/states/", views.states, name="states"),
    path("routing/states/<str:code>/", views.state_view, name="state"),
    path("routing/units/", views.units, name="units"),
    path("routing/units/<str:code>/language/", views.unit_language, name="unit_language"),
]
