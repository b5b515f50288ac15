from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/link/", views.incident_link, name="link"),
    path("<int:pk>/register/", views.register_dispute, name="register_dispute"),
]
