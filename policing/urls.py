from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from policing import history, maps, reveal, views

# Swagger UI (served from drf-spectacular-sidecar, no CDN) sets inline styles and
# data: images; only this page relaxes the style policy, scripts stay 'self'.
api_docs = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("units.urls")),
    path("history/<slug:kind>/<int:pk>/", history.history_page, name="history"),
    path("reveal/<slug:kind>/<int:pk>/<slug:field>/", reveal.reveal_text, name="reveal_text"),
    path("map/", maps.map_page, name="map"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("policing.page_urls")),
    path("incidents/", include("incidents.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("disputes/", include("disputes.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("policing.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]

# A database outage outside a view is a 503 too (policing/middleware_db.py);
# under /api/ every error is JSON (policing/api_errors.py).
handler400 = "policing.api_errors.bad_request"
handler403 = "policing.api_errors.permission_denied"
handler404 = "policing.api_errors.page_not_found"
handler500 = "policing.api_errors.server_error"
