"""The CyberTipline API's calls, under /ispws/ as on NCMEC's servers (no trailing slash)."""

from django.urls import path

from tipline.intake import api

app_name = "ispws"

urlpatterns = [
    path("status", api.status, name="status"),
    path("xsd", api.xsd, name="xsd"),
    path("submit", api.submit, name="submit"),
    path("upload", api.upload, name="upload"),
    path("fileinfo", api.fileinfo, name="fileinfo"),
    path("finish", api.finish, name="finish"),
    path("retract", api.retract, name="retract"),
]
