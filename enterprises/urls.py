from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views.enterprise_import, name="import"),
    path("import/confirm/", views.enterprise_import_confirm, name="import_confirm"),
    path("figures/", views.enterprise_figures, name="figures"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/requests/new/", views.request_create, name="request_create"),
    path("requests/", views.request_board, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/start/", views.request_start, name="request_start"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request_resolve"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/convert/", views.request_convert, name="request_convert"),
]
