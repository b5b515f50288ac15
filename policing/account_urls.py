from django.urls import path

from policing import account_views

app_name = "accounts"

urlpatterns = [
    path("two-factor/enrol/", account_views.otp_enrol, name="otp_enrol"),
    path("two-factor/verify/", account_views.otp_verify, name="otp_verify"),
]
