"""A cheap language guess: the script first, then the share of each language's commonest words."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib.resources import files
from typing import Optional

_WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS = (  # (language, first, last): scripts that (nearly) name one language
    ("el", 0x0370, 0x03FF), ("he", 0x0590, 0x05FF), ("hy", 0x0530, 0x058F), ("ka", 0x10A0, 0x10FF),
    ("th", 0x0E00, 0x0E7F), ("ko", 0xAC00, 0xD7AF), ("ja", 0x3040, 0x30FF), ("zh", 0x4E00, 0x9FFF),
)
MIN_SHARE = 0.08  # below this share of stopwords, the text is too short or too odd to call


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    data = json.loads(files("detente.clean").joinpath("stopwords.json").read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}


_SCRIPT_RES = tuple((lang, re.compile(f"[{chr(lo)}-{chr(hi)}]")) for lang, lo, hi in _SCRIPTS)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_KANA = _SCRIPT_RES[6][1]


def _script_language(sample: str) -> Optional[str]:
    # counted with regexes, not a Python loop per character: this runs on every document
    non_ascii = len(_NON_ASCII.findall(sample))
    if non_ascii * 3 <= len(sample):
        return None
    for lang, pattern in _SCRIPT_RES:
        if len(pattern.findall(sample)) * 3 > len(sample) - sample.count(" "):
            return "ja" if lang == "zh" and _KANA.search(sample) else lang
    return None


def guess_language(text: str, hint: Optional[str] = None) -> Optional[str]:
    """ISO 639-1 code, or None when unsure. `hint` (e.g. an HTML lang attribute) wins if it is plausible."""
    sample = text[:3000]
    by_script = _script_language(sample)
    if by_script:
        return by_script
    words = [w.lower() for w in _WORD.findall(sample)[:400]]
    if not words:
        return None
    best, best_share = None, 0.0
    counts = Counter(words)  # each distinct word looked up once per language
    for lang, stops in _stopwords().items():
        share = sum(k for w, k in counts.items() if w in stops) / len(words)
        if share > best_share:
            best, best_share = lang, share
    if hint:
        code = hint.split("-")[0].split("_")[0].lower()
        if code == best or best_share < MIN_SHARE:
            return code if len(code) == 2 else best
    return best if best_share >= MIN_SHARE else None
