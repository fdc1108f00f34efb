"""Two-factor sign-in, deny by default (ADR 0034): a signed-in session that still owes a code
(the person has an authenticator) or an authenticator (their role requires one) reaches only
the page that takes it, signing out, the language switch and static files. Everything else
sends a page to that step (with `next`), and answers 403 JSON under /api/.

A session owes nothing once `TWO_FACTOR_SESSION_KEY` names its user: set by the second step of
signing in, or by setting up an authenticator. Sessions begun any other way (the national
e-ID, `force_login` in tests) are checked here on each request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.accounts.data import TwoFactorState
from motcua.accounts.twofactor_session import session_two_factor_state

#: URL names reachable while a step is owed (besides the step's own page).
ALWAYS_OPEN = ("portal:logout", "set_language")
VERIFY_PAGE = "portal:two_factor_verify"
ENROL_PAGE = "desk:two_factor"


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = session_two_factor_state(request)
        if state is TwoFactorState.NONE or self._open(request, state):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "This session has not finished two-factor sign-in: finish it on the "
                        "website, or use a bearer token."
                    ),
                    "code": "two_factor_required",
                    "errors": {},
                },
                status=403,
            )
        target = reverse(VERIFY_PAGE if state is TwoFactorState.VERIFY else ENROL_PAGE)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

    @staticmethod
    def _open(request: HttpRequest, state: TwoFactorState) -> bool:
        path = request.path
        if settings.STATIC_URL and path.startswith(str(settings.STATIC_URL)):
            return True
        step = VERIFY_PAGE if state is TwoFactorState.VERIFY else ENROL_PAGE
        return path in {reverse(name) for name in (*ALWAYS_OPEN, step)}
