from django.urls import path

from tipline.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.funnel, name="funnel"),
    path("register.xlsx", views.register_export, name="register_export"),
    path("sections/", views.sections, name="sections"),
    path("sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/active/", views.section_active, name="section_active"),
    path("unit/<str:code>/", views.unit_cases, name="unit_cases"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("checklist/<int:pk>/", views.checklist_set, name="checklist_set"),
]
