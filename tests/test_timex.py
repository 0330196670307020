"""Time expressions: detection, normalisation against the publication date, honest precision."""
from __future__ import annotations

import time

import pytest

from detente.annotate.timex import find_time_expressions, resolve_time

TUE = "2021-07-13"  # a Tuesday

# (expression, published, context tense, expected value)
CASES = [
    # weekdays: on or before publication unless the tense is future
    ("on Wednesday", TUE, None, "2021-07-07"),
    ("on Tuesday", TUE, None, "2021-07-13"),
    ("on Tuesday", TUE, "future", "2021-07-20"),
    ("will meet on Thursday", TUE, None, "2021-07-15"),
    ("last Friday", TUE, None, "2021-07-09"),
    ("last Tuesday", TUE, None, "2021-07-06"),
    ("next Monday", TUE, None, "2021-07-19"),
    ("Wednesday morning", TUE, None, "2021-07-07"),
    ("on Wednesday", None, None, None),
    # named days
    ("yesterday", TUE, None, "2021-07-12"),
    ("today", TUE, None, "2021-07-13"),
    ("tomorrow", TUE, None, "2021-07-14"),
    ("last night", TUE, None, "2021-07-12"),
    ("the day before yesterday", TUE, None, "2021-07-11"),
    ("the day before", TUE, None, None),  # anaphoric: the day before some other event
    ("yesterday", None, None, None),
    # weeks: the finest unit that holds every day of the week
    ("last week", TUE, None, "2021-07"),
    ("last week", "2021-07-06", None, "2021"),  # June 28 - July 4
    ("last week", "2021-01-05", None, None),    # Dec 28 - Jan 3: not even the year is certain
    ("late last week", TUE, None, "2021-07"),   # Thu-Sun, July 8-11
    ("early last week", "2021-07-06", None, "2021-06"),  # Mon-Wed, June 28-30
    ("this week", TUE, None, "2021-07"),
    ("next week", TUE, None, "2021-07"),
    ("next week", "2021-07-27", None, "2021-08"),
    ("earlier this week", "2021-07-14", None, "2021-07"),
    ("last weekend", TUE, None, "2021-07"),
    ("last week", None, None, None),
    # counted periods ago
    ("a few days ago", TUE, None, "2021-07"),
    ("a few days ago", "2021-07-03", None, "2021"),
    ("three days ago", TUE, None, "2021-07-10"),
    ("two weeks ago", "2021-07-21", None, "2021-07"),
    ("two weeks ago", TUE, None, "2021"),
    ("a month ago", TUE, None, "2021-06"),
    ("35 years ago", TUE, None, "1986"),
    ("thirty-five years ago", TUE, None, "1986"),
    ("a year ago", TUE, None, "2020"),
    ("more than 35 years ago", TUE, None, None),
    ("decades ago", TUE, None, None),
    ("35 years ago", None, None, None),
    # months relative to publication
    ("earlier this month", TUE, None, "2021-07"),
    ("later this month", TUE, None, "2021-07"),
    ("last month", TUE, None, "2021-06"),
    ("last month", "2021-01-05", None, "2020-12"),
    ("next month", TUE, None, "2021-08"),
    ("next month", "2021-12-05", None, "2022-01"),
    # month names
    ("at the end of June", TUE, None, "2021-06"),
    ("at the end of June", None, None, "XXXX-06"),
    ("in June", TUE, "past", "2021-06"),
    ("in June", "2021-03-10", "past", "2020-06"),
    ("in June", "2021-03-10", "future", "2021-06"),
    ("in June", "2021-03-10", None, "2021-06"),  # nearest June
    ("in early June", TUE, None, "2021-06"),
    ("mid-June", TUE, None, "2021-06"),
    ("in December", "2021-01-05", None, "2020-12"),
    ("last August", TUE, None, "2020-08"),
    ("last August", "2021-09-10", None, "2021-08"),
    ("last August", None, None, None),
    ("next January", TUE, None, "2022-01"),
    ("by the end of March", TUE, "future", "2022-03"),
    # years
    ("early this year", TUE, None, "2021"),
    ("this year", TUE, None, "2021"),
    ("last year", TUE, None, "2020"),
    ("next year", TUE, None, "2022"),
    ("later this year", TUE, None, "2021"),
    ("the end of last year", TUE, None, "2020"),
    ("at the beginning of the year", TUE, None, "2021"),
    ("at the beginning of the year", None, None, None),
    ("last year", None, None, None),
    ("in 2020", TUE, None, "2020"),
    ("the 2020 election", TUE, None, "2020"),
    ("in early 2021", None, None, "2021"),
    ("the summer of 2020", None, None, "2020"),
    ("this summer", TUE, None, "2021"),
    ("last winter", TUE, None, None),  # Dec 2020 - Feb 2021
    ("2016-2025", None, None, None),
    # month and day without a year
    ("July 28th", TUE, None, "2021-07-28"),
    ("July 28th", None, None, "XXXX-07-28"),
    ("June 16", TUE, None, "2021-06-16"),
    ("16 June", TUE, None, "2021-06-16"),
    ("the 16th of June", TUE, None, "2021-06-16"),
    ("on July 9", TUE, "past", "2021-07-09"),
    ("December 28", "2021-01-05", "past", "2020-12-28"),
    ("December 28", "2021-01-05", None, "2020-12-28"),
    ("January 10", "2020-12-20", "future", "2021-01-10"),
    ("Wednesday, May 19", "2021-05-21", None, "2021-05-19"),
    ("Wednesday, May 19", None, None, "XXXX-05-19"),
    ("June 16-17", TUE, None, "2021-06"),
    ("Sept. 5", "2021-09-10", None, "2021-09-05"),
    # explicit dates
    ("June 16, 2021", None, None, "2021-06-16"),
    ("16 June 2021", None, None, "2021-06-16"),
    ("2021-06-16", None, None, "2021-06-16"),
    ("07/13/2021", None, None, "2021-07-13"),
    ("13/07/2021", None, None, "2021-07-13"),
    ("13.07.2021", None, None, "2021-07-13"),
    ("05/06/2021", None, None, "2021"),  # May 6 or 5 June: only the year is certain
    ("Tue, 07/06/2021", None, None, "2021-07-06"),  # the weekday settles it
    ("December 2016", None, None, "2016-12"),
    ("in December 2016", TUE, None, "2016-12"),
    ("Wednesday, May 19, 2021", None, None, "2021-05-19"),
    # vague horizons: tense only
    ("in the coming weeks", TUE, None, None),
    ("soon", TUE, None, None),
    ("in the near future", TUE, None, None),
]


@pytest.mark.parametrize("expression,published,tense,expected", CASES)
def test_resolve_time(expression, published, tense, expected):
    found = resolve_time(expression, published, tense)
    assert found is not None, expression
    assert found.value == expected, (expression, published, tense, found)


@pytest.mark.parametrize("expression,published,basis,tense,kind", [
    ("June 16, 2021", TUE, "explicit", None, "date"),
    ("July 28th", TUE, "relative", None, "date"),
    ("last week", TUE, "relative", "past", "date"),
    ("next month", TUE, "relative", "future", "date"),
    ("35 years ago", TUE, "relative", "past", "date"),
    ("in the coming weeks", TUE, "relative", "future", "date"),
    ("soon", TUE, "relative", "future", "date"),
    ("since 2018", TUE, "explicit", "past", "since"),
    ("since June", TUE, "relative", "past", "since"),
    ("for 12 months", TUE, "explicit", None, "duration"),
    ("six months", TUE, "explicit", None, "duration"),
    ("over the past two years", TUE, "explicit", None, "duration"),
])
def test_basis_tense_kind(expression, published, basis, tense, kind):
    found = resolve_time(expression, published)
    assert (found.basis, found.tense, found.kind) == (basis, tense, kind), found
    if kind == "duration":
        assert found.value is None
    if kind == "since":
        assert found.value == ("2018" if "2018" in expression else "2021-06")


def test_own_tense_beats_context():
    assert resolve_time("last week", TUE, "future").value == "2021-07"
    assert resolve_time("last week", TUE, "future").tense == "past"


@pytest.mark.parametrize("expression", [
    "as soon as possible", "the second meeting", "Article 5", "the G20 summit", "a 12-month extension",
    "45 cyber attacks", "at 11:47", "they may meet", "protesters march on", "twice a year", "2000 delegates",
])
def test_not_time_expressions(expression):
    assert resolve_time(expression, TUE) is None


def test_find_in_paragraph():
    text = ("The two delegations met in Vienna on Monday and agreed to hold a second round next month.\n"
            "Negotiators said the first talks since 2019 had been tense. A treaty signed on March 3, 2010 "
            "will expire in February. The envoy will travel to Geneva on Friday, and a summit may follow "
            "in the coming weeks.")
    found = find_time_expressions(text, "2021-07-14")  # a Wednesday
    got = [(t.text, t.value, t.tense, t.kind) for t in found]
    assert got == [
        ("on Monday", "2021-07-12", "past", "date"),
        ("next month", "2021-08", "future", "date"),
        ("since 2019", "2019", "past", "since"),
        ("on March 3, 2010", "2010-03-03", "past", "date"),
        ("in February", "2022-02", "future", "date"),
        ("on Friday", "2021-07-16", "future", "date"),
        ("in the coming weeks", None, "future", "date"),
    ]
    for t in found:
        assert text[t.span[0]:t.span[1]] == t.text
    assert [t.basis for t in found] == ["relative", "relative", "explicit", "explicit", "relative",
                                        "relative", "relative"]


def test_false_positives():
    text = ("Officials may march to the square again. The second meeting of the G20 under Article 5 weighed "
            "a 12-month extension after 45 cyber attacks, and one suspect got 9 years in prison.\n"
            "Talks resumed at 11:47 with 2000 delegates; Theresa May spoke first, as soon as possible.")
    found = find_time_expressions(text, TUE)
    assert all(t.kind == "duration" and t.value is None for t in found), found
    assert [t.text for t in found] == ["9 years"]


def test_no_publication_date_keeps_expressions():
    found = find_time_expressions("Talks ended on Wednesday. They resume on July 28th, as agreed last August.",
                                  None)
    assert [(t.text, t.value) for t in found] == [
        ("on Wednesday", None), ("on July 28th", "XXXX-07-28"), ("last August", None)]


def test_speed_on_a_long_document():
    paragraph = ("The delegations met in Vienna on Monday and may meet again next month, officials said. "
                 "Since 2019 the treaty, signed on March 3, 2010, has survived 45 disputes and a 12-month "
                 "extension; in the coming weeks experts will march through 30 pages of notes written "
                 "35 years ago, at the end of June and late last week. ")
    words = len(paragraph.split())
    text = "\n".join([paragraph] * (5000 // words + 1))
    find_time_expressions(text, TUE)  # warm up
    t0 = time.perf_counter()
    found = find_time_expressions(text, TUE)
    elapsed = time.perf_counter() - t0
    assert len(found) >= 8 * (5000 // words)
    assert elapsed < 0.25, f"{elapsed * 1000:.1f} ms for {len(text.split())} words"


# --- the seeds ----------------------------------------------------------------------------------------

def _seed(seeds, key: str) -> str:
    with open(seeds[key], encoding="utf-8", errors="replace") as f:
        return f.read()


def _by_text(found, needle: str):
    hits = [t for t in found if needle in t.text]
    assert hits, f"{needle!r} not found in {[t.text for t in found]}"
    return hits[0]


def test_seed_002(seeds):
    found = find_time_expressions(_seed(seeds, "002"), "2021-07-13")
    expected = {"June 16": "2021-06-16", "Late last week": "2021-07", "July 9": "2021-07-09",
                "early this year": "2021", "35 years ago": "1986", "In 2020": "2020",
                "a few days ago": "2021-07", "since 2018": "2018", "07/13/2021": "2021-07-13"}
    for needle, value in expected.items():
        assert _by_text(found, needle).value == value, needle
    coming = _by_text(found, "in the coming weeks")
    assert (coming.tense, coming.value) == ("future", None)
    assert _by_text(found, "07/13/2021").basis == "explicit"
    assert _by_text(found, "since 2018").kind == "since"
    assert all(t.value is None for t in found if t.kind == "duration")


def test_seed_004(seeds):
    found = find_time_expressions(_seed(seeds, "004"), None)
    assert _by_text(found, "on Wednesday").value is None
    assert _by_text(found, "last August").value is None
    assert _by_text(found, "December 2016").value == "2016-12"


def test_seed_000(seeds):
    found = find_time_expressions(_seed(seeds, "000"), None)
    assert _by_text(found, "July 28th").value == "XXXX-07-28"
    assert _by_text(found, "At the end of June").value == "XXXX-06"
