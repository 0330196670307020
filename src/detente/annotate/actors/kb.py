"""The actor knowledge base: states, organisations, institutions, people and their dated roles.

Everything is read once from the CSV files in `data/` and indexed at load time, so a lookup is a dict
access. Names are compared by `name_key`, which folds case, accents, punctuation and the common
variations of transliteration ("Sergei/Sergey/Sergej", "Zelensky/Zelenskyy/Zelenskiy").
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Iterable, Iterator, Optional
from detente.lexicon import words

# Offices with one holder at a time per country (or org, or host country). Others (deputy ministers,
# spokespeople of ministries that rotate several speakers) may have several holders on one day.
SINGLE_HOLDER = frozenset({
    "head_of_state", "head_of_government", "foreign_minister", "defence_minister", "vice_president",
    "spokesperson_presidency", "national_security_adviser", "ambassador", "un_ambassador", "nato_ambassador",
    "secretary_general", "deputy_secretary_of_state", "security_council_secretary", "high_representative",
    "commission_president", "council_president", "chief_of_general_staff", "intelligence_chief",
    "legislature_speaker", "upper_house_speaker", "crown_prince", "chief_of_staff_presidency",
    "under_secretary_political", "under_secretary_arms_control",
})

# The source column of every row derived from PETRARCH2/Phoenix (build_phoenix.py).
PHOENIX_SOURCE = "https://github.com/openeventdata/petrarch2"

# Family name first: index the first token as the surname.
FAMILY_NAME_FIRST = frozenset({"CHN", "PRK", "KOR", "TWN", "VNM"})

_CHARMAP = str.maketrans({
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "þ": "th", "Þ": "Th",
    "ð": "d", "Ð": "D", "đ": "d", "Đ": "D", "’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʻ": "'", "–": "-", "—": "-",
    "“": '"', "”": '"',
})


@lru_cache(maxsize=50_000)  # names and sentences come back again and again within a document and across them
def plain(text: str) -> str:
    """Lower-case ASCII words: accents stripped, dots and apostrophes dropped ("U.S." -> "us"), other
    punctuation turned into spaces."""
    s = unicodedata.normalize("NFKD", text.translate(_CHARMAP))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"'s\b", "", s)          # possessive: "Russia's" -> "russia"
    s = re.sub(r"[.']", "", s)
    s = re.sub(r"[^a-z0-9+]+", " ", s)
    return s.strip()


@lru_cache(maxsize=200_000)
def fold_token(tok: str) -> str:
    # Transliteration variants of Slavic, Arabic and Persian names collapse to one spelling.
    t = tok.replace("ks", "x").replace("kh", "h").replace("w", "v").replace("j", "i").replace("y", "i")
    t = t.replace("ph", "f").replace("ou", "u")
    return re.sub(r"(.)\1+", r"\1", t)


@lru_cache(maxsize=200_000)  # the resolver asks again for the same surfaces in every document
def name_key(text: str) -> str:
    """The folded key under which names are indexed and looked up."""
    toks = plain(text).split()
    if toks and toks[0] in ("the", "a", "an") and len(toks) > 1:
        toks = toks[1:]
    return " ".join(fold_token(t) for t in toks)


def norm_date(date: Optional[str]) -> Optional[str]:
    """A comparable YYYY-MM-DD for YYYY, YYYY-MM or YYYY-MM-DD; None when there is no usable date."""
    if not date:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(date))
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if mo is None:
        return f"{y}-07-01"           # the middle of a year-only date
    return f"{y}-{mo}-{d or '15'}"


def _split(s: str) -> list[str]:
    return [x.strip() for x in (s or "").split("|") if x.strip()]


@dataclass(frozen=True)
class Role:
    actor_id: str
    role: str
    role_key: str
    country: Optional[str]
    org: Optional[str]
    sector: str
    host_country: Optional[str]
    start: str
    end: Optional[str]      # exclusive: on the end date the successor holds the office
    note: str = ""
    source: str = ""

    def active(self, date: str) -> bool:
        return self.start <= date and (self.end is None or date < self.end)


@dataclass
class Person:
    actor_id: str
    name: str
    aliases: list[str]
    country: str
    gender: str
    surname: Optional[str]
    sector: Optional[str]
    description: str = ""
    roles: list[Role] = field(default_factory=list)
    source: str = ""

    @property
    def phoenix(self) -> bool:
        return self.source.startswith(PHOENIX_SOURCE)

    def roles_at(self, date: str) -> list[Role]:
        return [r for r in self.roles if r.active(date)]

    def latest_role(self) -> Optional[Role]:
        if not self.roles:
            return None
        return max(self.roles, key=lambda r: (r.end is None, r.end or "", r.start))


@dataclass
class State:
    iso3: str
    name: str
    aliases: list[str]
    demonyms: list[str]
    capitals: list[str]
    capital_metonym: bool
    leader: str
    historical: bool


@dataclass
class Org:
    actor_id: str
    name: str
    aliases: list[str]
    sector: str
    country: Optional[str]
    org: Optional[str]
    note: str = ""
    governs: Optional[tuple[str, str]] = None   # (country, since): an armed group that became the government
    source: str = ""

    def sector_at(self, date: Optional[str]) -> str:
        """The sector on a date: GOV from the day the group took power (`governs`), else the table's."""
        if self.governs and date and date >= self.governs[1]:
            return "GOV"
        return self.sector


@dataclass
class Institution:
    actor_id: str
    name: str
    aliases: list[str]
    country: Optional[str]
    body: str
    sector: str
    kind: str               # seat | body | generic


@dataclass(frozen=True)
class Agent:
    """An agent noun ("police", "farmers", "ministry of mines") and the sector it gives an actor."""
    noun: str
    sector: str
    source: str


@dataclass(frozen=True)
class Entry:
    """One indexed surface form: which actor it names and how."""
    actor_id: str
    table: str              # person | state | org | institution
    form: str               # name | alias | demonym | capital | seat | body | generic


def _rows(name: str) -> Iterator[dict]:
    path = resources.files("detente.annotate.actors").joinpath("data")
    for part in name.split("/"):
        path = path.joinpath(part)
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    # derived tables open with '#' lines (provenance and licence)
    reader = csv.reader(line for line in io.StringIO(text) if not line.startswith("#"))
    header = next(reader, None)
    if header:
        for row in reader:
            yield dict(zip(header, row))


class KnowledgeBase:
    def __init__(self) -> None:
        self.states: dict[str, State] = {}
        self.orgs: dict[str, Org] = {}
        self.institutions: dict[str, Institution] = {}
        self.people: dict[str, Person] = {}
        self.roles: list[Role] = []
        self.names: dict[str, list[Entry]] = defaultdict(list)     # name_key -> entries
        self.surnames: dict[str, set[str]] = defaultdict(set)      # name_key(surname) -> person ids
        self.bodies: dict[tuple[str, str], Institution] = {}       # (country, body) -> institution
        self.generic: dict[str, Institution] = {}                  # name_key(phrase) -> generic body
        self._holders: dict[tuple, list[Role]] = defaultdict(list)
        self._titles: dict[tuple[str, str], list[Role]] = defaultdict(list)  # (country, name_key(title))
        self.places: dict[str, str] = {}                           # name_key -> ISO3 (Phoenix cities, variants)
        self.agents: dict[str, Agent] = {}                         # plain(noun), singular and plural -> agent
        self.peoples: dict[str, str] = {}                          # plain(people word) -> ISO3 (peoples.csv)
        self.max_agent_len = 1
        self.max_key_len = 1

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "KnowledgeBase":
        kb = cls()
        kb._load_states()
        kb._load_orgs()
        kb._load_institutions()
        kb._load_people()
        kb._load_agents("agents.csv")
        kb._load_phoenix()
        kb._load_peoples()
        return kb

    def _add(self, surface: str, entry: Entry, key: Optional[str] = None) -> None:
        k = name_key(surface) if key is None else key
        if not k:
            return
        if entry not in self.names[k]:
            self.names[k].append(entry)
            self.max_key_len = max(self.max_key_len, len(k.split()))

    def _load_states(self) -> None:
        for r in _rows("states.csv"):
            s = State(r["iso3"], r["name"], _split(r["aliases"]), _split(r["demonyms"]), _split(r["capitals"]),
                      r["capital_metonym"] == "1", r["leader"] or "head_of_state", r["historical"] == "1")
            self.states[s.iso3] = s
            self._add(s.name, Entry(s.iso3, "state", "name"))
            for a in s.aliases:
                self._add(a, Entry(s.iso3, "state", "alias"))
            for d in s.demonyms:
                self._add(d, Entry(s.iso3, "state", "demonym"))
                if not d.endswith(("s", "ese", "sh", "ch", "UK", ".")) and len(d) > 3:
                    self._add(d + "s", Entry(s.iso3, "state", "demonym"))   # "Russians", "Americans"
            for c in s.capitals:
                self._add(c, Entry(s.iso3, "state", "capital"))

    def _load_orgs(self) -> None:
        for r in _rows("organisations.csv"):
            gov = (r.get("governs") or "").strip()
            o = Org(r["actor_id"], r["name"], _split(r["aliases"]), r["sector"], r["country"] or None,
                    r["org"] or None, r.get("note", ""),
                    tuple(gov.split(":", 1)) if ":" in gov else None, r.get("source", ""))
            self.orgs[o.actor_id] = o
            self._add(o.name, Entry(o.actor_id, "org", "name"))
            for a in o.aliases:
                self._add(a, Entry(o.actor_id, "org", "alias"))

    def _load_institutions(self) -> None:
        for r in _rows("institutions.csv"):
            i = Institution(r["actor_id"], r["name"], _split(r["aliases"]), r["country"] or None, r["body"],
                            r["sector"], r["kind"])
            self.institutions[i.actor_id] = i
            if i.kind == "generic":
                for phrase in [i.name] + i.aliases:
                    self.generic[name_key(phrase)] = i
                continue
            self.bodies.setdefault((i.country, i.body), i)
            form = "seat" if i.kind == "seat" else "body"
            self._add(i.name, Entry(i.actor_id, "institution", form))
            for a in i.aliases:
                self._add(a, Entry(i.actor_id, "institution", form))

    def _load_people(self) -> None:
        for r in _rows("people.csv"):
            p = Person(r["actor_id"], r["name"], _split(r["aliases"]), r["country"], r["gender"] or "m",
                       None if r["surname"] == "-" else (r["surname"] or None), r["sector"] or None,
                       r.get("description", ""), source=r.get("source", ""))
            self.people[p.actor_id] = p
        self._load_roles("roles.csv")
        for p in self.people.values():
            self._index_person(p)

    def _load_roles(self, name: str, only: Optional[set] = None) -> None:
        for r in _rows(name):
            if only is not None and r["actor_id"] not in only:
                continue
            role = Role(r["actor_id"], r["role"], r["role_key"], r["country"] or None, r["org"] or None,
                        r["sector"], r["host_country"] or None, r["start"], r["end"] or None, r.get("note", ""),
                        r.get("source", ""))
            self.roles.append(role)
            self.people[role.actor_id].roles.append(role)
            self._holders[(role.role_key, role.country, role.org, role.host_country)].append(role)
            if role.country and not role.role_key.startswith("phoenix_"):
                self._titles[(role.country, name_key(role.role))].append(role)

    def _index_person(self, p: Person, keys: Optional[list[str]] = None) -> None:
        p.roles.sort(key=lambda r: r.start)
        if keys is not None:        # precomputed by build_phoenix: name first, then the aliases
            self._add(p.name, Entry(p.actor_id, "person", "name"), keys[0])
            for a, k in zip(p.aliases, keys[1:]):
                self._add(a, Entry(p.actor_id, "person", "alias"), k)
            for s in self._surnames_of(p):
                self.surnames[name_key(s)].add(p.actor_id)
            return
        self._add(p.name, Entry(p.actor_id, "person", "name"))
        for a in p.aliases:
            self._add(a, Entry(p.actor_id, "person", "alias"))
        toks = p.name.split()
        # "Antony J. Blinken" is also found as "Antony Blinken"; not for "X bin Y Al Z" style names
        if len(toks) > 2 and not {"bin", "Al", "al", "de", "da", "von", "van", "di", "la"} & set(toks):
            self._add(f"{toks[0]} {toks[-1]}", Entry(p.actor_id, "person", "alias"))
        for s in self._surnames_of(p):
            self.surnames[name_key(s)].add(p.actor_id)

    @cached_property
    def org_designators(self) -> frozenset[str]:
        """Words that, after an organisation's name, still name the organisation ("Fatah Party")."""
        return frozenset(w.lower() for w in words("org_designators"))

    @cached_property
    def demonyms(self) -> dict[str, str]:
        """Lower-case nationality words of current states -> ISO3 ("senegalese" -> SEN): a state inside a noun phrase."""
        return {d.lower(): s.iso3 for s in self.states.values() if not s.historical for d in s.demonyms}

    @cached_property
    def word_agents(self) -> dict[str, str]:
        """One-word agent nouns -> sector ("police" -> COP, "farmers" -> AGR): the nouns a phrase can end in."""
        return {k: a.sector for k, a in self.agents.items() if " " not in k and a.sector}

    def _load_agents(self, name: str) -> None:
        """Agent nouns; the first table loaded wins a noun (the project's own before Phoenix's)."""
        for r in _rows(name):
            for noun in [r["noun"]] + _split(r["plurals"]):
                k = plain(noun)
                if k and k not in self.agents:
                    self.agents[k] = Agent(r["noun"], r["sector"], r.get("source", ""))
                    self.max_agent_len = max(self.max_agent_len, len(k.split()))

    def _load_phoenix(self) -> None:
        """The tables derived from PETRARCH2/Phoenix, under the project's own: a Phoenix person, organisation or
        alias whose name key the project already has is left out, so the project's rows win."""
        # name keys come precomputed in the `keys` column (name, then each alias): computing them here
        # would take most of the load time
        taken = set(self.names)
        keep: dict[str, list[str]] = {}
        for r in _rows("phoenix/people.csv"):
            if r["actor_id"] in self.people or not r["country"]:
                continue        # the project's own person, or no country to give
            keys = r["keys"].split("|")
            if keys[0] in taken:
                continue
            pairs = [(a, k) for a, k in zip(_split(r["aliases"]), keys[1:]) if k not in taken]
            p = Person(r["actor_id"], r["name"], [a for a, _ in pairs], r["country"], r["gender"] or "m", None,
                       r["sector"] or None, "", source=r["source"])
            self.people[p.actor_id] = p
            keep[p.actor_id] = [keys[0]] + [k for _, k in pairs]
        self._load_roles("phoenix/roles.csv", set(keep))
        for pid, keys in keep.items():
            self._index_person(self.people[pid], keys)
        taken = set(self.names)
        for r in _rows("phoenix/organisations.csv"):
            keys = r["keys"].split("|")
            if r["actor_id"] in self.orgs or keys[0] in taken:
                continue
            pairs = [(a, k) for a, k in zip(_split(r["aliases"]), keys[1:]) if k not in taken]
            o = Org(r["actor_id"], r["name"], [a for a, _ in pairs], r["sector"], r["country"] or None,
                    r["org"] or None, r.get("note", ""), None, r["source"])
            self.orgs[o.actor_id] = o
            self._add(o.name, Entry(o.actor_id, "org", "name"), keys[0])
            taken.add(keys[0])
            for a, k in pairs:
                taken.add(k)
                self._add(a, Entry(o.actor_id, "org", "alias"), k)
        for r in _rows("phoenix/state_names.csv"):
            # other names of a state ("Zaire", "Dahomey", "Ceylonese"): names of the state itself, unless taken
            k = r["key"]
            if k and k not in taken and r["country"] in self.states:
                taken.add(k)
                self._add(r["name"], Entry(r["country"], "state", "alias"), k)
        for r in _rows("phoenix/places.csv"):
            k = r["key"]
            if k and k not in self.names and r["country"] in self.states:
                self.places.setdefault(k, r["country"])
        self._load_agents("phoenix/agents.csv")

    def _load_peoples(self) -> None:
        """Peoples whose movements act in one state ("Karen" -> MMR): the country of "Karen guerrillas"."""
        for r in _rows("peoples.csv"):
            if r["country"] in self.states:
                for form in _split(r["forms"]):
                    self.peoples.setdefault(plain(form), r["country"])

    def _surnames_of(self, p: Person) -> list[str]:
        if p.phoenix:
            # Phoenix names are indexed whole; only the one-word synonyms it lists stand alone ("Karzai")
            return [a for a in p.aliases if " " not in a]
        if p.surname:
            out = [p.surname]
        elif " bin " in p.name:
            return []           # "X bin Y Al Z": no surname in the Western sense
        else:
            toks = p.name.replace("Jr.", "").split()
            if len(toks) < 2:
                return []
            out = [toks[0] if p.country in FAMILY_NAME_FIRST else toks[-1]]
        for s in list(out):
            if re.match(r"(?i)al[- ]", s):
                out.append(s[3:])           # "al-Assad" -> "Assad"
        # one-word aliases are surnames too ("Zelenskyy")
        out += [a for a in p.aliases if " " not in a and a[:1].isupper() and not a.isupper()]
        return out

    # -- queries -------------------------------------------------------------------------------
    def lookup(self, text: str) -> list[Entry]:
        return self.names.get(name_key(text), [])

    def holders(self, role_key: str, country: Optional[str] = None, date: Optional[str] = None,
                host_country: Optional[str] = None, org: Optional[str] = None) -> list[Role]:
        """Holders of an office on a date (all holders ever, newest first, when date is None)."""
        roles = self._holders.get((role_key, country, org, host_country), [])
        d = norm_date(date)
        if d is None:
            return sorted(roles, key=lambda r: r.start, reverse=True)
        return [r for r in roles if r.active(d)]

    def holders_by_title(self, country: str, title: str, date: Optional[str]) -> list[Role]:
        roles = self._titles.get((country, name_key(title)), [])
        d = norm_date(date)
        return [r for r in roles if d is None or r.active(d)]

    def body(self, country: str, body: str) -> Optional[Institution]:
        return self.bodies.get((country, body))

    def surface_forms(self, phoenix: bool = False) -> Iterable[tuple[str, str, str]]:
        """(surface string, actor_id, form_kind) for a PhraseMatcher. form_kind is one of: person,
        person_alias, surname, state, state_alias, demonym, capital, seat, body, org, org_alias, media.
        Surnames and demonyms are common words in English ("Rice", "May", "Power"); match them
        case-sensitively and only inside PERSON/NORP entities. Unsafe capitals (Brussels, Vienna,
        Geneva) are left out."""
        for s in self.states.values():
            yield s.name, s.iso3, "state"
            for a in s.aliases:
                yield a, s.iso3, "state_alias"
            for d in s.demonyms:
                yield d, s.iso3, "demonym"
            if s.capital_metonym:
                for c in s.capitals:
                    yield c, s.iso3, "capital"
        for o in self.orgs.values():
            if o.source.startswith(PHOENIX_SOURCE) and not phoenix:
                continue
            kind = "media" if o.sector == "MED" else "org"
            yield o.name, o.actor_id, kind
            for a in o.aliases:
                yield a, o.actor_id, kind if kind == "media" else "org_alias"
        for i in self.institutions.values():
            if i.kind == "generic":
                continue
            form = "seat" if i.kind == "seat" else "body"
            yield i.name, i.actor_id, form
            for a in i.aliases:
                yield a, i.actor_id, form
        for p in self.people.values():
            if p.phoenix and not phoenix:
                continue
            yield p.name, p.actor_id, "person"
            for a in p.aliases:
                yield a, p.actor_id, "person_alias"
            for s in self._surnames_of(p):
                yield s, p.actor_id, "surname"


@lru_cache(maxsize=1)
def _successions() -> list[tuple[str, str, str]]:
    return [(r["country"].strip(), r["since"].strip(), r["before"].strip()) for r in _rows("successions.csv")]


def as_of(country: Optional[str], day: Optional[str]) -> Optional[str]:
    """The state a place was in on `day` (YYYY, YYYY-MM or YYYY-MM-DD): Juba in 1990 was in Sudan."""
    if not country or not day:
        return country
    for newer, since, before in _successions():
        if country == newer and day[:len(since)] < since[:len(day)]:
            return as_of(before, day)
    return country
