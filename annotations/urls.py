from django.urls import path

from annotations import desk, public, views
from annotations.dashboard import downloads
from annotations.dashboard import views as dashboard

app_name = "annotations"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("claims/", public.claim_list, name="claim-list"),
    path("claims/feed/", public.ClaimFeed(), name="claim-feed"),
    path("claims/<int:pk>/", public.claim_detail, name="claim-detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", downloads.dashboard_csv, name="dashboard-csv"),
    path("import/", desk.import_page, name="import"),
    path("export/", desk.export_page, name="export"),
]
