from django.urls import path

from units import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/enrol/", views.otp_enrol, name="otp_enrol"),
    path("two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("password/", views.password_change, name="password_change"),
]
