"""The clean stage on the seed pages (read through iter_records), on an HTML page of our own, and on
broken records."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from detente.clean import clean_record
from detente.read import iter_records
from detente.types import ARTICLE, EMPTY, ERROR_PAGE, NOT_TEXT, REMOVAL_REASONS, Record


@pytest.fixture(scope="module")
def docs(seeds):
    records = {r.source: r for r in iter_records([str(p) for p in seeds.values()])}
    return {key: clean_record(records[str(path)]) for key, path in seeds.items()}


def _reasons(doc):
    return [(r.reason, r.text) for r in doc.removed]


def _removed_as(doc, reason):
    return [r.text for r in doc.removed if r.reason == reason]


def test_every_seed_is_an_article_with_one_title(docs):
    for key, doc in docs.items():
        assert doc.status == ARTICLE, key
        assert doc.title and doc.title not in doc.text.split("\n"), key
        assert all(r.reason in REMOVAL_REASONS for r in doc.removed)
        assert len(set(doc.text.split("\n"))) == len(doc.text.split("\n")), key  # each paragraph once
        assert len(doc.doc_id) == 16 and doc.content_hash and doc.language == "en"
    assert len({d.doc_id for d in docs.values()}) == len(docs)


def test_seed_000_navigation_headline_related_disclaimer(docs, seeds):
    doc = docs["000"]
    raw = [line.strip() for line in seeds["000"].read_text(encoding="utf-8").splitlines()]
    assert doc.title == next(line for line in raw if line and raw.count(line) == 3)  # the headline, printed 3 times
    assert _removed_as(doc, "repeated_headline") == [doc.title] * 3
    assert _removed_as(doc, "navigation") == ["Logo Wide", "Search", "Helpful keywords"]
    assert [t[:10] for t in _removed_as(doc, "related_link")] == ["Read Also:"]
    (disclaimer,) = _removed_as(doc, "disclaimer")
    assert "not verified" in disclaimer and "Responsibility" in disclaimer
    assert len(doc.text.split("\n")) == 8
    assert doc.text.split("\n")[0] == next(line for line in raw if len(line.split()) > 15)
    assert doc.published is None


def test_seed_001_error_stub_duplicates_disclaimer(docs):
    doc = docs["001"]
    assert doc.title.startswith("Upcoming Russian, American Talks")
    assert _removed_as(doc, "error_stub") == ["403", "Sorry!!", _removed_as(doc, "error_stub")[2]]
    assert _removed_as(doc, "error_stub")[2].startswith("Error! We're sorry")
    assert len(_removed_as(doc, "duplicate_paragraph")) == 6
    assert len(doc.text.split("\n")) == 7
    disclaimers = _removed_as(doc, "disclaimer")
    assert disclaimers[0] == "Legal Disclaimer:" and disclaimers[1].startswith("MENAFN provides")
    assert _removed_as(doc, "prompt") == ["CommentsNo comment"]
    assert doc.outlet == "MENAFN" and doc.published is None


def test_seed_002_metadata_header_and_trailing_links(docs, seeds):
    doc = docs["002"]
    raw = [line.strip() for line in seeds["002"].read_text(encoding="utf-8").splitlines() if line.strip()]
    assert doc.published == "2021-07-13" and doc.published_basis == "text_header"
    assert doc.outlet == "TASS"
    assert _removed_as(doc, "metadata") == raw[:4]  # id label, id, date header, author label
    assert _removed_as(doc, "related_link") == ["Read more"]
    assert "X" in _removed_as(doc, "navigation")
    assert doc.text.startswith("WASHINGTON, July 13. /TASS/.")
    body = max(raw, key=len)
    assert body.endswith("Read more") and doc.text.endswith(body.removesuffix("Read more").rstrip()[-60:])
    assert doc.title.endswith("— envoy")


def test_seed_003_author_bio_and_comment_form(docs):
    doc = docs["003"]
    bio = _removed_as(doc, "author_bio")
    assert bio[0] == "John Michael" and "is a Online Editor" in bio[1] and len(bio) == 2
    assert "Related Articles" in _removed_as(doc, "related_link")
    prompts = _removed_as(doc, "prompt")
    assert "Leave a Reply" in prompts and any(p.startswith("Your email address") for p in prompts)
    assert "Back to top button" in _removed_as(doc, "navigation")
    assert doc.text.split("\n")[-1].startswith("He stresses that")
    assert doc.published is None


def test_seed_004_tagline_also_on_share_cookies(docs, seeds):
    doc = docs["004"]
    raw = [line.strip() for line in seeds["004"].read_text(encoding="utf-8").splitlines() if line.strip()]
    assert doc.title == raw[1]  # the headline, after a junk tagline
    assert _removed_as(doc, "tagline") == ["Jesus' Coming Back"]
    related = _removed_as(doc, "related_link")
    assert len(related) == 2 and all(t.startswith("Also on rt.com") for t in related)
    share_prompt = next(line for line in raw if line.endswith("Share this story!"))
    assert share_prompt in _removed_as(doc, "prompt")
    assert "Comments are closed." in _removed_as(doc, "prompt")
    assert "Source" in [r.text for r in doc.removed]
    (cookie,) = _removed_as(doc, "cookie_banner")
    assert cookie.startswith("This website uses cookies")
    assert "Also on" not in doc.text and len(doc.text.split("\n")) == 12
    assert doc.published is None


def test_clean_is_stable_across_runs(seeds):
    first = [clean_record(r) for r in iter_records([str(seeds["002"])])]
    second = [clean_record(r) for r in iter_records([str(seeds["002"])])]
    assert first[0].doc_id == second[0].doc_id and first[0].to_row() == second[0].to_row()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Envoys agree to a second round of arms talks | The Harbour Gazette</title>
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:title" content="Envoys agree to a second round of arms talks">
<meta property="article:published_time" content="2023-03-14T09:30:00+00:00">
<meta name="author" content="Maria Lindqvist">
</head><body>
<div id="consent">We use cookies to personalise content. By continuing to browse this site you agree. <button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/search">Search</a></li></ul></nav></header>
<main><article>
<h1>Envoys agree to a second round of arms talks</h1>
<p class="byline">By Maria Lindqvist</p>
<p>Negotiators from the two nuclear powers agreed on Monday to hold a second round of talks on strategic stability next month, according to officials on both sides.</p>
<p>The first round, held behind closed doors in a lakeside villa, lasted nine hours and covered missile defence, space and new weapons systems.</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a> <a href="#">Email</a></div>
<p>"We listened carefully to each other, which is already a change," one senior delegate told reporters after the session ended late in the evening.</p>
<p>Read also: Why verification remains the hardest part of any arms deal</p>
<p>Analysts cautioned that the talks remain fragile and that a single incident at sea could derail the schedule agreed this week.</p>
<aside><h3>Related articles</h3><ul><li><a href="/a">Arms control explained</a></li><li><a href="/b">Timeline of treaties</a></li></ul></aside>
</article></main>
<footer><p>© 2023 The Harbour Gazette. All rights reserved.</p><p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | <a href="/contact">Contact us</a></p></footer>
</body></html>"""


def test_html_page_of_our_own():
    doc = clean_record(Record(source="page.html", text=PAGE, is_html=True, encoding="utf-8",
                              url="https://harbour.example/world/envoys-agree"))
    assert doc.status == ARTICLE
    assert doc.title == "Envoys agree to a second round of arms talks"
    assert doc.published == "2023-03-14" and doc.published_basis == "html_meta"
    assert doc.outlet == "The Harbour Gazette" and doc.author == "Maria Lindqvist" and doc.language == "en"
    paragraphs = doc.text.split("\n")
    assert len(paragraphs) == 4 and paragraphs[0].startswith("Negotiators") and paragraphs[-1].startswith("Analysts")
    reasons = {r.text: r.reason for r in doc.removed}
    assert reasons["We use cookies to personalise content. By continuing to browse this site you agree."] == "cookie_banner"
    assert reasons["Home"] == "navigation" and reasons["Search"] == "navigation"
    assert reasons["Share on Facebook Share on Twitter Email"] == "prompt"
    assert reasons["Read also: Why verification remains the hardest part of any arms deal"] == "related_link"
    assert reasons["Related articles"] == "related_link" and reasons["Timeline of treaties"] == "related_link"
    assert reasons["© 2023 The Harbour Gazette. All rights reserved."] == "copyright"
    assert reasons["By Maria Lindqvist"] == "metadata"


def test_error_page_and_stub_before_article():
    stub = "404\nPage not found\nSorry, the page you are looking for does not exist.\nHome\nContact us\n"
    doc = clean_record(Record(source="stub.txt", text=stub))
    assert doc.status == ERROR_PAGE and doc.text == ""
    assert {r.reason for r in doc.removed} <= {"error_stub", "navigation"}
    article = stub + ("Officials from both delegations said the consultations would continue in the autumn. "
                      "They declined to give a date.\n")
    doc = clean_record(Record(source="stub2.txt", text=article))
    assert doc.status == ARTICLE and doc.text.startswith("Officials from both delegations")


def test_unreadable_and_empty_records_pass_through():
    bad = clean_record(Record(source="x.bin", status=NOT_TEXT, error="binary content", size=12))
    assert bad.status == NOT_TEXT and bad.error == "binary content" and bad.text == ""
    empty = clean_record(Record(source="e.txt", text="   \n\n"))
    assert empty.status == EMPTY
    short = clean_record(Record(source="s.txt", text="Lavrov met Blinken in Geneva."))
    assert short.status == ARTICLE and short.text == "Lavrov met Blinken in Geneva."


def test_truncated_html_still_cleans(tmp_path):
    path = tmp_path / "cut.html"
    path.write_bytes(b"<html><head><title>Talks resume</title></head><body><article><p>Diplomats from both capitals "
                     b"met for a long session on arms control and agreed to meet again next month in Vienna.</p><p>The second round will")
    (record,) = iter_records([str(path)])
    doc = clean_record(record)
    assert doc.status == ARTICLE and "Diplomats from both capitals" in doc.text


def test_prose_with_cue_words_is_kept():
    text = ("Talks on strategic stability\n"
            "The ministry said it would share its proposals with Washington and that no comment would be made before the talks.\n"
            "Russia has not verified the reports, the spokesman said, adding that the page of history had turned.\n"
            "Also on Tuesday, the two delegations met again for four hours in the Swiss city.\n")
    doc = clean_record(Record(source="prose.txt", text=text))
    assert doc.title == "Talks on strategic stability"
    assert len(doc.text.split("\n")) == 3, doc.removed


# --- the bundled sample corpus (examples/corpus, ours) and look-alike pages of our own ---------------------

from pathlib import Path  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _corpus_doc(name):
    (record,) = iter_records([str(CORPUS / name)])
    return clean_record(record)


def test_corpus_html_error_page_is_an_error_page():
    doc = _corpus_doc("meridiantimes_page-not-found.html")
    assert doc.status == ERROR_PAGE and doc.text == "" and doc.title is None
    stubs = _removed_as(doc, "error_stub")
    assert "404" in stubs and any(s.startswith("The article you requested") for s in stubs)


STUB_PAGE = """<html><head><title>Page not found | The Lakeside Courier</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<main><h1>404</h1><p>We are sorry, but the story you were looking for cannot be found. It might have been removed.</p>
<p>Please go back to the homepage.</p></main>
<footer><p>© 2024 The Lakeside Courier Ltd.</p></footer></body></html>"""


def test_html_stub_page_of_our_own_is_an_error_page():
    doc = clean_record(Record(source="stub.html", text=STUB_PAGE, is_html=True))
    assert doc.status == ERROR_PAGE and doc.title is None and doc.text == ""


def test_corpus_dotted_date_site_line_and_stubs():
    doc = _corpus_doc("novayaline_istanbul-embassy-talks.txt")
    assert doc.status == ARTICLE
    assert doc.title == "Russia, US hold second round of Istanbul talks on embassy work"
    assert doc.published == "2025-04-10" and doc.published_basis == "text_header"
    assert doc.outlet == "NovayaLine"
    assert len(_removed_as(doc, "error_stub")) == 2 and "Error 404" not in doc.text
    assert _removed_as(doc, "navigation")[0] == "NovayaLine - English edition"
    assert _removed_as(doc, "copyright")[0].startswith("(c) NovayaLine")
    assert doc.text.startswith("Russian and American diplomats met") and "Also on Thursday, Russia freed" in doc.text


def test_site_line_dotted_date_and_copyright_of_our_own():
    text = ("Harbour Gazette | International\nNews\nWorld\nSorry! Error 404: this page is not available.\n"
            "03.11.2023 08:40\nEnvoys meet again in Vienna on missile limits\n"
            "Delegations from both capitals met in Vienna on Friday and agreed to keep talking about missile limits.\n"
            "The talks will resume next month, officials said after the session ended.\n"
            "(c) Harbour Gazette, 2023. Quoting is allowed with a link to the source.\n")
    doc = clean_record(Record(source="g.txt", text=text))
    assert doc.title == "Envoys meet again in Vienna on missile limits"
    assert doc.published == "2023-11-03" and doc.outlet == "Harbour Gazette"
    assert doc.text.split("\n")[0].startswith("Delegations") and len(doc.text.split("\n")) == 2


def test_corpus_headline_after_403_stub():
    doc = _corpus_doc("eastbound_geneva-security-talks.txt")
    assert doc.title == "US, Russia end Geneva security talks with no breakthrough on NATO"
    assert doc.outlet in ("Eastbound", "Eastbound News") and doc.author == "Pavel Tormund"
    assert doc.published == "2022-01-10"
    assert len(_removed_as(doc, "error_stub")) == 3 and "requested URL" not in doc.text
    assert _removed_as(doc, "related_link") == ["Also on Eastbound: Kazakhstan unrest: Russian-led troops begin to arrive"]
    assert _removed_as(doc, "disclaimer")[0].startswith("Disclaimer:")
    assert doc.text.startswith("GENEVA, Jan 10") and len(doc.text.split("\n")) == 7


@pytest.mark.parametrize("name,outlet", [("capitalcourier_helsinki-summit.html", "Capital Courier"),
                                         ("gulfmeridian_riyadh-talks.txt", "Gulf Meridian"),
                                         ("harborline_ankara-prisoner-exchange.txt", "Harborline")])
def test_corpus_outlet_from_the_page_itself(name, outlet):
    assert _corpus_doc(name).outlet == outlet


def test_corpus_bio_menu_and_share_row():
    doc = _corpus_doc("harborline_ankara-prisoner-exchange.txt")
    assert doc.author == "Rachel Amsel" and _removed_as(doc, "author_bio")[0].startswith("Rachel Amsel is")
    assert _removed_as(doc, "navigation")[:5] == ["HARBORLINE", "News", "World", "US Politics", "Opinion"]
    assert "Facebook | X | Email | Copy link" in _removed_as(doc, "prompt")
    assert _removed_as(doc, "related_link") == ["Also on Harborline: Heat records fall across the Southwest for third straight week"]


def test_corpus_every_document_clean():
    records = list(iter_records([str(CORPUS)]))
    docs = [clean_record(r) for r in records]
    assert len(docs) == 21
    assert [d.source for d in docs if d.status == ERROR_PAGE] == [str(CORPUS / "meridiantimes_page-not-found.html")]
    furniture = re.compile(r"^(also on [\w ]+:|read also|share|disclaimer|\(c\)|©|oops|sorry|403|404)|cookies|"
                           r"requested url|is not responsible|may not be reproduced", re.I)
    for doc in docs:
        if doc.status == ERROR_PAGE:
            continue
        paragraphs = doc.text.split("\n")
        assert doc.status == ARTICLE and doc.title and doc.outlet and doc.published, doc.source
        assert doc.title not in paragraphs and len(set(paragraphs)) == len(paragraphs), doc.source
        assert not [p for p in paragraphs if furniture.search(p)], doc.source
        assert all(r.reason in REMOVAL_REASONS for r in doc.removed)


def test_prose_near_stub_and_bio_wording_is_kept():
    text = ("Inspectors return to the plant\n"
            "The document could not be found in the ministry archive, officials said on Monday.\n"
            "Files may have been removed from the site before the inspectors arrived, the agency said.\n"
            "Also on Monday, the two delegations agreed to meet again in Vienna next month.\n"
            "Evan Brook is a reporter for a regional newspaper and was detained in March, his lawyer said.\n")
    doc = clean_record(Record(source="prose2.txt", text=text))
    assert doc.title == "Inspectors return to the plant"
    assert len(doc.text.split("\n")) == 4, doc.removed
