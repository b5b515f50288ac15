from django.urls import path

from policing import views

app_name = "policing"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
]
