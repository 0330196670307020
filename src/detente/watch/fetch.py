"""Polite HTTP for feeds and pages, with the standard library only.

Every request names itself (User-Agent), waits its turn per host (a minimum delay between the starts of two
requests to one host, longer when robots.txt asks for a Crawl-delay or a 429 for a Retry-After), gives up after a
timeout, and retries connection errors, timeouts, 429 and 5xx with exponential backoff. Each hop of a redirect is
checked against its host's robots.txt (RFC 9309: a 4xx robots.txt allows all, an unreachable one or a 5xx disallows
all), and no response is read past a byte cap.
"""
from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from datetime import timezone
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from detente import settings as S

REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A request that failed; str() is one line. `status` is the last HTTP status (None when there was no answer),
    `retry_after` the seconds a 429 or 503 asked to wait."""

    def __init__(self, url: str, message: str, status: Optional[int] = None, retry_after: Optional[float] = None):
        super().__init__(message)
        self.url, self.status, self.retry_after = url, status, retry_after


class Disallowed(FetchError):
    """robots.txt of the host does not let us fetch the URL."""


class NotText(FetchError):
    """The response is not of a content type a page may have."""


class TooLarge(FetchError):
    """The response is larger than its cap."""


class Stop:
    """A stop flag that a signal handler may set: no lock is taken, so the handler can never wait on the thread it
    interrupted. Waiting sleeps in short slices and ends early once the flag is set."""

    SLICE = 0.1

    def __init__(self):
        self.flag = False

    def set(self) -> None:
        self.flag = True

    def is_set(self) -> bool:
        return self.flag

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + max(0.0, timeout)
        while not self.flag:
            left = end - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(self.SLICE, left))
        return self.flag


class _TooSlow(TimeoutError):
    """The bytes kept coming, but the whole response took longer than its deadline."""


class Stopped(Exception):
    """The watch was asked to stop while a request waited its turn."""


@dataclass
class Response:
    url: str                 # the URL that answered (after redirects)
    status: int              # 200, or 304 for a conditional GET of an unchanged resource
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> Optional[str]:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: `Detente` of `Detente/0.1.0 (+...)`."""
    return (user_agent.split("/")[0].split() or ["*"])[0]


def retry_after_seconds(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class HostLimiter:
    """A minimum delay between the starts of two requests to one host; a host can be deferred (Retry-After, backoff)
    and given a longer delay of its own (Crawl-delay). Waiting ends early, with Stopped, when `stop` is set."""

    def __init__(self, delay: float, stop: "Stop", clock: Callable[[], float] = time.monotonic):
        self.delay, self.stop, self.clock = delay, stop, clock
        self.host_delay: dict[str, float] = {}
        self.next_at: dict[str, float] = {}

    def acquire(self, host: str) -> None:
        wait = self.next_at.get(host, 0.0) - self.clock()
        if wait > 0 and self.stop.wait(wait):
            raise Stopped()
        if self.stop.is_set():
            raise Stopped()
        self.next_at[host] = self.clock() + max(self.delay, self.host_delay.get(host, 0.0))

    def waiting(self, host: str) -> float:
        """Seconds until the host may be asked again."""
        return max(0.0, self.next_at.get(host, 0.0) - self.clock())

    def defer(self, host: str, seconds: float) -> None:
        self.next_at[host] = max(self.next_at.get(host, 0.0), self.clock() + seconds)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so that each hop is rate limited and checked against robots.txt."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _describe(err: BaseException, timeout: float) -> str:
    reason = getattr(err, "reason", err)
    if isinstance(reason, _TooSlow):
        return str(reason)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    text = " ".join(str(reason).split()) or type(reason).__name__
    return f"{type(reason).__name__}: {text}" if type(reason).__name__ not in text else text


def _transient(err: BaseException) -> bool:
    """Worth another try: no connection, a timeout, a dropped connection. A bad certificate is not."""
    reason = getattr(err, "reason", err)
    return not isinstance(reason, (ssl.SSLCertVerificationError, ValueError))


class Fetcher:
    """GET with politeness. One Fetcher lives as long as the watch, so that robots.txt and the per-host clock
    carry from poll to poll."""

    def __init__(self, user_agent: str = S.USER_AGENT, per_host_delay: float = S.PER_HOST_DELAY_SECONDS,
                 timeout: float = S.TIMEOUT_SECONDS, retries: int = S.RETRIES, stop: Optional[Stop] = None,
                 backoff: Optional[float] = None):
        self.user_agent, self.timeout, self.retries = user_agent, timeout, max(0, retries)
        self.backoff = S.BACKOFF_SECONDS if backoff is None else backoff
        self.stop = stop or Stop()
        self.limiter = HostLimiter(per_host_delay, self.stop)
        self.robots = Robots(self, agent_token(user_agent))
        # build_opener keeps urllib's own proxy handling (http_proxy, no_proxy from the environment)
        self.opener = urllib.request.build_opener(_NoRedirect())

    def get(self, url: str, headers: Optional[dict[str, str]] = None, max_bytes: int = S.MAX_PAGE_BYTES,
            types: Optional[tuple[str, ...]] = None, robots: bool = True, truncate: bool = False) -> Response:
        """The response to GET `url` (status 200, or 304 to a conditional request), following redirects.

        Raises Disallowed (robots.txt), NotText (a content type outside `types`), TooLarge (over `max_bytes`, unless
        `truncate`, which keeps the first `max_bytes`), FetchError (no answer or an HTTP error, after the retries),
        Stopped (the watch is stopping)."""
        for _ in range(S.MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(url, f"not an http(s) URL: {url}")
            if robots and not self.robots.allowed(url):
                raise Disallowed(url, f"robots.txt of {origin(url)} disallows {urlsplit(url).path or '/'}")
            response = self._with_retries(url, headers or {}, max_bytes, types, truncate)
            if response.status not in REDIRECTS:
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchError(url, f"HTTP {response.status} without a Location", response.status)
            url = urljoin(url, location)
        raise FetchError(url, f"more than {S.MAX_REDIRECTS} redirects")

    def _with_retries(self, url, headers, max_bytes, types, truncate) -> Response:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self._once(url, host, headers, max_bytes, types, truncate)
            except (FetchError, Stopped):
                raise
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                if not _transient(err):
                    raise FetchError(url, _describe(err, self.timeout)) from None
                problem, status = _describe(err, self.timeout), None
            else:
                status = response.status
                if status == 429 or 500 <= status < 600:
                    problem = f"HTTP {status}"
                    retry_after = retry_after_seconds(response.headers.get("retry-after"))
                elif status >= 400 or (300 <= status < 400 and status not in REDIRECTS + (304,)):
                    raise FetchError(url, f"HTTP {status}", status)
                elif status == 304 and not any(name.lower().startswith("if-") for name in headers):
                    raise FetchError(url, "HTTP 304 to a request that was not conditional", status)
                else:
                    return response
            tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
            if retry_after is not None and retry_after > S.MAX_RETRY_AFTER_SECONDS:
                self.limiter.defer(host, retry_after)  # the host asked everyone to wait: so do our other requests
                raise FetchError(url, f"{problem}, Retry-After {retry_after:.0f} s (after {tries})", status, retry_after)
            if attempt >= self.retries:
                raise FetchError(url, f"{problem} (after {tries})", status, retry_after)
            wait = self.backoff * 2 ** attempt
            self.limiter.defer(host, max(wait, retry_after or 0.0))
            attempt += 1

    def _once(self, url, host, headers, max_bytes, types, truncate) -> Response:
        wait = self.limiter.waiting(host)
        if wait > S.MAX_RETRY_AFTER_SECONDS:  # the host asked for a long pause (Retry-After): no waiting it out here
            raise FetchError(url, f"{host} asked to be left alone {wait:.0f} s more", retry_after=wait)
        self.limiter.acquire(host)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip",
                                                       **headers})
        deadline = time.monotonic() + self.timeout * S.TOTAL_TIMEOUT_FACTOR
        try:
            raw = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as err:  # 3xx, 304, 4xx, 5xx: the status is the answer; the body is not needed
            try:
                return Response(url, err.code, {k.lower(): v for k, v in (err.headers or {}).items()}, b"")
            finally:
                err.close()
        with raw:
            response = Response(raw.geturl() or url, raw.status, {k.lower(): v for k, v in raw.headers.items()}, b"")
            if types is not None and response.media_type and response.media_type not in types:
                raise NotText(url, f"content type {response.media_type} is not a page", response.status)
            response.body = self._read(raw, url, response, max_bytes, deadline, truncate)
        return response

    def _read(self, raw, url, response: Response, max_bytes: int, deadline: float, truncate: bool) -> bytes:
        def too_large(size: str) -> TooLarge:
            return TooLarge(url, f"larger than {max_bytes:,} bytes ({size})", response.status)

        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes and not truncate:
            raise too_large(f"Content-Length {int(length):,}")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS) \
            if encoding in ("gzip", "x-gzip", "deflate") else None
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _TooSlow(f"the whole response took longer than {self.timeout * S.TOTAL_TIMEOUT_FACTOR:g} s")
            data = raw.read1(65536)
            if not data:
                break
            if inflate is not None:
                data = inflate.decompress(data, max_bytes + 1 - size)  # a small gzip never inflates past the cap
            chunks.append(data)
            size += len(data)
            if size > max_bytes:
                if truncate:
                    break
                raise too_large("read so far")
        return b"".join(chunks)[:max_bytes]


class Robots:
    """robots.txt per origin (scheme, host, port), fetched through the Fetcher (same User-Agent and host clock),
    cached for ROBOTS_TTL_SECONDS; an unreachable one disallows the host for ROBOTS_FAILURE_TTL_SECONDS."""

    def __init__(self, fetcher: Fetcher, agent: str):
        self.fetcher, self.agent = fetcher, agent
        self.cache: dict[str, tuple[RobotFileParser, float]] = {}

    def allowed(self, url: str) -> bool:
        return self.rules(url).can_fetch(self.agent, url)

    def rules(self, url: str) -> RobotFileParser:
        key = origin(url)
        cached = self.cache.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        parser, ttl = RobotFileParser(key + "/robots.txt"), S.ROBOTS_TTL_SECONDS
        try:
            response = self.fetcher.get(key + "/robots.txt", max_bytes=S.MAX_ROBOTS_BYTES, robots=False, truncate=True)
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        except FetchError as err:
            if err.status is not None and 400 <= err.status < 500 and err.status != 429:
                parser.allow_all = True  # RFC 9309 2.3.1.3: no robots.txt (4xx) allows all
            else:
                parser.disallow_all = True  # 2.3.1.4: unreachable (5xx, 429, no answer) disallows all
                ttl = S.ROBOTS_FAILURE_TTL_SECONDS
        parser.modified()
        delay = parser.crawl_delay(self.agent)
        if delay:
            host, seconds = urlsplit(key).netloc, min(float(delay), S.MAX_CRAWL_DELAY_SECONDS)
            self.fetcher.limiter.host_delay[host] = seconds
            self.fetcher.limiter.defer(host, seconds)  # counted from the robots.txt request itself
        self.cache[key] = (parser, time.monotonic() + ttl)
        return parser
