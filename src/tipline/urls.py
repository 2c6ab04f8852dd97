"""URL routes: each app brings its own."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from tipline.accounts import views as accounts_views
from tipline.alerts import views as alerts_views
from tipline.api.main import api
from tipline.core import views as core_views
from tipline.home import views as home_views

#: JSON under /api/, the HTML page elsewhere
handler404 = "tipline.api.views.not_found"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("", include("tipline.home.urls")),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("2fa/", include("tipline.accounts.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("reports/", include("tipline.intake.urls")),
    path("ispws/", include("tipline.intake.api_urls")),
    path("audit/", include("tipline.audit.urls")),
    path("packets/", include("tipline.dispatch.urls")),
    path("cases/", include("tipline.cases.urls")),
    path("charts/", include("tipline.analytics.urls")),
    path("review/", include("tipline.review.urls")),
    path("trawler/", include("tipline.trawler.urls")),
    path("search/", include("tipline.search.urls")),
    path("", include("tipline.routing.urls")),
    path("tip/", include("tipline.tips.urls")),
    path("alerts/", include("tipline.alerts.urls")),
    # Django's set_language, and a logged-in person's e-mail language follows (alerts)
    path("i18n/setlang/", alerts_views.language_set, name="set_language"),
    path("api/", api.urls),
    path("source.tar.gz", core_views.source_archive, name="source_archive"),
]
