from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.shortcuts import render
from django.urls import include, path

from annotations.public import ClaimSitemap


def needs_mail(view):
    """Without a mail backend a reset link could never arrive: say so instead (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PASSWORD_RESET_AVAILABLE:
            return render(request, "registration/password_reset_unavailable.html", status=404)
        return view(request, *args, **kwargs)

    return wrapper


class SignInView(auth_views.LoginView):
    """Django's sign-in, which offers a password reset only when mail can be sent."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_reset_available=settings.PASSWORD_RESET_AVAILABLE, **kwargs
        )


urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's own auth URLs, which provide the rest (logout, reset confirm, ...).
    path("accounts/login/", SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        needs_mail(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        needs_mail(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("annotations.api.urls")),
    # The public fact-checks' pages, for search engines.
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"claims": ClaimSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("annotations.urls")),
]
