"""/api/preferences/: the signed-in user's workspace settings (GET, PUT)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.selectors.preferences import preferences_of
from annotations.services.preferences import preferences_set


class PreferencesSerializer(serializers.Serializer):
    auto_advance = serializers.BooleanField(
        help_text="After a label is saved, move to the next claim the user has not rated."
    )


class PreferencesView(APIView):
    """Each user reads and changes only their own settings."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(PreferencesSerializer(preferences_of(request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request: Request) -> Response:
        given = PreferencesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        stored = preferences_set(user=request.user, **given.validated_data)
        return Response(PreferencesSerializer(stored).data)
