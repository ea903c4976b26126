"""Secrets never leave the process: error text from any endpoint (an LLM server echoing the
key it was sent, a URL carrying `api_key=`) is masked before it is printed, logged or stored.

Two kinds are masked: the values of the secret settings (`remember`ed once, where the
settings are read), wherever they appear; and anything shaped like a key (`sk-...`, a
Bearer token, an `api_key=` or `password=` query value), even one we were never given.

    >>> remember("hunter2-pass")
    >>> mask("401: Incorrect API key provided: sk-abc123XYZ789; db pw hunter2-pass")
    '401: Incorrect API key provided: sk-***; db pw ***'
"""

import re

_known: set[str] = set()
_SHAPED = re.compile(
    r"\b(?P<prefix>sk-|pk-|rk-)[A-Za-z0-9_\-]{6,}"
    r"|(?P<bearer>\bBearer\s+)[A-Za-z0-9._~+/\-]{8,}=*"
    r"|(?P<param>\b(?:api[_-]?key|key|token|password|secret)=)[^&\s'\"]+",
    re.IGNORECASE,
)


def remember(*secrets: str | None) -> None:
    """Values to mask wherever they appear (short ones would mask ordinary words)."""
    _known.update(s for s in secrets if s and len(s) >= 4)


def _masked(match: re.Match[str]) -> str:
    return (match.group("prefix") or match.group("bearer") or match.group("param")) + "***"


def mask(text: str) -> str:
    """`text` with every remembered secret and every key-shaped token replaced by ***."""
    for secret in sorted(_known, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _SHAPED.sub(_masked, text)
