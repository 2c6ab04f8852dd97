"""The second factor's pages: the step after the password, the enrolment, the recovery codes."""

from django.urls import path

from tipline.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.otp_verify, name="otp_verify"),
    path("enrol/", views.otp_enrol, name="otp_enrol"),
    path("codes/", views.otp_codes, name="otp_codes"),
]
