from django.urls import path

from policing import views

app_name = "policing"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/link/", views.incident_link, name="incident_link"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
