from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.alliance_list, name="alliance_list"),
    path("alliances/new/", views.alliance_create, name="alliance_create"),
    path("alliances/<int:pk>/", views.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/edit/", views.alliance_edit, name="alliance_edit"),
    path("alliances/<int:pk>/members/", views.membership_add, name="membership_add"),
    path(
        "alliances/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("people/", views.volunteer_list, name="volunteer_list"),
    path("people/new/", views.volunteer_create, name="volunteer_create"),
    path("people/import/", views.volunteer_import, name="import"),
    path("people/import/confirm/", views.volunteer_import_confirm, name="import_confirm"),
    path("people/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("people/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("patrols/", views.patrol_week, name="patrol_week"),
    path("patrols/new/", views.patrol_create, name="patrol_create"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol_detail"),
    path("patrols/<int:pk>/sign-up/", views.patrol_sign_up, name="patrol_sign_up"),
    path("patrols/<int:pk>/complete/", views.patrol_complete, name="patrol_complete"),
    path("patrols/<int:pk>/cancel/", views.patrol_cancel, name="patrol_cancel"),
    path(
        "patrols/<int:pk>/attendance/<int:attendance_pk>/correct/",
        views.attendance_correct,
        name="attendance_correct",
    ),
    path(
        "patrols/<int:pk>/attendance/<int:attendance_pk>/<slug:action>/",
        views.patrol_attendance,
        name="patrol_attendance",
    ),
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/new/", views.tip_create, name="tip_create"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/convert/", views.tip_convert, name="tip_convert"),
    path("tips/<int:pk>/<slug:action>/", views.tip_handle, name="tip_handle"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("figures/", views.figures, name="figures"),
]
