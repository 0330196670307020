"""Duplicate detection: exact copies, wire copies with other clutter, URL variants; distinct stories stay."""
from detente.dedupe import Deduper, normalize_url
from detente.types import Document

STORY = ("Russia and the United States agreed on Tuesday to extend the New START treaty for five more years, "
         "officials in Moscow and Washington said after a telephone call between the two presidents.\n"
         "The treaty caps the number of deployed strategic warheads at 1,550 for each side and allows on-site "
         "inspections, which were paused during the pandemic.\n"
         "Arms control experts welcomed the move but warned that talks on a follow-on agreement would be hard, "
         "because Washington wants China included and Moscow wants missile defence on the table.")


def doc(doc_id, text, url=None, status="article"):
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", text=text, url=url, status=status)


def test_exact_copy_is_duplicate_of_the_first():
    d = Deduper()
    a, b = d.check(doc("a", STORY)), d.check(doc("b", STORY))
    assert a.status == "article" and a.duplicate_of is None
    assert b.status == "duplicate" and b.duplicate_of == "a"


def test_syndicated_copy_with_other_wording_at_the_edges():
    d = Deduper()
    d.check(doc("a", STORY))
    wire = "By Wire Staff\n" + STORY.replace("five more years", "five years") + "\nThe agency contributed to this report."
    assert d.check(doc("b", wire)).duplicate_of == "a"


def test_url_variant_with_tracking_parameters():
    assert normalize_url("https://www.example.org/a/story/?utm_source=tw&id=4#top") == "example.org/a/story?id=4"
    d = Deduper()
    d.check(doc("a", STORY, url="https://example.org/story"))
    shorter = "\n".join(STORY.splitlines()[:2])  # the same page fetched half-loaded
    assert d.check(doc("b", shorter, url="https://www.example.org/story?utm_medium=email")).duplicate_of == "a"


def test_different_stories_are_kept():
    d = Deduper()
    d.check(doc("a", STORY))
    other = ("Heavy rain flooded streets in the north of the country on Sunday, and the weather service "
             "warned of more storms during the week as rivers rose above their banks in several towns.")
    assert d.check(doc("b", other)).status == "article"
    assert d.check(doc("c", STORY.splitlines()[2])).status == "article"  # one shared paragraph is not a copy


def test_unreadable_records_are_left_alone():
    d = Deduper()
    empty = d.check(doc("a", "", status="empty"))
    again = d.check(doc("b", "", status="empty"))
    assert empty.status == again.status == "empty" and again.duplicate_of is None


def test_in_a_corpus_the_later_published_copy_is_the_duplicate():
    from detente.pipeline import dedupe_corpus
    later = doc("later", STORY)
    later.published = "2021-02-04"
    earlier = doc("earlier", STORY)
    earlier.published = "2021-02-03"
    dedupe_corpus([later, earlier])
    assert earlier.status == "article" and later.duplicate_of == "earlier"
