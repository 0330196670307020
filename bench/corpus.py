"""A generated news corpus for benchmarks: realistic clutter, syndicated copies, mixed formats.

The sentences are assembled from small word lists, so the corpus is as large as asked for and the same
on every machine (fixed seed).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

ACTORS = ["Russia", "the United States", "China", "NATO", "the European Union", "Ukraine", "Iran", "Turkey",
          "Foreign Minister Sergey Lavrov", "Secretary of State Antony Blinken", "President Vladimir Putin",
          "President Joe Biden", "Kremlin spokesman Dmitry Peskov", "the UN Security Council"]
VERBS = ["met", "held talks with", "accused", "urged", "criticised", "praised", "warned", "called on",
         "signed an agreement with", "rejected a proposal from", "expressed readiness to work with"]
TOPICS = ["strategic stability", "arms control", "the New START treaty", "cyber security", "prisoner exchanges",
          "the situation in Syria", "sanctions", "humanitarian aid", "military exercises near the border"]
WHEN = ["on Tuesday", "on Wednesday", "last week", "earlier this month", "at the end of June", "in 2020", "yesterday"]
PLACES = ["Geneva", "Vienna", "Istanbul", "Reykjavik", "Riyadh", "Helsinki", "New York"]
CLUTTER_TOP = ["Home", "World", "Politics", "Business", "Search", "Menu", "Subscribe", "Log in"]
CLUTTER_BOTTOM = ["Share this story!", "Comments are closed.", "Read also: Markets close higher",
                  "We use cookies to personalise content and ads. Accept all", "© 2021 Example News. All rights reserved.",
                  "Leave a Reply", "Related Articles"]


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(ACTORS, 2)
    return (f"{a} {rng.choice(VERBS)} {b} {rng.choice(WHEN)} in {rng.choice(PLACES)} on {rng.choice(TOPICS)}, "
            f"officials said after {rng.randint(2, 9)} hours of discussions.")


def article(rng: random.Random, paragraphs: int = 8) -> tuple[str, list[str]]:
    title = f"{rng.choice(ACTORS)} and {rng.choice(ACTORS)} discuss {rng.choice(TOPICS)}".capitalize()
    body = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(paragraphs)]
    return title, body


def noisy_text(rng: random.Random, title: str, body: list[str]) -> str:
    lines = rng.sample(CLUTTER_TOP, 3) + [title, ""] + body
    if rng.random() < 0.3:  # a scraper that doubled the paragraphs
        lines += body[:3]
    lines += rng.sample(CLUTTER_BOTTOM, 3)
    return "\n".join(lines) + "\n"


def html_page(rng: random.Random, title: str, body: list[str], day: int) -> str:
    nav = "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in CLUTTER_TOP)
    paras = "".join(f"<p>{p}</p>" for p in body)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title} | Example News</title>"
            f"<meta property='og:site_name' content='Example News'>"
            f"<meta property='article:published_time' content='2021-06-{day:02d}T10:00:00Z'></head><body>"
            f"<nav><ul>{nav}</ul></nav><div class='cookie'>We use cookies. Accept</div>"
            f"<article><h1>{title}</h1>{paras}</article>"
            f"<aside><h3>Related Articles</h3><ul><li><a href='/x'>Other story</a></li></ul></aside>"
            f"<footer>© 2021 Example News. All rights reserved.</footer></body></html>")


def generate(dest: Path, n: int, seed: int = 7) -> Path:
    """Write about n documents to dest: 70% noisy .txt, 20% .html, 10% in one .jsonl; 5% are syndicated copies."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    jsonl = []
    previous: list[tuple[str, list[str]]] = []
    for i in range(n):
        if previous and rng.random() < 0.05:
            title, body = rng.choice(previous)
            title = "Wire: " + title
        else:
            title, body = article(rng)
            previous = (previous + [(title, body)])[-50:]
        kind = rng.random()
        if kind < 0.7:
            (dest / f"doc{i:06d}.txt").write_text(noisy_text(rng, title, body), encoding="utf-8")
        elif kind < 0.9:
            (dest / f"doc{i:06d}.html").write_text(html_page(rng, title, body, 1 + i % 28), encoding="utf-8")
        else:
            jsonl.append({"url": f"https://example.org/news/{i}?utm_source=feed", "published": "2021-06-15",
                          "title": title, "text": "\n".join(body)})
    with open(dest / "feed.jsonl", "w", encoding="utf-8") as f:
        for row in jsonl:
            f.write(json.dumps(row) + "\n")
    return dest
