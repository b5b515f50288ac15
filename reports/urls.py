from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/print/", views.report_print, name="print"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="regenerate"),
    path("<int:pk>/export.csv", views.report_export_csv, name="export_csv"),
    path("<int:pk>/export.xlsx", views.report_export_xlsx, name="export_xlsx"),
    path("<int:pk>/records/<slug:key>/", views.report_records, name="records"),
]
