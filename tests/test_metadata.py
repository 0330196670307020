"""Metadata: publication dates only from explicit evidence, outlet, author, language."""
from __future__ import annotations

from datetime import date

from detente.clean import clean_record
from detente.clean.dates import header_date, parse_date, url_date
from detente.clean.language import guess_language
from detente.clean.metadata import byline_author, find_dateline, infer_year
from detente.types import Record

LEAD = "Officials said the two delegations would meet again soon to continue the consultations on arms control."


def _doc(text, **kw):
    return clean_record(Record(source="m.txt", text=text, **kw))


def test_header_lines():
    assert header_date("Tue, 07/13/2021 - 11:47") == (date(2021, 7, 13), False)
    assert header_date("Posted: Thursday, December 8, 2022") == (date(2022, 12, 8), False)
    assert header_date("Updated 14 March 2023, 10:02 GMT") == (date(2023, 3, 14), True)
    assert header_date("The summit took place on July 13, 2021 in Geneva") is None  # prose, not a header
    assert header_date("03/04/2021") is None  # day/month order unknowable
    assert header_date("Wed, 03/04/2020") == (date(2020, 3, 4), False)  # the weekday settles it
    assert header_date("Mon, 01/01/2091") is None  # the future is not a publication date


def test_field_values_and_urls():
    assert parse_date("2021-07-13T11:47:00+03:00") == date(2021, 7, 13)
    assert parse_date("13.07.2021") == date(2021, 7, 13)
    assert parse_date("sometime last week") is None
    assert url_date("https://example.org/2021/07/13/talks") == date(2021, 7, 13)
    assert url_date("https://example.org/2021/07/talks") is None


def test_text_header_wins_over_dateline():
    doc = _doc(f"Posted: Thursday, December 8, 2022\nTalks to resume in Vienna next month\n{LEAD}")
    assert (doc.published, doc.published_basis) == ("2022-12-08", "text_header")
    assert "Posted: Thursday, December 8, 2022" in [r.text for r in doc.removed if r.reason == "metadata"]


def test_dateline_with_year_and_record_field():
    doc = _doc(f"Talks resume\nGENEVA, June 16, 2021 (Reuters) - {LEAD}")
    assert (doc.published, doc.published_basis, doc.outlet) == ("2021-06-16", "dateline", "Reuters")
    doc = _doc(f"GENEVA, June 16 - {LEAD}", published="2021-06-17", outlet="Wire")
    assert (doc.published, doc.published_basis, doc.outlet) == ("2021-06-17", "record_field", "Wire")


def test_dateline_weekday_infers_the_single_fitting_year():
    # Feb 21 was a Tuesday in 2017 and 2023, a Monday in 2022
    text = ("MOSCOW, Feb 21 /Wire/. Russia on Tuesday suspended its part in the treaty, officials said. "
            "The treaty was extended in 2021 and its future was debated in 2022.")
    doc = _doc(text)
    assert doc.published is None  # 2021 (Sunday) and 2022 (Monday) do not fit
    doc = _doc(text.replace("in 2022", "in 2023"))
    assert (doc.published, doc.published_basis) == ("2023-02-21", "dateline+weekday (inferred)")
    doc = _doc(text.replace("in 2021", "in 2017").replace("in 2022", "in 2023"))
    assert doc.published is None  # two years fit: unknowable
    line = find_dateline("MOSCOW, Tuesday, Feb 21 - The ministry said")
    assert line.weekday == 1 and infer_year(line, "MOSCOW, Tuesday, Feb 21 - The ministry said", "2023 and 2022") == date(2023, 2, 21)


def test_no_date_means_null_never_today():
    doc = _doc(f"Talks resume\n{LEAD} The ministry said today that the talks would continue on Wednesday.")
    assert doc.published is None and doc.published_basis is None


def test_outlet_from_credit_or_url():
    assert _doc(f"(Wire Service) {LEAD}").outlet == "Wire Service"
    assert _doc(LEAD, url="https://www.harbour.example/news/1").outlet == "harbour.example"
    assert _doc(LEAD).outlet is None


def test_byline_author():
    assert byline_author("By Jane Doe") == "Jane Doe"
    assert byline_author("By contrast, Moscow said") is None
    doc = _doc(f"Talks resume in Vienna next month\nBy Jane Doe\n{LEAD}")
    assert doc.author == "Jane Doe" and doc.title == "Talks resume in Vienna next month"


def test_language_guess():
    assert guess_language(LEAD) == "en"
    assert guess_language("Министр иностранных дел России заявил, что переговоры продолжатся в Женеве.") == "ru"
    assert guess_language("Le ministre a déclaré que les négociations sur la stabilité stratégique vont reprendre.") == "fr"
    assert guess_language("12345 67") is None


def test_dotted_dates_are_day_first_slashes_stay_ambiguous():
    assert header_date("10.04.2025 20:12") == (date(2025, 4, 10), False)
    assert parse_date("03.04.2021") == date(2021, 4, 3)
    assert parse_date("03/04/2021") is None                 # day or month first: unknowable
    assert parse_date("Sat, 03/04/2021") == date(2021, 4, 3)  # the weekday settles it
    assert parse_date("13/04/2021") == date(2021, 4, 13)


def test_outlet_from_page_title_copyright_and_site_line():
    from detente.clean.lines import _generic_word
    from detente.clean.metadata import copyright_outlet, site_name_line, tidy_author, title_site
    assert title_site("Envoys meet in Vienna - The Lakeside Courier", "Envoys meet in Vienna") == "The Lakeside Courier"
    assert title_site("The Lakeside Courier | Envoys meet in Vienna", "Envoys meet in Vienna") == "The Lakeside Courier"
    assert title_site("Envoys meet in Vienna", "Envoys meet in Vienna") is None
    assert copyright_outlet(["© 2019 Lakeside Courier Media Group. All rights reserved."]) == "Lakeside Courier"
    assert copyright_outlet(["(c) Ostwind, 2024. Quoting requires a link."]) == "Ostwind"
    assert copyright_outlet(["The Lakeside Courier © 2020."]) == "The Lakeside Courier"
    assert copyright_outlet(["All rights reserved."]) is None
    # a masthead at the top whose name recurs in the furniture; menu words never count
    assert site_name_line(["LAKESIDE COURIER", "News"], ["Lakeside Courier is not responsible for external sites."],
                          _generic_word) == (0, "Lakeside Courier")
    assert site_name_line(["News", "World"], ["More from World"], _generic_word) is None
    assert tidy_author("Jane Doe; Lakeside Courier staff", "Lakeside Courier") == "Jane Doe"
    assert tidy_author("Jane Doe covers defence; Security", None) == "Jane Doe"
    assert tidy_author("Wire staff", None) == "Wire staff"


def test_outlet_and_bio_in_plain_text():
    text = (f"OSTWIND NEWS\nHome\nWorld\nOpinion\nTalks resume in Vienna next month\n{LEAD}\n"
            f"{LEAD.replace('Officials', 'Diplomats')}\nShare this article\nFacebook | X | Email\n"
            "Jane Doe is Ostwind's Vienna correspondent. She has covered arms control since 2012.\n"
            "Ostwind News does not accept liability for the content of external links.\n")
    doc = _doc(text)
    assert doc.outlet == "Ostwind News" and doc.author == "Jane Doe"
    assert doc.title == "Talks resume in Vienna next month" and len(doc.text.split("\n")) == 2
    reasons = {r.text: r.reason for r in doc.removed}
    assert reasons["OSTWIND NEWS"] == reasons["World"] == reasons["Opinion"] == "navigation"
    assert reasons["Facebook | X | Email"] == "prompt" and reasons[text.split("\n")[-3]] == "author_bio"
