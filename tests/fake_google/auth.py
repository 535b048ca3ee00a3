"""The token endpoint (a real signed-JWT exchange, RFC 7523) and who a bearer token belongs to."""

from __future__ import annotations

import json
import secrets
import urllib.parse

from google.auth import jwt

from tests.fake_google.model import HttpError, State


def token(state: State, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """A service account's signed assertion → an access token, checked against its public key."""
    form = urllib.parse.parse_qs(body.decode())
    if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
        raise HttpError(400, "unsupported_grant_type")
    assertion = form["assertion"][0]
    unverified = jwt.decode(assertion, verify=False)
    email = unverified.get("iss", "")
    if email not in state.keys:
        raise HttpError(400, "invalid_grant: Invalid JWT Signature.")
    key_id, public_key = state.keys[email]
    claims = jwt.decode(assertion, certs={key_id: public_key}, audience=unverified.get("aud"))
    if not claims.get("scope"):
        raise HttpError(400, "invalid_scope: Invalid OAuth scope or ID token audience provided.")
    access = "ya29.fake-" + secrets.token_urlsafe(16)
    state.tokens[access] = email
    payload = {"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
    return 200, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(payload).encode()


def user_of(state: State, headers: dict[str, str]) -> str:
    value = headers.get("authorization", "")
    bearer = value[7:] if value.lower().startswith("bearer ") else ""
    if bearer not in state.tokens:
        raise HttpError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                             "login cookie or other valid authentication credential.")
    return state.tokens[bearer]
