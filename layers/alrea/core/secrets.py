"""The one accessor for secrets: the JWT signing key, the Evolution API key, Stripe's two secrets.

Deployed stages keep only the secrets' ARNs in the environment (``ALREA_JWT_SECRET_ARN``,
``ALREA_EVOLUTION_API_KEY_ARN``) and read the values from Secrets Manager through Powertools parameters,
cached for ``MAX_AGE_S`` so a rotated value is picked up within minutes without a cold start. Local stages
(``alrea dev``, the tests) use the plain values of the settings (``alrea dev`` generates its own JWT key,
see alrea.local.datadir); ``get_settings()`` refuses plain values outside them.
"""
from __future__ import annotations

from aws_lambda_powertools.utilities import parameters

from alrea.core.config import get_settings

MAX_AGE_S = 300


def _read(arn: str, plain: str) -> str:
    if not arn:
        return plain
    value = parameters.get_secret(arn, max_age=MAX_AGE_S)
    return value.decode() if isinstance(value, bytes) else str(value)


def jwt_secret() -> str:
    """The HS256 key that signs and verifies every access and refresh token."""
    settings = get_settings()
    return _read(settings.jwt_secret_arn, settings.jwt_secret)


def evolution_api_key() -> str:
    """The global ``apikey`` our Evolution API server expects."""
    settings = get_settings()
    return _read(settings.evolution_api_key_arn, settings.evolution_api_key)


# ---------------------------------------------------------------- secrets a tenant gives us (sealed at rest)
SEALED_PREFIX = "v1."


def _sealing_key(purpose: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"alrea-sealed-secrets",
                info=f"alrea:{purpose}".encode()).derive(jwt_secret().encode())


def seal(plain: str, purpose: str, *, context: str = "") -> str:
    """``plain`` encrypted with AES-256-GCM under a key derived (HKDF) from the platform's secret for
    ``purpose``; ``context`` (e.g. the tenant id) is bound as associated data, so a sealed value copied to
    another tenant does not open. Rotating the platform secret makes sealed values unreadable: they must be
    entered again (the settings say "não configurado")."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    box = AESGCM(_sealing_key(purpose)).encrypt(nonce, plain.encode(), context.encode())
    return SEALED_PREFIX + base64.b64encode(nonce + box).decode()


def unseal(sealed: str, purpose: str, *, context: str = "") -> str | None:
    """The plain value of ``seal``'s answer; None when it does not open (tampered, another key or context)."""
    import base64

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not sealed.startswith(SEALED_PREFIX):
        return None
    try:
        raw = base64.b64decode(sealed[len(SEALED_PREFIX):].encode(), validate=True)
        return AESGCM(_sealing_key(purpose)).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (InvalidTag, ValueError):
        return None
def stripe_secret_key() -> str:
    """The Stripe API secret key (``sk_...``) the billing adapter calls Stripe with."""
    settings = get_settings()
    return _read(settings.stripe_secret_key_arn, settings.stripe_secret_key)


def stripe_webhook_secret() -> str:
    """The signing secret (``whsec_...``) Stripe's webhook events are verified with."""
    settings = get_settings()
    return _read(settings.stripe_webhook_secret_arn, settings.stripe_webhook_secret)
