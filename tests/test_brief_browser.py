"""The briefs as a reader sees them: opened in headless Chromium (Debian's) through playwright-core. brief.html as
it is; brief.md rendered by markdown-it-py, as a Markdown viewer would show it, with payloads in every input field
that must show as text and never run.

`make test` installs both (tests/browser/package.json). Outside CI the test skips, with the reason, when
they are missing; in CI a missing browser is a failure, not a skip.
"""
import json
import subprocess

import pytest

from conftest import BROWSER, REPO, browser_or_skip
from detente.pipeline import run


def test_brief_shows_timeline_trend_quotes_and_folded_documents(tmp_path):
    browser_or_skip()
    out = tmp_path / "out"
    result = run([str(REPO / "examples" / "corpus")], out)
    shot = tmp_path / "brief.png"
    proc = subprocess.run(["node", str(BROWSER / "brief.mjs"), str(out / "brief.html"), str(shot)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["errors"] == []
    assert seen["heading"] == "Detente brief"
    assert seen["documents"] == len(result.documents)
    assert seen["timelineRows"] >= 10 and seen["quotes"] >= 5
    assert seen["trendCharts"] >= 1 and seen["trendPoints"] >= 3 and seen["trendWidth"] > 300
    assert "over" in seen["firstPointTitle"]  # each point tells its month, weight and event count
    assert seen["textHiddenBefore"] and seen["textVisibleAfter"]
    assert shot.stat().st_size > 10_000


# --- Injected payloads: brief.md rendered as a Markdown viewer would, and brief.html, must run none of them. ---
#
# Each payload proves it ran by calling __pwned.push(CODE) (tests/browser/payloads.mjs records the calls and clicks
# every javascript: link) or by setting document.title. CODE = 70000 + 100 * field + payload, so a failure names the
# field and the payload.

PAYLOADS = [
    "<script>__pwned.push({n})</script>",
    "<img src=x onerror=__pwned.push({n})>",
    "<svg onload=__pwned.push({n})>",
    "<details open ontoggle=__pwned.push({n})>",
    '<iframe srcdoc="<script>parent.__pwned.push({n})</script>"></iframe>',
    '<a href="javascript:__pwned.push({n})">click {n}</a>',
    "&lt;img src=x onerror=__pwned.push({n})&gt;",
    "[click {n}](javascript:__pwned.push({n}))",
    "![pic {n}](javascript:__pwned.push({n}))",
    "<javascript:__pwned.push({n})>",
    "javascript:__pwned.push({n})",
    " JaVaScRiPt:__pwned.push({n})",
    "java\tscript:__pwned.push({n})",
    "https://example.org/x?a=(1)[2]<img src=x onerror=__pwned.push({n})>",
    "Talks\n# fake heading {n}",
    "Talks\n\n## fake heading {n}\n- fake item\n\n<img src=x onerror=__pwned.push({n})>",
    "Talks\n===\nfake heading {n}",
    "[ref {n}]\n\n[ref {n}]: javascript:__pwned.push({n})",
    "x` <img src=x onerror=__pwned.push({n})> `y",
    "```\n<img src=x onerror=__pwned.push({n})>\n```",
    "<img src=x onerror=\"document.title='t{n}'\">",
    "**bold {n}** _it_ ~~gone~~ | a | b |\n|---|---|",
]


def _code(field: int, payload: int) -> int:
    return 70000 + 100 * field + payload


def _run_pages(paths) -> list[dict]:
    proc = subprocess.run(["node", str(BROWSER / "payloads.mjs"), *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def _markdown_pages(markdown: str, folder) -> list:
    """brief.md rendered by markdown-it-py twice: as it comes (CommonMark, raw HTML on), and like GitHub's (tables,
    strikethrough) with the link check off, as a renderer that trusts the Markdown would; each in a page for Chromium."""
    md_it = pytest.importorskip("markdown_it")
    permissive = md_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    permissive.validateLink = lambda url: True
    pages = []
    for name, renderer in (("default", md_it.MarkdownIt()), ("permissive", permissive)):
        page = folder / f"brief-md-{name}.html"
        page.write_text("<!doctype html><html><head data-harness><meta charset='utf-8'><title>brief</title></head>"
                        f"<body>{renderer.render(markdown)}</body></html>", encoding="utf-8")
        pages.append(page)
    return pages


def _ran(seen: dict) -> list[str]:
    """What ran: payload calls, a changed title, links that would run script, event-handler attributes."""
    problems = [f"ran {code}" for code in seen["pwned"]]
    if seen["title"] not in ("brief", "Detente brief"):  # the titles the pages come with
        problems.append(f"title set to {seen['title']!r}")
    problems += [f"script link {href}" for href in seen["scriptLinks"]]
    problems += [f"handler {h}" for h in seen["handlers"]]
    return problems + [f"page error {e}" for e in seen["errors"]]


def _markdown_problems(seen: dict, documents: int) -> list[str]:
    """A rendered brief.md has only the brief's own headings, and no element that could hold or load script."""
    problems = _ran(seen)
    problems += [f"live <{tag}>" for tag in seen["live"]]
    levels = [h["level"] for h in seen["headings"]]
    if levels.count(1) != 1 or levels.count(3) != documents or any(level > 4 for level in levels):
        problems.append(f"headings {seen['headings']}")
    own = {2: {"Timeline", "Cooperation–conflict trend", "Key quotes", "Documents"}, 4: {"Clean text", "Removed lines"}}
    problems += [f"fake heading {h}" for h in seen["headings"] if h["level"] in own and h["text"] not in own[h["level"]]]
    problems += [f"fake heading {h}" for h in seen["headings"] if "fake heading" in h["text"] and h["level"] != 3]
    return problems


def _payload_brief():
    """One document per payload, with the payload in every field a brief shows, each with its own code."""
    from detente.brief import build_brief
    from detente.resolve import merge_incidents
    from detente.types import Actor, Document, Event, Quote, Removed

    fields = ["title", "outlet", "author", "url", "source", "error", "published", "published_basis", "text",
              "removed text", "removed reason", "sentence", "actor name", "actor role", "actor org", "quote text",
              "quote cue", "status"]
    docs, events, quotes = [], [], []
    for i, template in enumerate(PAYLOADS):
        p = {name: template.format(n=_code(f, i)) for f, name in enumerate(fields)}
        doc = Document(f"d{i}", p["source"], url=p["url"], status=p["status"], title=p["title"], outlet=p["outlet"],
                       author=p["author"], published=p["published"], published_basis=p["published_basis"],
                       text=f"Lead paragraph.\n{p['text']}\nLast paragraph.", error=p["error"],
                       removed=[Removed(p["removed text"], p["removed reason"])])
        speaker = Actor(f"a{i}", p["actor name"], "person", country="RUS", sector="GOV", role=p["actor role"])
        group = Actor(f"g{i}", "Group", "org", org=p["actor org"])
        docs.append(doc)
        events.append(Event(f"d{i}-e1", doc.doc_id, p["sentence"], (0, 10), speaker, group, "036", "CONSULT", None, 1,
                            1.0, date=f"{2000 + i}-06-01", confidence=0.8))
        quotes.append(Quote(f"d{i}-q1", doc.doc_id, "We had a useful talk " + p["quote text"], (0, 10), speaker,
                            p["quote cue"]))
    incidents = merge_incidents(events, {d.doc_id: d.outlet for d in docs})
    brief = build_brief(docs, events, quotes, incidents, max_dyads=len(PAYLOADS))
    shown = {name: [(_code(f, i), template.format(n=_code(f, i))) for i, template in enumerate(PAYLOADS)]
             for f, name in enumerate(fields)}
    return brief, shown


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_no_payload_in_any_field_runs_in_either_brief(tmp_path):
    """Every input field of every section, built through build_brief; brief.md shows each payload as text."""
    browser_or_skip()
    from detente.brief import render_html, render_markdown

    brief, shown = _payload_brief()
    markdown = render_markdown(brief)
    pages = _markdown_pages(markdown, tmp_path)
    (tmp_path / "brief.html").write_text(render_html(brief), encoding="utf-8")
    md_default, md_permissive, html = _run_pages([*pages, tmp_path / "brief.html"])
    for seen in (md_default, md_permissive):
        assert _markdown_problems(seen, len(brief.documents)) == []
    assert _ran(html) == []
    # Not a silent drop: each field's payload reads as the very text that came in (on one line).
    text = _one_line(md_default["text"])
    missing = [(name, code) for name, pairs in shown.items()
               for code, payload in pairs if _one_line(payload) not in text]
    assert missing == []


def test_no_payload_in_a_crafted_page_runs_after_a_real_run(tmp_path):
    """Payloads through the whole flow: read, clean (which unescapes &lt;img&gt; into a tag), annotate, code, brief."""
    browser_or_skip()
    folder = tmp_path / "in"
    folder.mkdir()
    sentence = ("Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva on Friday "
                "{p} the ministry said.")
    quote = '"The talks were useful {p} and frank," Lavrov told reporters after the meeting.'
    escaped = "&lt;img src=x onerror=__pwned.push({n})&gt;"
    (folder / "page.html").write_text(
        f"<html><head><title>{escaped.format(n=70101)} Lavrov meets Blinken</title>"
        f"<meta name='author' content='Jane {escaped.format(n=70201)} Doe'>"
        f"<meta property='og:site_name' content='Wire {escaped.format(n=70301)}'></head><body><article>"
        f"<p>{sentence.format(p=escaped.format(n=70401))}</p><p>{quote.format(p=escaped.format(n=70501))}</p>"
        "<p>&lt;script&gt;__pwned.push(70601)&lt;/script&gt; Moscow and Washington agreed to keep talking.</p>"
        "</article></body></html>", encoding="utf-8")
    record = {"url": "javascript:__pwned.push(70801)", "title": "Talks\n# fake heading 70901",
              "outlet": "Daily <script>__pwned.push(71001)</script>", "published": "2021-06-18",
              "text": sentence.format(p="<svg onload=__pwned.push(71101)>") + "\n"
                      + quote.format(p="<img src=x onerror=__pwned.push(71201)>") + "\n# fake heading 71301\n"}
    (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / "a`<img src=x onerror=__pwned.push(71401)>`.txt").write_text(
        "Sergey Lavrov met Antony Blinken in Geneva on Friday, the ministry said.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(folder)], out)
    markdown = (out / "brief.md").read_text(encoding="utf-8")
    md_default, md_permissive, html = _run_pages([*_markdown_pages(markdown, tmp_path), out / "brief.html"])
    for seen in (md_default, md_permissive):
        assert _markdown_problems(seen, len(result.documents)) == []
    assert _ran(html) == []
    # The payloads did reach the brief, as text: the record's url and title, the file name, the sentences, the quotes.
    text = md_default["text"]
    reached = {n for n in range(70101, 71402, 100) if str(n) in text}
    assert {70801, 70901, 71101, 71201, 71401} <= reached and len(reached) >= 7, reached
