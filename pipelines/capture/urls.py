"""Camera URL checks and masking. Masking must never raise: it guards error paths."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

SCHEMES = ("rtsp", "rtsps", "http", "https", "demo")
MASK = "***"
# Query parameter names that carry secrets (matched as substrings, case-insensitively,
# so "access_token", "X-Api-Key" and "passwd" are caught too).
_SECRET_PARAM = re.compile(r"pass|pwd|token|key|auth|secret|signature", re.IGNORECASE)


def validate_url(url: str) -> str:
    """Return URL stripped, or raise ValueError with a message fit for a form."""
    url = (url or "").strip()
    if not url:
        raise ValueError("Enter a camera URL, e.g. rtsp://user:password@192.168.1.20/stream")
    scheme = url.partition("://")[0].lower()
    if "://" not in url or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        raise ValueError(f"Not a URL: {mask_url(url)!r} (expected e.g. rtsp://host/path)")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValueError("A camera URL cannot contain spaces or control characters")
    if scheme not in SCHEMES:
        allowed = ", ".join(f"{s}://" for s in SCHEMES)
        raise ValueError(f"Unsupported URL scheme {scheme}://: use one of {allowed}")
    if scheme == "demo":
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(f"Invalid host or port in {mask_url(url)}") from None
    if not parts.hostname:
        raise ValueError(f"The URL {mask_url(url)} has no host name or address")
    if port == 0:
        raise ValueError(f"Invalid port in {mask_url(url)}")
    return url


def mask_url(url: str) -> str:
    """URL with the password and secret query values replaced by ***. Never raises."""
    try:
        url = "" if url is None else str(url)
        head, qmark, rest = url.partition("?")
        query, hash_, fragment = rest.partition("#")
        userinfo = _userinfo(head)
        if userinfo is not None and userinfo[2] is not None:
            prefix, user, _, host = userinfo
            head = f"{prefix}{user}:{MASK}@{host}"
        return head + qmark + _mask_query(query) + hash_ + fragment
    except Exception:  # a guard on error paths must not become the error
        return MASK


def secrets_of(url: str) -> list[str]:
    """The secret strings in URL (password, secret query values), raw and decoded."""
    found: set[str] = set()
    try:
        head, _, rest = url.partition("?")
        userinfo = _userinfo(head)
        if userinfo is not None and userinfo[2]:
            found.add(userinfo[2])
        for name, value in _query_pairs(rest.partition("#")[0]):
            if value and _SECRET_PARAM.search(unquote(name)):
                found.add(value)
    except Exception:
        return []
    found |= {unquote(s) for s in found}
    # Longest first, so a decoded secret is not half-replaced by a shorter raw one.
    return sorted((s for s in found if s), key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """TEXT with every secret of URL replaced by ***: for library messages we quote."""
    if not isinstance(text, str) or not text:
        return text
    for secret in secrets_of(url):
        text = text.replace(secret, MASK)
    return text


def credentials(url: str) -> tuple[str, str, str] | None:
    """(url without user:password@, user, password) or None when URL carries no user."""
    parts = urlsplit(url)
    if parts.username is None:
        return None
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return bare, unquote(parts.username), unquote(parts.password or "")


def _userinfo(head: str) -> tuple[str, str, str | None, str] | None:
    """("scheme://", user, password or None, "host/path") when HEAD has a user@ part.

    Split at the LAST "@" before the query, not where urlsplit would stop (the first
    "/"), so a password with a raw "/" or "@" in it is still masked, never shown."""
    scheme, sep, rest = head.partition("://")
    if not sep or "@" not in rest:
        return None
    userinfo, _, host = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return scheme + sep, user, (password if colon else None), host


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(item.partition("=")[::2]) for item in query.split("&") if item]


def _mask_query(query: str) -> str:
    # Rebuilt by hand (not urlencode) so everything but the secret values stays byte-identical.
    items = []
    for item in query.split("&"):
        name, eq, value = item.partition("=")
        if eq and value and _SECRET_PARAM.search(unquote(name)):
            value = MASK
        items.append(f"{name}{eq}{value}")
    return "&".join(items)
