from django.urls import path

from annotations import dashboard, views

app_name = "annotations"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
]
