"""A tiny LTI 1.3 platform (the LMS side) on 127.0.0.1, for testing the hub's LTI login.

It does what Canvas does in a launch, and nothing else:

- ``GET /jwks``: its public RSA key as a JSON Web Key Set;
- ``GET /auth``: the OIDC authorization endpoint. The hub redirects the browser
  here after the third-party login initiation; the platform answers with an HTML
  form that posts a signed ``id_token`` (RS256, with the hub's nonce and state)
  to the hub's ``redirect_uri``, as a browser would auto-submit it.

``login_initiation(user)`` gives the form fields the LMS sends to start a launch.
``mode`` spoils the next tokens on purpose: ``"tamper"`` (a claim changed after
signing), ``"expired"``, ``"foreign-key"`` (signed by a key that is not in the JWKS,
under the published key id) or ``"wrong-audience"``.
"""

from __future__ import annotations

import base64
import html
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTRUCTOR_ROLES = [f"{MEMBERSHIP}#Instructor", "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty"]
LEARNER_ROLES = [f"{MEMBERSHIP}#Learner", "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"]
MODES = {"ok", "tamper", "expired", "foreign-key", "wrong-audience"}


@dataclass
class LmsUser:
    """A person in the fake LMS: Canvas's numeric user id, name and LTI roles."""

    canvas_id: str
    name: str
    roles: list[str]
    sub: str = field(default_factory=lambda: str(uuid.uuid4()))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakePlatform:
    """The platform: keys, users, the HTTP server and the claims it signs."""

    def __init__(self, client_id: str = "10000000000042", deployment_id: str = "42:course"):
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "course-test-key"
        self.users: dict[str, LmsUser] = {}
        self.mode = "ok"
        self.issued: list[dict] = []  # the claims of every token handed out, for the tests
        self.targets: dict[str, str] = {}  # login_hint -> the target link of the launch
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "FakePlatform":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def authorize_url(self) -> str:
        return self.url + "/auth"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks"

    # ------------------------------------------------------------------ LTI
    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def login_initiation(self, login_hint: str, target_link_uri: str) -> dict:
        """The fields the LMS posts to the tool's OIDC initiation URL (third-party initiated login)."""
        self.targets[login_hint] = target_link_uri
        return {"iss": self.issuer, "login_hint": login_hint, "target_link_uri": target_link_uri,
                "client_id": self.client_id, "lti_deployment_id": self.deployment_id,
                "lti_message_hint": "resource-link-1"}

    def claims(self, user: LmsUser, nonce: str, target_link_uri: str) -> dict:
        now = int(time.time())
        return {
            "iss": self.issuer, "aud": self.client_id, "sub": user.sub, "nonce": nonce,
            "iat": now, "exp": now + 300, "name": user.name,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": target_link_uri,
            LTI + "resource_link": {"id": "resource-link-1", "title": "Clinician course"},
            LTI + "roles": list(user.roles),
            LTI + "context": {"id": "course-7", "label": "KLIN-101", "title": "Clinician course"},
            LTI + "custom": {"lms_user_id": user.canvas_id},
        }

    def id_token(self, claims: dict) -> str:
        """Sign ``claims``, then spoil the token as ``mode`` asks."""
        mode = self.mode
        if mode == "expired":
            claims = {**claims, "iat": claims["iat"] - 120, "exp": claims["iat"] - 60}
        if mode == "wrong-audience":
            claims = {**claims, "aud": "another-tool"}
        key = self.other_key if mode == "foreign-key" else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        if mode == "tamper":  # an instructor's role slipped into a learner's signed token
            header, _, signature = token.split(".")
            changed = {**claims, LTI + "roles": [f"{MEMBERSHIP}#Instructor"]}
            token = ".".join([header, _b64url(json.dumps(changed).encode()), signature])
        return token

    def _auth_response(self, query: dict) -> tuple[int, str]:
        """The authorization endpoint: an auto-submitting form posting the id_token to the tool."""
        want = {"response_type": "id_token", "scope": "openid", "response_mode": "form_post", "prompt": "none"}
        for name, value in want.items():
            if query.get(name) != value:
                return 400, f"{name} must be {value!r}"
        if query.get("client_id") != self.client_id:
            return 400, "unknown client_id"
        user = self.users.get(query.get("login_hint", ""))
        if user is None:
            return 400, "unknown login_hint"
        claims = self.claims(user, query["nonce"], self.targets.get(user.sub, query["redirect_uri"]))
        self.issued.append(claims)
        fields = {"id_token": self.id_token(claims), "state": query["state"]}
        inputs = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
        page = (f'<!doctype html><html><body onload="document.forms[0].submit()">'
                f'<form method="post" action="{html.escape(query["redirect_uri"])}">{inputs}</form></body></html>')
        return 200, page

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                if url.path == "/jwks":
                    status, body, kind = 200, json.dumps(platform.jwks()), "application/json"
                elif url.path == "/auth":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    status, body = platform._auth_response(query)
                    kind = "text/html"
                else:
                    status, body, kind = 404, "not found", "text/plain"
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        return Handler
