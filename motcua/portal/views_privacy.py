"""“Dữ liệu của tôi”: a signed-in person downloads everything the system holds about them
(ADR 0036) as a JSON file, or a ZIP with their dossiers' files too. Interface only: the
contents, the rate limit and the audit are the privacy app's (`privacy.api.own_data_export`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.api import signed_in
from motcua.privacy.api import TooManyExports, own_data_export


@signed_in
def my_data(request: HttpRequest) -> HttpResponse:
    """GET: what the file holds and the buttons; POST: the file (`dinh_dang`: json | zip)."""
    user: Any = request.user
    if request.method == "POST":
        with_files = request.POST.get("dinh_dang") == "zip"
        try:
            export = own_data_export(user=user, with_files=with_files)
        except TooManyExports as exc:
            return render(
                request, "portal/account/my_data.html", {"problem": exc.message}, status=429
            )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(request, "portal/account/my_data.html", {"problem": ""})
