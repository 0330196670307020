"""Bytes to text: find the encoding, never produce mojibake, never raise."""
from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Optional

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_ESCAPED = re.compile("[\udc80-\udcff]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Accented letters that Western European text really uses; other Latin-extended letters are rarer and
# usually the sign of a wrong single-byte code page.
_COMMON_ACCENTS = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ")
# Single-byte code pages worth trying when the bytes are not UTF-8 (most common on news sites).
_FALLBACKS = ("cp1252", "cp1251", "iso8859-15", "koi8-r", "cp1250", "cp1256")
# Multi-byte East Asian guesses on a few bytes are mostly noise; only trust them on longer input.
_MULTIBYTE_MIN = 64
_MULTIBYTE = re.compile(r"big5|gb|shift|euc|cp9\d\d|iso2022|hz|johab|cp1361")


def _common_mark(ch: str) -> bool:
    """Punctuation and symbols real text uses: typographic quotes and dashes, CJK punctuation, currency."""
    o = ord(ch)
    return (0x2010 <= o <= 0x2027 or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF20 or 0x20A0 <= o <= 0x20BF
            or ch in "«»№°§©®™¡¿·\u00a0")


def codec_name(label: str) -> Optional[str]:
    try:
        return codecs.lookup(label.strip().lower()).name
    except (LookupError, TypeError):
        return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in text without a UTF-16/32 BOM."""
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05


def implausibility(text: str) -> float:
    """How unlike real text a decoding is: mixed-script words, piles of accents, control characters."""
    bad = 0.0
    for ch in text:
        if ch in "\t\n\r\f":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cs") or ch == "\ufffd":
            bad += 5
        elif "\uff61" <= ch <= "\uff9f":  # half-width katakana: the usual shape of a wrong CJK guess
            bad += 2
        elif ord(ch) > 127 and cat[0] in "SP" and not _common_mark(ch):
            bad += 1
    for word in _WORD.findall(text):
        cyr = len(_CYRILLIC.findall(word))
        lat = len(_LATIN.findall(word))
        if cyr and lat:
            bad += min(cyr, lat) + 1
        elif len(word) > 2 and word[0].islower() and any(c.isupper() for c in word[1:]):
            bad += 1  # "рТЙЧЕФ": KOI8-R read as cp1251, and the like
        elif lat:
            accented = sum(1 for c in word if ord(c) > 127)
            rare = sum(1 for c in word if ord(c) > 127 and c not in _COMMON_ACCENTS)
            bad += rare * 2
            if accented > 2 and accented * 2 > len(word):
                bad += accented
    return bad / max(len(text), 1) * 1000


def decode_bytes(data: bytes, hint: Optional[str] = None, is_html: bool = False) -> tuple[Optional[str], Optional[str]]:
    """Return (text, encoding); (None, None) when no encoding gives plausible text. See decode_text."""
    text, encoding, _ = decode_text(data, hint, is_html)
    return text, encoding


def utf8_with_replacements(data: bytes) -> Optional[tuple[str, int]]:
    """(text, bytes replaced) when the bytes are UTF-8 except for a few invalid bytes, else None.

    "A few" means no more invalid bytes than correctly encoded non-ASCII characters: the file shows it is
    UTF-8, and each stray byte becomes U+FFFD instead of turning every other character into mojibake. Text
    with no valid multi-byte character at all is left to the code-page guessers (one byte 0xE9 in ASCII text
    is most likely a windows-1252 "é").
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    text = data.decode("utf-8", "surrogateescape")  # each invalid byte becomes one lone surrogate U+DC80..U+DCFF
    bad = len(_ESCAPED.findall(text))
    if not bad:
        return None
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    if good < bad:
        return None
    return _ESCAPED.sub("\ufffd", text), bad


def replaced_note(encoding: str, count: int) -> str:
    return f"{encoding}: {count} invalid byte{'' if count == 1 else 's'} replaced"


def decode_text(data: bytes, hint: Optional[str] = None,
                is_html: bool = False) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """Return (text, encoding, note); (None, None, None) when no encoding gives plausible text.

    Order: BOM, the container's hint (HTTP header), the HTML meta charset, valid UTF-8, UTF-8 with a few
    invalid bytes replaced (the note then says how many), then the most plausible of charset-normalizer's
    guesses and the common single-byte code pages. Each record (each JSONL line, each WARC record) is decoded
    on its own, so one bad byte never changes how another document is read.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name, None
            except UnicodeDecodeError:
                break
    declared = []
    if hint:
        declared.append(hint)
    if is_html or data[:1024].lstrip()[:1] == b"<":
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared.append(m.group(1).decode("ascii", "ignore"))
    for label in declared:
        name = codec_name(label)
        if not name:
            continue
        if name in ("latin-1", "iso8859-1", "ascii"):  # browsers treat these labels as windows-1252
            name = "cp1252"
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        # ASCII reads the same in any declared code page, and valid UTF-8 declared as such is what it says: no need
        # to weigh them (the check costs more than the rest of reading a page)
        if name == "utf-8" or data.isascii() or implausibility(text[:20000]) < 5:
            return text, name, None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    lenient = utf8_with_replacements(data)
    if lenient is not None:
        return lenient[0], "utf-8", replaced_note("utf-8", lenient[1])
    candidates: list[str] = []
    try:
        for match in from_bytes(data[:200000]):
            name = codec_name(match.encoding)
            if not name or name in candidates:
                continue
            if _MULTIBYTE.search(name) and len(data) < _MULTIBYTE_MIN:
                continue
            candidates.append(name)
            if len(candidates) >= 3:
                break
    except Exception:  # charset-normalizer is a guesser; a failure there is just no guess
        pass
    for name in _FALLBACKS:
        if name not in candidates:
            candidates.append(name)
    # Equal scores (often identical text) go to the commoner code page, then to the guesser's order.
    preference = {name: i for i, name in enumerate(_FALLBACKS)}
    best: tuple[float, int, str, str] | None = None
    for name in candidates:
        rank = preference.get(name, len(_FALLBACKS) + candidates.index(name))
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        score = implausibility(text[:20000])
        if best is None or (score, rank) < (best[0], best[1]):
            best = (score, rank, name, text)
    if best is None or best[0] > 50:
        return None, None, None
    return best[3], best[2], None
