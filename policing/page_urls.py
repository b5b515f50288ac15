from django.urls import path

from policing import views

app_name = "policing"

urlpatterns = [
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
