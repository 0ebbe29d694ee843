"""Access tokens minted outside the services: by a key that was rotated out, by an attacker.

Keys come from openssl; Ed25519 signatures from the generated project's own jose (run with Node in
one of its workspaces); HS256 and unsigned tokens are built by hand, as an attacker would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.support.project import run

#: Signs SPEC's claims with its Ed25519 key, under its kid or the key's own RFC 7638 thumbprint.
_SIGN = """
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT } from 'jose';
const spec = JSON.parse(process.env.SPEC);
const key = createPrivateKey(spec.key);
const kid = spec.kid ?? (await calculateJwkThumbprint(createPublicKey(key).export({ format: 'jwk' })));
const token = await new SignJWT(spec.claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(key);
process.stdout.write(token);
"""

#: The kid (RFC 7638 thumbprint) of an Ed25519 key, as the users service names it in its JWKS.
_KID = """
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
const key = createPublicKey(createPrivateKey(process.env.KEY));
process.stdout.write(await calculateJwkThumbprint(key.export({ format: 'jwk' })));
"""


def ed25519_key() -> str:
    """A fresh Ed25519 private key, PKCS#8 PEM (what JWT_PRIVATE_KEY holds)."""
    return subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519"], check=True, capture_output=True,
                          text=True, timeout=30).stdout


def public_pem(private_pem: str) -> str:
    """The public half of ``private_pem``, SPKI PEM (what JWT_PREVIOUS_PUBLIC_KEYS lists)."""
    return subprocess.run(["openssl", "pkey", "-pubout"], input=private_pem, check=True, capture_output=True,
                          text=True, timeout=30).stdout


def claims(sub: str, *, issuer: str, audience: str, email: str = "ada@example.com", name: str = "Ada",
           lifetime: int = 900) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": sub, "email": email, "name": name, "iss": issuer, "aud": audience, "iat": now, "exp": now + lifetime}


def sign_eddsa(workspace: Path, env: dict[str, str], private_pem: str, payload: dict[str, Any],
               kid: str | None = None) -> str:
    """``payload`` signed with ``private_pem`` (Ed25519), naming ``kid`` (default: the key's own)."""
    spec = json.dumps({"key": private_pem, "claims": payload, "kid": kid})
    return run(["node", "--input-type=module", "-e", _SIGN], workspace, {**env, "SPEC": spec}).stdout


def kid_of(workspace: Path, env: dict[str, str], private_pem: str) -> str:
    return run(["node", "--input-type=module", "-e", _KID], workspace, {**env, "KEY": private_pem}).stdout


def sign_hs256(secret: str, payload: dict[str, Any]) -> str:
    """``payload`` signed with a shared secret, as services used to trust."""
    body = _encoded({"alg": "HS256", "typ": "JWT"}, payload)
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(signature)}"


def unsigned(payload: dict[str, Any]) -> str:
    return f"{_encoded({'alg': 'none', 'typ': 'JWT'}, payload)}."


def _encoded(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
