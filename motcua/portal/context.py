from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"PROVINCE_NAME": settings.MOTCUA_PROVINCE_NAME}
