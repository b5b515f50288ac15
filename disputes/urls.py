from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("mediators/", views.mediator_list, name="mediator_list"),
    path("mediators/<int:pk>/", views.mediator_detail, name="mediator_detail"),
]
