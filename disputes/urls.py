from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_create, name="create"),
    path("mediators/", views.mediator_list, name="mediator_list"),
    path("mediators/new/", views.mediator_create, name="mediator_create"),
    path("mediators/<int:pk>/", views.mediator_detail, name="mediator_detail"),
    path("mediators/<int:pk>/edit/", views.mediator_edit, name="mediator_edit"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/parties/<int:party_pk>/reveal/", views.party_reveal, name="reveal_party"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/answer/",
        views.referral_answer,
        name="referral_answer",
    ),
    path("<int:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/performance/",
        views.agreement_performance,
        name="agreement_performance",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/confirmation/",
        views.agreement_confirmation,
        name="agreement_confirmation",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/confirmation/decision/",
        views.agreement_confirmation_decision,
        name="agreement_confirmation_decision",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/print/",
        views.agreement_print,
        name="agreement_print",
    ),
    # Last: the action names (assess, dispatch, …) share this one pattern.
    path("<int:pk>/<slug:action>/", views.dispute_action, name="action"),
]
