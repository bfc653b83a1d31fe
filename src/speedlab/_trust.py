"""Which certificate authorities HTTPS trusts: the system store, or the one file the user names.

Every model verifies certificates and host names. By default each library uses its default
store; ``--ca-file PATH`` (or ``$SSL_CERT_FILE``, which OpenSSL reads the same way) names a PEM
file of CA certificates to trust instead, e.g. a company's proxy CA or a test CA made with
``trustme``. The file travels in each request (``HttpRequest.ca_file``), so every transport
(requests, aiohttp, the hand-made loop) trusts the same CAs.

It is checked once, before any request: a typo or a wrong file is one clear line, not a TLS
failure per keyword.

    >>> ca_file_from_env({"SSL_CERT_FILE": ""}) is None
    True
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping

from speedlab._exceptions import UsageError

__all__ = ["CA_FILE_ENV", "ca_file_from_env", "check_ca_file"]

#: The environment variable OpenSSL reads for its default CA file, honoured by every model.
CA_FILE_ENV = "SSL_CERT_FILE"


def check_ca_file(path: str, *, name: str = "--ca-file") -> str:
    """Check that ``path`` is a PEM file with at least one CA certificate; return it.

    Args:
        path: The file (``--ca-file``, or ``$SSL_CERT_FILE``).
        name: What to call it in the message.

    Returns:
        ``path`` unchanged.

    Raises:
        UsageError: The file cannot be read or holds no certificate.
    """
    if not isinstance(path, str) or not path.strip():
        raise UsageError(f"{name} must name a PEM file of CA certificates, got {path!r}")
    try:
        ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:  # before OSError: it is one
        reason = exc.reason or str(exc)
        raise UsageError(f"{name} {path!r} holds no usable CA certificate ({reason})") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{name} {path!r}: cannot read it ({reason})") from None
    return path


def ca_file_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """Return ``$SSL_CERT_FILE``, checked, or None when it is unset or empty.

    Raises:
        UsageError: It names a file that cannot be read or holds no certificate.
    """
    value = (os.environ if environ is None else environ).get(CA_FILE_ENV, "")
    return check_ca_file(value, name=CA_FILE_ENV) if value else None
