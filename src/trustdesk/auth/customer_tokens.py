"""Customer identity, asserted by the exchange.

The exchange's backend signs a short-lived JWT (HS256) with the secret it shares with TrustDesk
(TRUSTDESK_CUSTOMER_TOKEN_SECRET) and hands it to its app, which passes it to the support widget:

    {"sub": "<exchange user id>", "iat": ..., "exp": ...,            # required
     "email": "...", "phone": "...", "name": "...", "lang": "tr",    # optional profile
     "vip": 0-9, "kyc": 0-3, "iss": "<issuer, if configured>"}

TrustDesk never sees the customer's exchange password; the token is the whole login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from trustdesk.errors import Unauthorized

ALGORITHM = "HS256"
# A token that lives longer than this is refused even if its exp says otherwise.
MAX_LIFETIME = timedelta(days=7)
# Tolerated clock difference between the exchange's servers and ours.
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class CustomerClaims:
    external_id: str
    email: str | None
    phone: str | None
    name: str | None
    language: str | None
    vip_level: int | None
    kyc_level: int | None


def issue_customer_token(
    secret: str,
    external_id: str,
    *,
    now: datetime,
    ttl: timedelta = timedelta(hours=1),
    issuer: str | None = None,
    **profile: Any,
) -> str:
    """What the exchange does on its side; used by the demo and the tests."""
    claims: dict[str, Any] = {
        "sub": external_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if issuer:
        claims["iss"] = issuer
    claims.update({k: v for k, v in profile.items() if v is not None})
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _optional_int(value: Any, name: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Unauthorized(f"customer token claim '{name}' must be an integer {low}..{high}")
    return value


def _optional_str(value: Any, name: str, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise Unauthorized(f"customer token claim '{name}' must be a string of ≤{max_len} chars")
    return value


def verify_customer_token(
    token: str, secret: str, *, now: datetime, issuer: str | None = None
) -> CustomerClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            # Expiry is checked below against the request's clock, not the library's.
            options={"require": ["sub", "exp", "iat"], "verify_iat": False, "verify_exp": False},
            issuer=issuer,
        )
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"invalid customer token: {exc}") from exc
    if not isinstance(claims["exp"], int) or not isinstance(claims["iat"], int):
        raise Unauthorized("customer token 'exp' and 'iat' must be integer timestamps")
    if claims["exp"] + LEEWAY_SECONDS < now.timestamp():
        raise Unauthorized("customer token has expired")
    if claims["exp"] - claims["iat"] > MAX_LIFETIME.total_seconds():
        raise Unauthorized("customer token lifetime exceeds 7 days")
    if claims["iat"] > now.timestamp() + LEEWAY_SECONDS:
        raise Unauthorized("customer token issued in the future")
    sub = claims["sub"]
    if not isinstance(sub, str) or not 0 < len(sub) <= 128:
        raise Unauthorized("customer token 'sub' must be the exchange user id (1-128 chars)")
    return CustomerClaims(
        external_id=sub,
        email=_optional_str(claims.get("email"), "email", 320),
        phone=_optional_str(claims.get("phone"), "phone", 32),
        name=_optional_str(claims.get("name"), "name", 200),
        language=_optional_str(claims.get("lang"), "lang", 16),
        vip_level=_optional_int(claims.get("vip"), "vip", 0, 9),
        kyc_level=_optional_int(claims.get("kyc"), "kyc", 0, 9),
    )
