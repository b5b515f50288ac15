from django.urls import path

from policing import enterprise_views as ev
from policing import views

app_name = "policing"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/link/", views.incident_link, name="incident_link"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    # Enterprise visits (issue 4)
    path("enterprises/", ev.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", ev.enterprise_create, name="enterprise_create"),
    path("enterprises/import/", ev.enterprise_import, name="enterprise_import"),
    path(
        "enterprises/import/confirm/",
        ev.enterprise_import_confirm,
        name="enterprise_import_confirm",
    ),
    path("enterprises/figures/", ev.enterprise_figures, name="enterprise_figures"),
    path("enterprises/<int:pk>/", ev.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", ev.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/visits/new/", ev.visit_create, name="enterprise_visit_create"),
    path("enterprises/requests/", ev.request_board, name="enterprise_requests"),
    path(
        "enterprises/requests/<int:pk>/", ev.request_detail, name="enterprise_request_detail"
    ),
    path(
        "enterprises/requests/<int:pk>/start/", ev.request_start, name="enterprise_request_start"
    ),
    path(
        "enterprises/requests/<int:pk>/resolve/",
        ev.request_resolve,
        name="enterprise_request_resolve",
    ),
    path(
        "enterprises/requests/<int:pk>/decline/",
        ev.request_decline,
        name="enterprise_request_decline",
    ),
    path(
        "enterprises/requests/<int:pk>/convert/",
        ev.request_convert,
        name="enterprise_request_convert",
    ),
]
