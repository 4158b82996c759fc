"""Registering the certificate on a token with the person's server account,
proving that they hold its key (every face: ``kyso register-cert``, the
desktop app's first-run assistant).

The server hands out a random challenge bound to the account (short-lived,
single use); the token signs it with the certificate's key through the same
pyHanko signer that signs documents (:func:`kyso.services.tokens.login`); the
server verifies the signature with the certificate's public key, checks the
certificate, and keeps the registration ``pending`` until an administrator
approves it (or ``active`` at once when the server auto-approves).
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class Registration:
    sha256: str
    subject: str
    status: str          # "active" or "pending"
    created: bool        # False: this account had it already

    @property
    def pending(self) -> bool:
        return self.status != "active"


#: Server refusals worded in the client's catalogue (both languages); the
#: others are shown with the server's own (Vietnamese) sentence.
WORDED_REFUSALS = ("certificate_taken", "proof_invalid", "challenge_expired", "no_trust_roots",
                   "certificate_untrusted", "proof_required")


def refusal_message(exc) -> str:
    """What to tell the person about a :class:`~kyso.sync.errors.RuleRefused`."""
    from ..core.messages import tr

    if exc.server_code in WORDED_REFUSALS:
        return tr(f"certreg.refused.{exc.server_code}")
    return tr("certreg.refused", message=exc.server_message)


def outcome_message(reg: Registration, user: str) -> str:
    from ..core.messages import tr

    return tr("certreg.pending" if reg.pending else "certreg.active", subject=reg.subject, user=user,
              sha=reg.sha256[:16])


def _sign(signer, data: bytes) -> bytes:
    coro = signer.async_sign_raw(data, "sha256")
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from inside an event loop (never by our faces): run in a fresh one.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def register_certificate(client, signer) -> Registration:
    """Prove possession of ``signer``'s key to the server behind ``client``
    (a logged-in :class:`kyso.sync.api.ServerClient`) and register its
    certificate. Server refusals arrive as :class:`kyso.sync.errors.RuleRefused`."""
    der = signer.signing_cert.dump()
    challenge = client.certificate_challenge()
    data = base64.b64decode(challenge["to_sign"])
    signature = _sign(signer, data)
    row, created = client.prove_certificate(challenge["challenge_id"], der, signature)
    return Registration(sha256=str(row.get("sha256")), subject=str(row.get("subject", "")),
                        status=str(row.get("status", "active")), created=created)
