from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from annotations.api import export_views, views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("sentences", views.SentenceViewSet, basename="sentence")
router.register("labels", views.LabelViewSet, basename="label")
router.register("assignments", views.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("", include(router.urls)),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("export/", export_views.ExportView.as_view(), name="export"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
