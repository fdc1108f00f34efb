"""A small local OpenID Connect provider for tests (stands in for the national e-ID).

An `http.server` in a thread on 127.0.0.1 and a free port, with discovery, /authorize (signs in
the configured test user at once and redirects back with code and state), /token (checks the
code, the client secret and the PKCE verifier; returns an RS256 id_token with the nonce),
/jwks and /userinfo. Knobs let a test make it misbehave (tamper with the id_token, send a
wrong nonce, sign with a key it does not publish)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from authlib.jose import JsonWebKey, jwt


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    scope: str


@dataclass
class LocalOidcProvider:
    client_id: str = "motcua-test"
    client_secret: str = "s3cret-for-tests"
    # The signed-in person (claims of the id_token and userinfo, "sub" included).
    user_claims: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "vneid-001",
            "name": "Lò Thị Thu",
            "id_number": "011190001234",
            "birthdate": "1990-04-12",
            "phone_number": "0912345678",
        }
    )
    # Test knobs.
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    sign_with_unpublished_key: bool = False
    tamper_id_token: bool = False

    def __post_init__(self) -> None:
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.other_key = JsonWebKey.generate_key(
            "RSA", 2048, is_private=True, options={"kid": "k1"}
        )
        self.codes: dict[str, _Grant] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, str]] = []
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LocalOidcProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:
                provider._handle(self, "GET")

            def do_POST(self) -> None:
                provider._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- HTTP -----------------------------------------------------------------------------

    def _send_json(self, h: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if method == "GET" and url.path == "/.well-known/openid-configuration":
            return self._send_json(h, 200, self.discovery())
        if method == "GET" and url.path == "/jwks":
            return self._send_json(h, 200, {"keys": [self.key.as_dict(is_private=False)]})
        if method == "GET" and url.path == "/authorize":
            return self._authorize(h, query)
        if method == "POST" and url.path == "/token":
            length = int(h.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(h.rfile.read(length).decode()))
            return self._token(h, form)
        if method == "GET" and url.path == "/userinfo":
            auth = h.headers.get("Authorization") or ""
            claims = self.access_tokens.get(auth.removeprefix("Bearer "))
            if claims is None:
                return self._send_json(h, 401, {"error": "invalid_token"})
            return self._send_json(h, 200, claims)
        return self._send_json(h, 404, {"error": "not_found"})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def _authorize(self, h: BaseHTTPRequestHandler, q: dict[str, str]) -> None:
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return self._send_json(h, 400, {"error": "invalid_request"})
        if "openid" not in q.get("scope", "").split() or q.get("code_challenge_method") != "S256":
            return self._send_json(h, 400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = _Grant(
            client_id=q["client_id"],
            redirect_uri=q["redirect_uri"],
            nonce=q.get("nonce", ""),
            code_challenge=q.get("code_challenge", ""),
            scope=q["scope"],
        )
        target = (
            q["redirect_uri"]
            + "?"
            + urllib.parse.urlencode({"code": code, "state": q.get("state", "")})
        )
        h.send_response(302)
        h.send_header("Location", target)
        h.send_header("Content-Length", "0")
        h.end_headers()
        return None

    def _token(self, h: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = h.headers.get("Authorization") or ""
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth[6:]).decode()
            client_id, _sep, secret = (urllib.parse.unquote(p) for p in pair.partition(":"))
        if client_id != self.client_id or secret != self.client_secret:
            return self._send_json(h, 401, {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return self._send_json(h, 400, {"error": "invalid_grant"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if challenge != grant.code_challenge:
            return self._send_json(h, 400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        claims = {
            **self.user_claims,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            **self.id_token_overrides,
        }
        key = self.other_key if self.sign_with_unpublished_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key).decode()
        if self.tamper_id_token:
            header, payload, signature = id_token.split(".")
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            data["id_number"] = "001099009999"
            payload = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
            id_token = f"{header}.{payload}.{signature}"
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = dict(self.user_claims)
        return self._send_json(
            h,
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )
