"""Security headers on every answer, with flask-talisman.

HTML pages get a strict Content-Security-Policy (scripts and styles only from the service's
own files, no inline script, never framed), and every answer, JSON included, gets
`X-Content-Type-Options: nosniff`, `Referrer-Policy` and `X-Frame-Options: DENY`
(docs/security.md, Headers). Talisman sends the CSP on JSON answers too: harmless there, and
it keeps a JSON body that a browser is tricked into rendering inert.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

SELF = "'self'"
NONE = "'none'"

# `data:` images only: Swagger UI's stylesheet draws its icons as data: SVGs. No `unsafe-inline`
# and no `unsafe-eval` anywhere; styles set from script through the CSSOM are not affected.
CONTENT_SECURITY_POLICY: dict[str, str] = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "img-src": f"{SELF} data:",
    "connect-src": SELF,
    "font-src": SELF,
    "object-src": NONE,
    "base-uri": NONE,
    "form-action": SELF,
    "frame-ancestors": NONE,
}
REFERRER_POLICY = "strict-origin-when-cross-origin"


def init_app(app: Flask) -> Talisman:
    """Send the headers on every answer of `app`.

    HTTPS is terminated in front of the service (docs/security.md): Talisman neither redirects
    to https (`force_https`) nor marks the session cookie Secure (api/office/session.py
    decides that). It still sends HSTS on a request that arrived over https."""
    return Talisman(
        app,
        force_https=False,
        session_cookie_secure=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy=REFERRER_POLICY,
        x_content_type_options=True,
    )
