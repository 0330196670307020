"""URL normalisation: variants of one page's address (tracking parameters, scheme, www, fragments) compare equal."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters that say how a reader arrived, not which page it is.
TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "ref_src", "cmpid", "ocid", "smid", "sr_share")


def normalize_url(url: str | None) -> str | None:
    if not url or "://" not in url:
        return url or None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PARAMS)]
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")
