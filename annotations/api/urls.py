from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations.api import export_views, import_views, preferences, views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("sentences", views.SentenceViewSet, basename="sentence")
router.register("labels", views.LabelViewSet, basename="label")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("imports", import_views.ImportJobViewSet, basename="importjob")

urlpatterns = [
    path("", include(router.urls)),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("export/", export_views.ExportView.as_view(), name="export"),
    path("preferences/", preferences.PreferencesView.as_view(), name="preferences"),
    # Signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): 401 for the schema,
    # the sign-in page for the docs. The split view serves Swagger UI's start-up script as a
    # file (?script), which the Content-Security-Policy allows; the plain view inlines it.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]
