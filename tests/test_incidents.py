"""Merging event mentions into incidents across documents."""
from detente.resolve import merge_incidents
from detente.types import Actor, Event

RUS = Actor("RUS", "Russia", "state", country="RUS")
USA = Actor("USA", "United States", "state", country="USA")
LAVROV = Actor("sergey-lavrov", "Sergey Lavrov", "person", country="RUS", sector="GOV")
BLINKEN = Actor("antony-blinken", "Antony Blinken", "person", country="USA", sector="GOV")
NATO = Actor("NATO", "NATO", "org", org="NATO", sector="IGO")


def ev(eid, doc, src, tgt, plover="CONSULT", cameo="040", date="2021-05-19", symmetric=True, aux=None, where=None):
    return Event(event_id=eid, doc_id=doc, sentence="s", span=(0, 1), source=src, target=tgt, cameo=cameo,
                 plover=plover, mode=None, quad_class=1, goldstein=1.0, date=date, aux_mode=aux, symmetric=symmetric,
                 location={"name": where, "country": "ISL"} if where else None)


def test_one_meeting_reported_by_three_outlets_in_both_directions():
    events = [ev("d1-e1", "d1", LAVROV, BLINKEN, where="Reykjavik"), ev("d2-e1", "d2", BLINKEN, LAVROV),
              ev("d3-e1", "d3", RUS, USA, date="2021-05")]
    incidents = merge_incidents(events, {"d1": "TASS", "d2": "RT", "d3": "TASS"})
    assert len(incidents) == 1
    inc = incidents[0]
    assert (inc.num_mentions, inc.num_articles, inc.num_sources) == (3, 3, 2)
    assert inc.date == "2021-05-19"  # the most precise date the mentions agree on
    assert all(e.incident_id == inc.incident_id for e in events)


def test_direction_matters_for_asymmetric_types():
    events = [ev("d1-e1", "d1", RUS, USA, "ACCUSE", "112", symmetric=False),
              ev("d2-e1", "d2", USA, RUS, "ACCUSE", "112", symmetric=False)]
    assert len(merge_incidents(events, {})) == 2


def test_different_dates_places_and_types_stay_apart():
    events = [ev("a-e1", "a", RUS, USA, date="2021-06-16", where="Geneva"),
              ev("b-e1", "b", RUS, USA, date="2021-07-28", where="Geneva"),
              ev("c-e1", "c", RUS, USA, date="2021-06-16", where="Vienna"),
              ev("d-e1", "d", RUS, USA, "AGREE", "036", date="2021-06-16")]
    assert len(merge_incidents(events, {})) == 4


def test_planned_and_negated_mentions_are_not_incidents():
    events = [ev("a-e1", "a", RUS, USA, aux="future"), ev("b-e1", "b", RUS, NATO, aux="negated"),
              ev("c-e1", "c", RUS, USA)]
    incidents = merge_incidents(events, {})
    assert len(incidents) == 1 and events[0].incident_id is None and events[1].incident_id is None


def test_undated_mentions_merge_only_within_their_document():
    events = [ev("a-e1", "a", RUS, USA, date=None), ev("a-e2", "a", USA, RUS, date=None),
              ev("b-e1", "b", RUS, USA, date=None)]
    incidents = merge_incidents(events, {})
    assert sorted(i.num_mentions for i in incidents) == [1, 2]


def test_blocking_keeps_a_large_corpus_fast():
    import time
    events = [ev(f"d{i}-e1", f"d{i}", RUS, USA, date=f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}")
              for i in range(20000)]
    t = time.perf_counter()
    incidents = merge_incidents(events, {})
    assert time.perf_counter() - t < 10
    assert sum(i.num_mentions for i in incidents) == 20000


def test_an_incident_id_comes_from_its_block_and_first_event_not_from_every_member():
    first = [ev("a-e1", "a", RUS, USA, date="2021-06-16")]
    (alone,) = merge_incidents(first, {})
    later = [ev("a-e1", "a", RUS, USA, date="2021-06-16"), ev("b-e1", "b", USA, RUS, date="2021-06-16"),
             ev("c-e1", "c", RUS, USA, date="2021-06")]
    (joined,) = merge_incidents(later, {})
    assert joined.incident_id == alone.incident_id and joined.num_articles == 3


def test_a_mention_that_joins_earlier_keeps_the_id_the_incident_had():
    from detente.resolve import previous_of
    events = [ev("m-e1", "m", RUS, USA, date="2021-06-16")]
    (before,) = merge_incidents(events, {})
    previous = previous_of(events)  # as the store keeps them (merge_incidents sets the events' incident_id)
    # "a-e1" sorts before "m-e1": on its own it would give the incident another first event, and another id
    more = events + [ev("a-e1", "a", USA, RUS, date="2021-06-16")]
    (fresh,) = merge_incidents(more, {})
    assert fresh.incident_id != before.incident_id
    (kept,) = merge_incidents(more, {}, previous=previous)
    assert kept.incident_id == before.incident_id and kept.num_mentions == 2


def test_previous_ids_stay_within_their_block_and_each_is_kept_once():
    from detente.resolve import previous_of
    events = [ev("a-e1", "a", RUS, USA, date="2021-06-16"), ev("b-e1", "b", RUS, USA, date="2021-06-16")]
    (old,) = merge_incidents(events, {})
    previous = previous_of(events)
    # b's event is now another type (a re-coded document), a's is unchanged
    recoded = [ev("a-e1", "a", RUS, USA, date="2021-06-16"),
               ev("b-e1", "b", RUS, USA, "ACCUSE", "112", date="2021-06-16", symmetric=False)]
    incidents = merge_incidents(recoded, {}, previous=previous)
    by_type = {i.plover: i.incident_id for i in incidents}
    assert by_type["CONSULT"] == old.incident_id and by_type["ACCUSE"] != old.incident_id


def test_clusters_looked_up_by_date_are_the_ones_a_scan_of_every_cluster_finds():
    """The greedy first-fit over a block looks its clusters up by date; a scan of all of them gives the same groups."""
    import random

    from detente.resolve.incidents import _Cluster, _greedy

    def scanned(events):
        clusters = []
        for e in sorted(events, key=lambda e: (-len(e.date or ""), e.event_id)):
            home = next((c for c in clusters if c.accepts(e)), None)
            home.add(e) if home else clusters.append(_Cluster(e))
        return clusters

    rng = random.Random(3)
    dates = [None, "", "XXXX-06", "2021", "2021-06", "2021-07", "2021-06-16", "2021-06-17", "2021-07-01"]
    for _ in range(200):
        events = [ev(f"d{rng.randrange(9)}-e{n}", f"d{rng.randrange(3)}", RUS, USA, date=rng.choice(dates),
                     where=rng.choice([None, None, "Geneva", "Vienna"])) for n in range(rng.randrange(1, 40))]
        events = list({e.event_id: e for e in events}.values())
        assert [[e.event_id for e in c.events] for c in _greedy(events)] == \
               [[e.event_id for e in c.events] for c in scanned(events)]
