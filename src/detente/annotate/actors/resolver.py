"""Resolve one actor mention to a canonical Actor with the role valid at a date.

Order of attempts: an exact name (person, state, organisation, seat); a title followed by a name
("Russian Ambassador to the United States Anatoly Antonov"); a description of an office ("the top
Russian diplomat") answered by the holder on the date; a bare surname; a government body ("the
Foreign Ministry") with its country from the words or the context sentence.

When an office has several holders on the date (deputy foreign ministers) or none in the knowledge
base, the answer is the country-level actor with the office's sector and title, and `note` says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from detente import lexicon
from detente.annotate.actors.kb import Entry, KnowledgeBase, Person, Role, as_of, name_key, norm_date, plain
from detente.types import Actor

# Office phrases, most specific first: (pattern over plain text, role_key, sector, title).
OFFICES: list[tuple[re.Pattern, str, str, str]] = [(re.compile(p), k, s, t) for p, k, s, t in [
    (r"\b(deputy|vice) (foreign minister|fm|minister of foreign affairs|foreign affairs minister)\b|\bdeputy foreign policy chief",
     "deputy_foreign_minister", "GOV", "Deputy Foreign Minister"),
    (r"\bdeputy secretary of state\b", "deputy_secretary_of_state", "GOV", "Deputy Secretary of State"),
    (r"\bunder ?secretary (of state )?for political affairs\b", "under_secretary_political", "GOV",
     "Under Secretary of State for Political Affairs"),
    (r"\bunder ?secretary (of state )?for arms control", "under_secretary_arms_control", "GOV",
     "Under Secretary of State for Arms Control"),
    (r"\b(foreign ministry|foreign affairs ministry|mfa|foreign office|state department|diplomatic) (spokes(man|woman|person)|press secretary)\b"
     r"|\bspokes(man|woman|person) (for|of) the (foreign ministry|state department|foreign office)",
     "spokesperson_mfa", "GOV", "Foreign Ministry Spokesperson"),
    (r"\b(kremlin|presidential|white house|president s) (spokes(man|woman|person)|press secretary)\b|\bwhite house press\b",
     "spokesperson_presidency", "GOV", "Presidential Press Secretary"),
    (r"\b(pentagon|defen[cs]e ministry|defen[cs]e department) (spokes(man|woman|person)|press secretary)\b",
     "spokesperson_mod", "MIL", "Defence Ministry Spokesperson"),
    (r"\bnational security advi[sc][eo]r\b", "national_security_adviser", "GOV", "National Security Adviser"),
    (r"\b(security council secretary|secretary of the (national )?security council)\b", "security_council_secretary",
     "GOV", "Secretary of the Security Council"),
    (r"\b(foreign minister|minister of foreign affairs|foreign affairs minister|minister for foreign affairs|foreign secretary"
     r"|secretary of state|top diplomat|chief diplomat|head of (the )?diplomacy|fm|minister of external affairs"
     r"|external affairs minister|diplomacy chief)\b", "foreign_minister", "GOV", "Foreign Minister"),
    (r"\b(defen[cs]e minister|minister of (national )?defen[cs]e|defen[cs]e secretary|secretary of defen[cs]e"
     r"|secretary of war|war secretary|pentagon chief|minister of the armed forces|armed forces minister|defen[cs]e chief)\b",
     "defence_minister", "MIL", "Defence Minister"),
    (r"\bvice president\b", "vice_president", "GOV", "Vice President"),
    (r"\b(prime minister|premier|pm|chancellor|head of government)\b", "head_of_government", "GOV", "Prime Minister"),
    (r"\bhigh representative\b|\bforeign policy chief\b", "high_representative", "IGO", "High Representative"),
    (r"\bcommission president\b|\bpresident of the (european )?commission\b", "commission_president", "IGO",
     "President of the European Commission"),
    (r"\b(army chief|army commander|military chief|chief of (the )?army staff|chief of (the )?defen[cs]e staff"
     r"|commander in chief of (the )?defen[cs]e services)\b", "chief_of_general_staff", "MIL", "Chief of the General Staff"),
    (r"\b(secretary general|director general|chief|head|boss)\b", "secretary_general", "IGO", "Secretary General"),
    (r"\b(permanent representative|(un|united nations) (ambassador|envoy)|(ambassador|envoy) (to|at) the (un|united nations))\b",
     "un_ambassador", "DIP", "Permanent Representative to the United Nations"),
    (r"\b(ambassador|envoy)\b", "ambassador", "DIP", "Ambassador"),
    (r"\bcrown prince\b", "crown_prince", "GOV", "Crown Prince"),
    (r"\b(president|head of state|king|emir|sultan|monarch|queen|supreme leader|leader)\b", "head_of_state", "GOV",
     "President"),
    (r"\bchief of (the )?general staff\b|\bchairman of the joint chiefs\b", "chief_of_general_staff", "MIL",
     "Chief of the General Staff"),
]]

# Words that make a title but name no single office; they give a sector for unnamed or unknown people.
ROLE_WORDS: list[tuple[re.Pattern, str]] = [(re.compile(p), s) for p, s in [
    (r"\b(arms dealer|smuggler|criminal|gangster|drug lord)\b", "CRM"),
    (r"\b(opposition (leader|politician|figure)|dissident)\b", "OPP"),
    (r"\b(rebel|militant|insurgent|separatist|jihadist)\w*", "REB"),
    (r"\b(spy|intelligence officer|agent)\b", "SPY"),
    (r"\b(journalist|reporter|correspondent|editor|columnist|anchor|blogger)\b", "MED"),
    (r"\b(senator|congress(man|woman)|lawmaker|legislator|mp|parliamentarian|duma deputy|speaker|deputy of the state duma)\b", "LEG"),
    (r"\b(judge|prosecutor|justice|attorney general)\b", "JUD"),
    (r"\b(police\w*|policeman|policewoman)\b", "COP"),
    # "Secretary-General", "Director-General", "Governor-General" are no generals
    (r"\b((?<!secretary )(?<!director )(?<!attorney )(?<!consul )(?<!inspector )(?<!governor )(?<!solicitor )general"
     r"|admiral|colonel|lieutenant|commander|marshal|soldier|sergeant|military|marine|troops?|officer"
     r"|gen|lt|col|maj|brig|capt|sgt|cmdr)\b", "MIL"),
    (r"\b(ambassador|envoy|diplomat|consul|charge d affaires|negotiator)\w*", "DIP"),
    (r"\b(minister|president|premier|chancellor|secretary|spokes(man|woman|person)|official|governor|mayor|king|emir|sultan"
     r"|aide|advis[eo]r|press secretary|leader|government|ministry|cabinet|director)\b", "GOV"),
    (r"\b(businessman|businesswoman|ceo|executive|tycoon|oligarch|entrepreneur|investor|banker|billionaire)\b", "BUS"),
    (r"\b(professor|scholar|analyst|expert|researcher|academic|political scientist)\b", "EDU"),
    (r"\b(star|player|athlete|singer|actor|actress|activist|citizen|teacher|student|resident|basketball|footballer|national)\b", "CVL"),
]]

# Capitalised words inside office and body names, never the start of a personal name.
OFFICE_NOUNS = lexicon.words("office_nouns")
_PLURAL = re.compile(r"\b(president|minister|leader|ambassador|official|diplomat|envoy|secretar)(s|ies)\b")
NAME_PARTICLES = lexicon.words("name_particles")
_DET = re.compile(r"^(the|a|an|then|former|ex)\s+", re.I)
_BODY_WORDS = re.compile(r"\b(ministry|department|office|embassy|parliament|government|cabinet|presidency|administration|"
                         r"armed forces|military|army|navy|troops|forces|intelligence|police|court|security council|foreign affairs|"
                         r"mission|legislature|assembly)\b")
# sectors of an office: a person whose office of this kind has ended is ELI (former official)
OFFICE_SECTORS = {"GOV", "MIL", "DIP", "LEG", "JUD", "COP", "SPY", "IGO"}
# posts that only a state gives: an unknown holder with no country word takes the country of the sentence
STATE_POSTS = {"GOV", "MIL", "DIP", "LEG", "JUD", "COP", "SPY"}
# words before a place that say something is, lives or acts there ("in South Africa", "based in Lagos")
_LOCATED = re.compile(r"\b(?:in|inside|across|throughout|within)\s+((?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,3})")
# capitalised words that open sentences and names of things, never a one-word personal name
COMMON_WORDS = lexicon.words("common_words")
# words that open a noun phrase without naming anyone: "two Chinese warplanes", "dozens of Slovak soldiers"
_QUANT = re.compile(r"^(?:the|a|an|some|several|many|few|more|other|all|both|two|three|four|five|six|seven|eight|nine|ten|"
                    r"dozens?|hundreds?|thousands?|scores?|millions?|tens|a group|a number|a team|a unit|groups?|"
                    r"members?|units?|\d[\d,.]*)(?:\s+of)?\s+", re.I)
_STOP_COMPOSE = {"and", "or", "of", "the", "in", "on", "at", "to", "from", "by", "with", "for", "based", "throughout",
                 "near", "ethnic", "armed", "local", "new", "former", "top", "senior", "other", "own"}
# leaders called by the word of their own office: "leader" follows states.csv
_ROLE_SECTOR = {"head_of_state": "GOV", "head_of_government": "GOV"}


@dataclass
class Resolution:
    actor: Actor
    basis: str            # name | alias | surname | title+name | description | metonym | seat | context
    note: str = ""
    also: tuple[Actor, ...] = ()   # further sides of a coordination: "Russian and Belarusian soldiers"

    def to_json(self) -> dict:
        row = self.actor.to_row()
        row["basis"] = self.basis
        row["note"] = self.note
        if self.also:
            row["also"] = [a.to_row() for a in self.also]
        return row


@dataclass
class _Title:
    """What the words before a name (or a whole description) tell: countries, org, host, office."""
    countries: list[str]
    org: Optional[str]
    host: Optional[str]
    office: Optional[tuple[str, str, str]]   # role_key, sector, generic title
    sector: Optional[str]
    words: str                               # the title with country words removed, original case
    former: bool = False


class ActorResolver:
    def __init__(self, kb: Optional[KnowledgeBase] = None) -> None:
        self.kb = kb or KnowledgeBase.load()
        self._cache: dict[tuple, Optional[Resolution]] = {}

    # -- public --------------------------------------------------------------------------------
    def resolve(self, text: str, date: Optional[str] = None, context: Optional[str] = None) -> Optional[Resolution]:
        key = (text, date, context)
        if key not in self._cache:
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = self._resolve(text, date, context)
        return self._cache[key]

    # -- steps ---------------------------------------------------------------------------------
    def _resolve(self, text: str, date: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        t = re.sub(r"\s+", " ", text.strip(" \t\n\"'“”‘’,.:;()[]"))
        t = re.sub(r"['’]s$", "", t)
        if not t:
            return None
        d = norm_date(date)
        exact = self._exact(t, d, context)
        if exact:
            return exact
        bare = _DET.sub("", t)
        former = bool(re.match(r"(?i)^(the )?(former|ex)\b", t))
        if bare != t:
            exact = self._exact(bare, d, context)
            if exact and not former:
                return exact
        m = re.match(r"^(.+?)\s+(administration|government|cabinet|team|regime)$", bare, re.I)
        if m:
            head = self._exact(m.group(1), d, context) or self._surname(m.group(1), d, context)
            if head and head.actor.kind == "person" and head.actor.country:
                return self._state_level(head.actor.country, "GOV", f"{m.group(2).lower()} of {head.actor.name}",
                                         "description", f"the government led by {head.actor.name}")
            party = self._party_government(m.group(1), m.group(2), d)
            if party is not None:
                return party
        return (self._title_name_of_state(bare, d, context, former)
                or self._title_name(bare, d, context, former)
                or self._surname(bare, d, context)
                or self._description(bare, d, context, former)
                or self._body(bare, d, context)
                or self._compose(bare, d, context)
                or self._organisation_group(bare, d))

    def _exact(self, t: str, d: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        entries = self._dedupe(self.kb.lookup(t))
        if not entries:
            return None
        people = [e for e in entries if e.table == "person"]
        if people and len(people) == len(entries):
            pick = self._choose_people([e.actor_id for e in people], d, context, None)
            if pick:
                e = next(x for x in people if x.actor_id == pick)
                return self._person(self.kb.people[pick], d, "name" if e.form == "name" else "alias")
            return None
        e = next((x for x in entries if x.table != "person"), entries[0])
        if t.isupper() and len(t) > 1 and e.table == "state" and e.form == "capital":
            # "SANA" (Syria's news agency) is not "Sanaa": an acronym names an organisation before a city
            e = next((x for x in entries if x.table == "org"), e)
        if e.table == "state" and e.form == "capital" and not self.kb.states[e.actor_id].capital_metonym:
            return None         # "Brussels", "Vienna", "Geneva": the EU, NATO, the OSCE or the host state
        return self._non_person(e, t, d)

    def _title_name_of_state(self, t: str, d: Optional[str], context: Optional[str], former: bool) -> Optional[Resolution]:
        """"King Hassan of Morocco": a title and a name, then the state the person belongs to. The state picks
        among namesakes and gives an unknown person a country; "the President of Armenia" (no name) is left to
        the office rules."""
        m = re.match(r"^(\S+(?: \S+){1,5}) of (?:the )?([A-Z].*)$", t)
        if not m or not m.group(1).split()[-1][:1].isupper():
            return None
        state = self._country_of(m.group(2))
        if state is None:
            return None
        return self._title_name(m.group(1), d, context, former, where=state)

    def _title_name(self, t: str, d: Optional[str], context: Optional[str], former: bool,
                    where: Optional[str] = None) -> Optional[Resolution]:
        toks = t.split()
        if len(toks) < 2:
            return None
        # the longest known name at the end: "Russian Ambassador to the United States Anatoly Antonov"
        for i in range(1, len(toks)):
            suffix = " ".join(toks[i:])
            entries = [e for e in self._dedupe(self.kb.lookup(suffix)) if e.table == "person"]
            ids = [e.actor_id for e in entries] or sorted(self.kb.surnames.get(name_key(suffix), ()))
            if where:
                # by surname only, the namesake must hold a post at the date ("King Hassan of Jordan" is no later PM)
                ids = [p for p in ids if self._belongs(self.kb.people[p], where)
                       and (entries or not d or self.kb.people[p].roles_at(d))]
            if not ids or (not entries and not suffix[:1].isupper()):
                continue        # "a Nicaraguan bishop" is no Bishop: a surname is written with a capital
            if not entries and toks[i - 1][:1].isupper() and toks[i - 1].strip(",") not in OFFICE_NOUNS \
                    and not self._is_title_word(toks[i - 1]):
                continue        # "Juan Ramirez" is not the Ramirez the knowledge base knows by another first name
            title = self._parse_title(" ".join(toks[:i]))
            if not (title.office or title.sector or title.countries):
                continue            # "Moscow and Washington": not a title
            pick = self._choose_people(ids, d, context, title)
            if pick:
                res = self._person(self.kb.people[pick], d, "title+name")
                office_sector = (title.office[1] if title.office else None) or title.sector
                if not former and res.actor.sector in (None, "ELI") and office_sector in OFFICE_SECTORS:
                    # "Niger's President Mohamed Bazoum" where the knowledge base has no role at the date: the title
                    # the text gives him at that date says what he is
                    res = Resolution(replace(res.actor, sector=office_sector, role=title.words or res.actor.role),
                                     res.basis, (res.note + "; " if res.note else "")
                                     + f"sector {office_sector} from the title '{title.words}' (no role in the knowledge base at the date)")
                return res
        # an unknown name after a title: a new person actor
        name_toks = []
        for tok in reversed(toks):
            low = tok.lower().strip(",")
            if tok.strip(",") in OFFICE_NOUNS:
                break           # "Secretary of State Sonata Coulter": the office ends where the name begins
            if (tok[:1].isupper() or low in NAME_PARTICLES) and not self._is_title_word(tok):
                name_toks.insert(0, tok)
            else:
                break
        if len(name_toks) == len(toks) and len(toks) >= 3 and plain(toks[0]) in self.kb.agents:
            name_toks = name_toks[1:]       # "Archbishop Desmond Tutu": a title the agent dictionaries know
        while name_toks and name_toks[0].lower() in NAME_PARTICLES:
            name_toks.pop(0)
        if not name_toks or len(name_toks) == len(toks) or any(x.strip(",") in OFFICE_NOUNS for x in name_toks):
            return None
        prefix = toks[: len(toks) - len(name_toks)]
        if prefix[-1].lower() in ("of", "to", "for", "the", "at", "in", "and", "on", "with", "from", "'s"):
            return None         # "Secretary of State", "Ministry of Foreign Affairs": an office, not a name
        if re.search(r"['’]s?$", prefix[-1]) and not self._country_of(re.sub(r"['’]s?$", "", prefix[-1])):
            return None         # "King's Cross", "the President's Cup": a possessive title names a thing
        if len(name_toks) == 1 and (plain(name_toks[0]) in self.kb.agents or plain(name_toks[0]) in COMMON_WORDS
                                    or not name_toks[0][1:].islower()):
            return None         # a lone common word ("Cross", "Police") or an acronym is not a name
        title = self._parse_title(" ".join(prefix))
        if not (title.office or title.sector):
            return None
        name = " ".join(name_toks)
        title_text = " ".join(prefix)
        known = self._exact(name, d, None)
        if known is not None and where and known.actor.country != where:
            known = None        # "King Hassan of Morocco" is not the Hassan the dictionaries file under Jordan
        if known is not None and known.actor.kind != "person":
            # "rebel Kurdistan Workers' Party": a word of description before an organisation's or state's name
            actor, why = known.actor, f"'{title_text}' before the name of {known.actor.name}"
            if actor.kind == "org" and actor.sector == "PTY" and title.sector == "OPP":
                # "Britain's opposition Labour Party": the words say where the party stands at the date
                actor, why = replace(actor, sector="OPP"), why + f"; sector OPP from '{title.words}'"
            return Resolution(actor, "description", why)
        office = title.office
        if office and office[1] == "IGO" and not title.org:
            office = None       # "Police Chief", "army head": no organisation, so no IGO office
        sector = (office[1] if office else None) or title.sector
        if office and title.sector and office[1] == "GOV" and title.sector not in ("GOV", "CVL"):
            sector = title.sector       # "Police Minister" stays GOV; "Police Chief" is COP
        why = []
        if where:
            country = where
            why.append(f"country {country} from 'of' after the name")
        elif title.countries:
            country = title.countries[0]
            why.append(f"country {country} from '{self._country_words(title_text) or title_text}'")
        else:
            country = self._office_country(title.words)
            if country:
                why.append(f"country {country} from the office '{title.words}'")
            elif title.org:
                country = None
            elif sector in STATE_POSTS:
                # a post of a state ("Police Chief", "Interior Minister"): the state the sentence is about
                country = self._context_country(context)
                if country:
                    why.append(f"country {country} from the context sentence")
            else:
                # a title no state gives ("Archbishop", "Professor"): the sentence must place the person in a
                # state ("... in South Africa"); a state the sentence only acts on ("sanctions against
                # Nigeria") is not the person's
                country = self._located_country(context)
                if country:
                    why.append(f"country {country} where the context sentence places the person")
        if former and sector in ("GOV", "MIL", "DIP", "LEG", "JUD", "COP", "SPY"):
            sector = "ELI"
        if sector:
            why.append(f"sector {sector} from '{title.words or title_text}'" + (" (former)" if former else ""))
        role = title.words or None
        actor = Actor(actor_id=_slug(name), name=name, kind="person", country=country, org=title.org,
                      sector=sector, role=role)
        return Resolution(actor, "title+name", "inferred, not in the knowledge base: " + "; ".join(why))

    @staticmethod
    def _belongs(p: Person, state: str) -> bool:
        return p.country == state or any(r.country == state for r in p.roles)

    def _surname(self, t: str, d: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        ids = sorted(self.kb.surnames.get(name_key(t), ()))
        if not ids or not t[:1].isupper():
            return None
        pick = self._choose_people(ids, d, context, None)
        if not pick:
            return None
        return self._person(self.kb.people[pick], d, "surname")

    def _description(self, t: str, d: Optional[str], context: Optional[str], former: bool) -> Optional[Resolution]:
        title = self._parse_title(t)
        if not title.office:
            if title.sector and title.countries and not _BODY_WORDS.search(plain(t)):
                composed = self._compose(t, d, context)     # says which words gave country and sector
                if composed is not None:
                    return composed
                # "the Russian official", "American diplomats": the state with the sector of the words
                return self._state_level(title.countries[0], title.sector, title.words or None, "description",
                                         "unnamed: country-level actor")
            if title.sector and not title.countries and not _BODY_WORDS.search(plain(t)) and context:
                return self._from_context(t, title, d, context)
            return None
        key, sector, generic_title = title.office
        country = title.countries[0] if title.countries else None
        org = title.org
        basis, note = "description", ""
        if key in ("secretary_general", "high_representative", "commission_president") and not org:
            if key != "secretary_general" or not re.search(r"secretary general|director general", plain(t)):
                # "chief"/"head" without an organisation names nothing on its own
                if key == "secretary_general":
                    key, sector, generic_title = None, None, None
            org = org or ("EU" if key in ("high_representative", "commission_president") else None)
        if key is None:
            return None
        if org and key in ("head_of_state", "head_of_government") and not country:
            key = "secretary_general"            # "NATO leader", "UN head"
        if org == "UN" and key == "ambassador" and country:
            key = "un_ambassador"
        if key == "un_ambassador":
            org = None
        if key == "foreign_minister" and not country and re.search(r"secretary of state", plain(t)):
            country = "USA"                      # "the Secretary of State" with no country is the US office
        if key == "head_of_government" and not country and re.search(r"chancellor", plain(t)):
            country = "DEU"
        if key not in ("secretary_general", "high_representative", "commission_president") and not country:
            country = self._context_country(context)
            if country:
                basis, note = "context", "country from the context sentence"
            else:
                return self._from_context(t, title, d, context)
        if key in ("secretary_general", "high_representative", "commission_president"):
            if not org:
                return None
            roles = self.kb.holders(key, None, d, None, org) if d else self.kb.holders(key, None, None, None, org)[:1]
        else:
            roles = self._office_holders(key, country, d, title.host, t)
        if former:
            return None          # which former holder is meant is not knowable from the words
        if len(roles) == 1:
            person = self.kb.people[roles[0].actor_id]
            res = self._person(person, d, basis, prefer=roles[0])
            if note:
                res.note = "; ".join(x for x in (note, res.note) if x)
            return res
        if org and not country:
            o = self.kb.orgs.get(org)
            if o is None:
                return None
            actor = Actor(o.actor_id, o.name, "org", None, o.org or o.actor_id, o.sector, generic_title)
            return Resolution(actor, basis, f"{len(roles)} holders on the date" if roles else "holder not in the knowledge base")
        if not country:
            return None
        why = (f"ambiguous: {len(roles)} holders on the date ({', '.join(r.actor_id for r in roles)})" if roles
               else "holder not in the knowledge base")
        if d is None and not roles:
            why = "no date given"
        title_text = title.words or generic_title
        return self._state_level(country, sector, title_text, basis, "; ".join(x for x in (note, why) if x))

    def _office_holders(self, key: str, country: str, d: Optional[str], host: Optional[str], t: str) -> list[Role]:
        kb = self.kb
        # the office's own title first: "Venezuela's interim president", "the State Counsellor"
        words = re.sub(r"^(?:the|a|an)\s+", "", _trim(self._strip_countries(t)[1]), flags=re.I)
        if len(words.split()) > 1 and d:
            exact = [r for r in kb.holders_by_title(country, words, d) if r.role_key.endswith(key.split("_")[-1])
                     or key == "head_of_state"]
            if exact:
                return exact
        if key == "head_of_state":
            word = plain(t)
            if re.search(r"\bpresident\b", word):
                by_title = kb.holders_by_title(country, "President", d)
                if by_title:
                    return by_title if d else by_title[-1:]
            if re.search(r"\bleader\b", word):
                st = kb.states.get(country)
                key = st.leader if st else key
        roles = kb.holders(key, country, d, host)
        if not roles and key == "head_of_government":
            roles = kb.holders("head_of_state", country, d, host) if re.search(r"leader", plain(t)) else []
        if not roles and key == "head_of_state":
            roles = kb.holders("head_of_government", country, d, host) if country in ("IRN",) else roles
        if d is None:
            roles = roles[:1]
        return roles

    def _from_context(self, t: str, title: _Title, d: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        """'the minister', 'the ambassador': a person named in the context sentence whose role fits."""
        if not context:
            return None
        words = plain(t)
        found = self._people_in(context)
        fits = []
        for pid in found:
            p = self.kb.people[pid]
            roles = p.roles_at(d) if d else p.roles[-1:]
            for r in roles:
                rt = plain(r.role)
                if (title.office and r.role_key == title.office[0]) or any(w in rt for w in words.split() if len(w) > 3):
                    fits.append(pid)
                    break
        fits = list(dict.fromkeys(fits))
        if len(fits) == 1:
            res = self._person(self.kb.people[fits[0]], d, "context")
            res.note = "; ".join(x for x in ("named in the context sentence", res.note) if x)
            return res
        return None

    def _body(self, t: str, d: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        """Government bodies with a country: 'Russia's Ministry of Foreign Affairs', 'the Foreign Ministry'."""
        p = plain(t)
        host = None
        m = re.search(r"\b(?:in|to) (.+)$", t)
        if m:
            host = self._country_of(m.group(1))
            t_main = t[: m.start()]
        else:
            t_main = t
        countries, rest = self._strip_countries(t_main)
        generic = self.kb.generic.get(name_key(rest))
        if generic is None:
            return None
        basis, note = "description", ""
        country = countries[0] if countries else None
        if country is None:
            country = self._context_country(context)
            basis, note = "context", "country from the context sentence"
        if country is None:
            return None
        inst = self.kb.body(country, generic.body)
        st = self.kb.states.get(country)
        if inst is not None and not (generic.body == "EMB"):
            actor = Actor(inst.actor_id, inst.name, "org", country, None, inst.sector, None)
        else:
            sname = st.name if st else country
            aid, name = f"{country}-{generic.body}", f"{generic.name} of {sname}"
            if generic.body == "EMB" and host and host != country:
                hs = self.kb.states.get(host)
                aid, name = f"{aid}-{host}", f"{name} in {hs.name if hs else host}"
            actor = Actor(aid, name, "org", country, None, generic.sector, None)
        return Resolution(actor, basis, note)

    def _compose(self, t: str, d: Optional[str], context: Optional[str]) -> Optional[Resolution]:
        """A country word and an agent noun anywhere in one noun phrase: "two Chinese warplanes", "Slovak
        soldiers", "Minsk police station", "Colombia's ministry of mines", "Rebels in the Ivory Coast". The
        answer is the state with the agent's sector; a second country ("Russian and Belarusian soldiers")
        is named in the note."""
        phrase = re.sub(r"\s+", " ", re.sub(r"-(?:led|backed|based|controlled|allied|born)\b", " ", t)).strip()
        while True:
            m = _QUANT.match(phrase)
            if not m or m.end() >= len(phrase):
                break
            phrase = phrase[m.end():]
        ruled = re.match(r"^(.+?)[\s-](?:ruled|controlled|governed|run|held|dominated)\s+(.+)$", phrase, re.I)
        if ruled and (state := self._country_of(ruled.group(2))):
            # "Taliban-ruled Afghanistan": the state, whoever rules it
            return self._state_level(state, None, None, "description",
                                     f"the state '{ruled.group(2)}' under '{ruled.group(1)}'")
        countries, rest = self._strip_countries(phrase)
        if not countries:
            return self._people_compose(phrase)
        minority = self._minority(phrase, countries, context)
        where = re.match(r"^(.+?)\s+(?:of|in|from|living in|based in|operating in)\s+(?:the\s+)?"
                         r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?(.+)$",
                         phrase, re.I)
        agent = self._agent_in(rest)
        if where and not minority:
            head_countries, head_rest = self._strip_countries(where.group(1))
            place = self._country_of(where.group(2)) or (self._strip_countries(where.group(2))[0] or [None])[0]
            based = re.search(r"(?i)\b(?:based|operating) in\b", phrase)
            if place and not head_countries and based:
                # "a terror group based in Trinidad"; "the Red Cross operating in Iraq" stays the organisation
                head = self._exact(where.group(1), d, None) or self._exact(_DET.sub("", where.group(1)), d, None)
                if head is not None and head.actor.kind == "org":
                    return Resolution(head.actor, "description", f"the organisation '{where.group(1)}' in {place}")
                head_agent = self._agent_in(where.group(1))
                if head is None and (head_agent is None or head_agent[1].sector != "IGO"):
                    return self._state_level(place, head_agent[1].sector if head_agent else None, None, "description",
                                             f"composed: country {place} from '{where.group(2)}', where the "
                                             f"'{where.group(1)}' is based")
            if place and head_countries and place not in head_countries and agent is None:
                # "the Albanians of southern Serbia": a people named by the state it lives in
                return self._state_level(place, None, None, "description",
                                         f"composed: country {place} from '{where.group(2)}', where the "
                                         f"'{where.group(1)}' live")
        if minority:
            note = (f"composed: '{phrase}' is a minority; country {minority} from the context sentence, "
                    f"not {'/'.join(countries)}")
            return self._state_level(minority, agent[1].sector if agent and agent[1].sector != "IGO" else None,
                                     None, "description", note)
        if agent is None:
            left = [w for w in rest.split() if w.lower() not in _STOP_COMPOSE]
            if (len(left) == 1 and left[0][:1].isupper() and left[0].endswith("s")) or (not left and len(countries) > 1):
                # "Bosnian Serbs", "Iraqi Kurds": a people qualified by its state, no agent noun
                words = self._country_words(phrase) or phrase
                return self._state_level(countries[0], None, None, "description",
                                         f"composed: country {countries[0]} from '{words}'; no agent noun")
            return None
        noun, a = agent
        sector = a.sector
        country = countries[0]
        if sector == "IGO":
            return None         # "UN peacekeepers from Chad": the organisation, not the state
        words = self._country_words(phrase) or phrase
        src = "Phoenix agent dictionary" if a.source.startswith("https://github.com/openeventdata") else "project agents"
        note = f"composed: country {country} from '{words}', sector {sector} from '{noun}' ({src})"
        res = self._state_level(country, sector, None, "description", note)
        if len(countries) > 1:
            res.note += "; also " + ", ".join(countries[1:])
            res.also = tuple(self._state_level(c, sector, None, "description", "").actor for c in countries[1:])
        return res

    def _party_government(self, head: str, noun: str, d: Optional[str]) -> Optional[Resolution]:
        """"the Sandinista government", "the Taliban regime": the state whose government the party or movement
        formed, with sector GOV. The head is the organisation's name or its adjective (the name less a plural
        "s"); an intergovernmental body or an organisation with no country gives nothing."""
        if noun.lower() == "team":
            return None
        for form in (head, head + "s", re.sub(r"(?i)^the\s+", "", head) + "s"):
            for e in self._dedupe(self.kb.lookup(form)):
                if e.table != "org":
                    continue
                o = self.kb.orgs[e.actor_id]
                if o.country and o.sector in ("PTY", "REB", "OPP", "GOV"):
                    return self._state_level(o.country, "GOV", f"{noun.lower()}", "description",
                                             f"the {noun.lower()} formed by {o.name} ({o.country})")
        return None

    def _people_compose(self, phrase: str) -> Optional[Resolution]:
        """A people whose movements act in one state, then a non-state agent noun: "Karen guerrillas" are
        rebels of Myanmar (peoples.csv). The agent must follow the people's word directly, so "Karen Smith" or
        "Tamil Nadu police" compose nothing."""
        toks = phrase.split()
        low = [plain(w) for w in toks]
        for i, tok in enumerate(toks):
            if not tok[:1].isupper():
                continue
            for n in (2, 1):
                word = " ".join(low[i:i + n])
                iso = self.kb.peoples.get(word) if i + n < len(toks) else None
                if not iso:
                    continue
                after = low[i + n:]
                for m in range(min(self.kb.max_agent_len, len(after)), 0, -1):
                    a = self.kb.agents.get(" ".join(after[:m]))
                    if a is None:
                        continue
                    if a.sector in STATE_POSTS or a.sector == "IGO":
                        return None     # "Tamil police": a state's post needs the state named
                    note = (f"composed: country {iso} from the people '{' '.join(toks[i:i + n])}' (peoples.csv), "
                            f"sector {a.sector} from '{' '.join(after[:m])}'")
                    return self._state_level(iso, a.sector, None, "description", note)
                return None
        return None

    def _minority(self, phrase: str, countries: list[str], context: Optional[str]) -> Optional[str]:
        """The state an "ethnic <people>" phrase acts in: "ethnic Albanian guerrillas" in a sentence about
        Macedonia are Macedonia's. The sentence's place ("in Macedonia") first, else its most named state, never
        the people's own state; None when the sentence names no other state."""
        if not re.match(r"(?i)^ethnic\s", phrase):
            return None
        own = set(countries)
        located = self._located_country(context)
        if located and located not in own:
            return located
        return self._context_country(context, exclude=own)

    def _organisation_group(self, t: str, d: Optional[str]) -> Optional[Resolution]:
        """An organisation named first, then who in it acts: "NATO peacekeeping troops", "the U.N. war crimes
        court", "the defeated Fatah Party", "Osama bin Laden's al-Qaeda" (the possessor leads, the group acts)."""
        m = re.match(r"^.+?['’]s\s+(.+)$", t)
        if m and (tail := self._exact(m.group(1), d, None)) is not None and tail.actor.kind == "org":
            return Resolution(tail.actor, "description", f"the organisation '{m.group(1)}' after a possessor")
        toks = [w for w in t.split() if w.lower() not in ("the", "defeated", "ruling", "banned", "outlawed")]
        for i in range(len(toks) - 1, 0, -1):
            entries = [e for e in self._dedupe(self.kb.lookup(" ".join(toks[:i]))) if e.table == "org"]
            if not entries:
                continue
            rest = " ".join(toks[i:])
            agent = self._agent_in(rest)
            if agent is None and rest.lower() not in self.kb.org_designators:
                return None
            res = self._non_person(entries[0], " ".join(toks[:i]), d)
            res.basis = "description"
            res.note = f"composed: organisation from '{' '.join(toks[:i])}', " + (
                f"its {agent[0]} ({agent[1].sector})" if agent else f"'{rest}' names the organisation itself")
            return res
        return None

    def _agent_in(self, text: str):
        """(noun as written, Agent) of the longest agent noun in the text, the later one on a tie (the head)."""
        toks = [w for w in plain(text).split()]
        best = None
        for i in range(len(toks)):
            for n in range(min(self.kb.max_agent_len, len(toks) - i), 0, -1):
                if n == 1 and toks[i] in _STOP_COMPOSE:
                    continue
                k = " ".join(toks[i:i + n])
                a = self.kb.agents.get(k)
                if a is not None:
                    if best is None or n >= best[0]:
                        best = (n, k, a)
                    break
        return (best[1], best[2]) if best else None

    def _country_words(self, text: str) -> str:
        """The words of a phrase that name its first country ("Colombian", "Moscow's")."""
        toks = text.split()
        for i in range(len(toks)):
            for n in range(min(4, len(toks) - i), 0, -1):
                chunk = " ".join(toks[i:i + n])
                if chunk[:1].isupper() and (any(e.table == "state" for e in self.kb.lookup(chunk))
                                            or name_key(chunk) in self.kb.places):
                    return chunk
        return ""

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _dedupe(entries: list[Entry]) -> list[Entry]:
        seen, out = set(), []
        for e in entries:
            if e.actor_id not in seen:
                seen.add(e.actor_id)
                out.append(e)
        return out

    def _non_person(self, e: Entry, t: str, d: Optional[str] = None) -> Resolution:
        kb = self.kb
        if e.table == "state":
            s = kb.states[e.actor_id]
            if e.form == "capital" and as_of(s.iso3, d) in kb.states and as_of(s.iso3, d) != s.iso3:
                s = kb.states[as_of(s.iso3, d)]  # "Juba" told of in 1990 stands for Sudan
            basis = {"name": "name", "alias": "alias", "demonym": "alias", "capital": "metonym"}[e.form]
            note = {"demonym": "demonym", "capital": "capital as metonym for the state"}.get(e.form, "")
            if s.historical:
                note = "; ".join(x for x in (note, "historical state") if x)
            return Resolution(Actor(s.iso3, s.name, "state", s.iso3, None, None, None), basis, note)
        if e.table == "org":
            o = kb.orgs[e.actor_id]
            org = None if o.sector == "MED" else (o.org or (o.actor_id if o.sector == "IGO" else None))
            country = None if o.sector == "IGO" else o.country
            sector = o.sector_at(d)
            note = "media outlet" if o.sector == "MED" else ("in power at the date" if sector != o.sector else "")
            return Resolution(Actor(o.actor_id, o.name, "org", country, org, sector, None),
                              "name" if e.form == "name" else "alias", note)
        i = kb.institutions[e.actor_id]
        return Resolution(Actor(i.actor_id, i.name, "org", i.country, None, i.sector, None),
                          "seat" if e.form == "seat" else "name", "")

    def _person(self, p: Person, d: Optional[str], basis: str, prefer: Optional[Role] = None) -> Resolution:
        note = ""
        if d is None:
            role = prefer or p.latest_role()
            note = "no date: most recent role" if role else ""
        else:
            active = p.roles_at(d)
            if prefer is not None and prefer in active:
                role = prefer
            else:
                role = _main_role(active)
            sector = p.sector
            if role is None and p.roles:
                last = [r for r in p.roles if r.start <= d]
                note = (f"no role at the date; last role: {last[-1].role} (until {last[-1].end})" if last
                        else "no role at the date yet")
                # CAMEO/PLOVER ELI: a former official who holds no office now
                if sector in (None, "ELI") and any(r.end and r.end <= d and r.sector in OFFICE_SECTORS for r in last):
                    sector = "ELI"
            if role is None:
                if p.phoenix:
                    note = "; ".join(x for x in (note, "Phoenix dictionary (PETRARCH2)") if x)
                return Resolution(Actor(p.actor_id, p.name, "person", p.country, None, sector, None), basis, note)
        if role is None:
            return Resolution(Actor(p.actor_id, p.name, "person", p.country, None, p.sector, None), basis, note)
        country = role.country if role.country else (None if role.org else p.country)
        if p.phoenix:
            note = "; ".join(x for x in (note, f"Phoenix dictionary (PETRARCH2), role {role.start} to {role.end or 'open'}")
                             if x)
        return Resolution(Actor(p.actor_id, p.name, "person", country, role.org, role.sector, role.role), basis, note)

    def _state_level(self, country: str, sector: Optional[str], role: Optional[str], basis: str, note: str) -> Resolution:
        if role:
            # "the president of Armenia" leaves "president of" once the country is taken out: the office is "president"
            role = re.sub(r"(?i)(?:\s+(?:of|for|to|in|at|from|the|and))+$", "", role.strip()) or None
        st = self.kb.states.get(country)
        actor = Actor(country, st.name if st else country, "state", country, None, sector, role)
        return Resolution(actor, basis, note)

    def _choose_people(self, ids: list[str], d: Optional[str], context: Optional[str], title: Optional[_Title]) -> Optional[str]:
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return ids[0]
        people = [self.kb.people[i] for i in ids]
        if title is not None:
            narrowed = [p for p in people if _fits(p, title, d)]
            if len(narrowed) == 1:
                return narrowed[0].actor_id
            people = narrowed or people
        if d:
            in_office = [p for p in people if p.roles_at(d)]
            if len(in_office) == 1:
                return in_office[0].actor_id
            if in_office:
                people = in_office
                if context:
                    named = set(self._people_in(context))
                    hits = [p for p in people if p.actor_id in named and any(self.kb.lookup(n) for n in [p.name] + p.aliases
                                                                               if n and plain(n) in plain(context))]
                    if len(hits) == 1:
                        return hits[0].actor_id
                    hits = [p for p in people if _context_fits(p, d, context)]
                    if len(hits) == 1:
                        return hits[0].actor_id
                top = [p for p in people if any(r.role_key in ("head_of_state", "head_of_government") for r in p.roles_at(d))]
                if len(top) == 1:
                    return top[0].actor_id
            return None
        # no date: the one most recently in office, if that is clear
        latest = sorted(people, key=lambda p: (p.latest_role().end is None, p.latest_role().end or "") if p.roles else (False, ""),
                        reverse=True)
        if latest and latest[0].roles and (len(latest) == 1 or latest[1].roles == [] or
                                          latest[0].latest_role().end is None and latest[1].latest_role().end is not None):
            return latest[0].actor_id
        return None

    def _parse_title(self, text: str) -> _Title:
        host = None
        m = re.search(r"\b(?:to|in|at) ((?:the )?[A-Z][\w.\- ]+)$", text)
        main = text
        if m:
            host = self._country_of(m.group(1))
            org_in_host = self._org_of(m.group(1))
            if host or org_in_host:
                main = text[: m.start()]
            if org_in_host and not host:
                host = None
                main = main + " " + m.group(1)
        countries, rest = self._strip_countries(main)
        org = self._org_of(main)
        p = _PLURAL.sub(lambda m: m.group(1) + ("y" if m.group(2) == "ies" else ""), plain(rest + " " + main))
        rest = _PLURAL.sub(lambda m: m.group(1) + ("y" if m.group(2) == "ies" else ""), rest)
        office = None
        for pat, key, sector, title in OFFICES:
            if pat.search(p):
                office = (key, sector, title)
                break
        if office and office[0] == "ambassador" and org == "UN":
            office = ("un_ambassador", "DIP", "Permanent Representative to the United Nations")
        sector = None
        for pat, s in ROLE_WORDS:
            if pat.search(plain(rest)):
                sector = s
                break
        if sector is None and rest.strip():
            agent = self._agent_in(rest)        # "Archbishop", "Mines Minister": the agent dictionaries
            if agent is not None and agent[1].sector not in ("IGO", "ELI"):
                sector = agent[1].sector
        words = re.sub(r"^(?:the|a|an)\s+", "", _trim(rest), flags=re.I).strip()
        words = re.sub(r"\s+", " ", words)
        former = bool(re.search(r"\b(former|ex)\b", p))
        if former:
            words = re.sub(r"(?i)^(former|ex-?)\s*", "", words)
        return _Title(countries, org, host, office, sector, words, former)

    def _strip_countries(self, text: str) -> tuple[list[str], str]:
        """Countries named in a title, and the title without them ("Russian Foreign Minister" ->
        ["RUS"], "Foreign Minister"). Seats count: "Kremlin spokesman" -> RUS."""
        toks = text.split()
        countries, keep = [], []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(4, len(toks) - i), 0, -1):
                chunk = " ".join(toks[i:i + n])
                if not chunk[:1].isupper() and not chunk.lower().startswith("the "):
                    continue
                for e in self._dedupe(self.kb.lookup(chunk)):
                    if e.table == "state":
                        hit = (e.actor_id, n, False)
                    elif e.table == "institution" and self.kb.institutions[e.actor_id].country:
                        hit = (self.kb.institutions[e.actor_id].country, n, True)
                    if hit:
                        break
                if not hit and chunk[:1].isupper():
                    place = self.kb.places.get(name_key(chunk))     # Phoenix: cities, variant spellings
                    if place:
                        hit = (place, n, False)
                if hit:
                    break
            if hit:
                countries.append(hit[0])
                if hit[2]:
                    keep.extend(toks[i:i + hit[1]])   # keep "Kremlin"/"State Department" for the office words
                i += hit[1]
            else:
                keep.append(toks[i])
                i += 1
        return list(dict.fromkeys(countries)), " ".join(keep)

    def _country_or_body(self, text: str) -> Optional[str]:
        """The state a phrase names, or the state of a government body it names ("the Justice Department")."""
        for e in self._dedupe(self.kb.lookup(text)):
            if e.table == "state":
                return e.actor_id
            if e.table == "institution" and self.kb.institutions[e.actor_id].country:
                return self.kb.institutions[e.actor_id].country
        return None

    def _office_country(self, words: str) -> Optional[str]:
        """The one state whose office title the words contain ("Deputy Assistant Secretary of State" -> USA)."""
        k = f" {name_key(words)} "
        found = {country for (country, title) in self.kb._titles if len(title.split()) > 1 and f" {title} " in k}
        return found.pop() if len(found) == 1 else None

    def _country_of(self, text: str) -> Optional[str]:
        for e in self._dedupe(self.kb.lookup(text)):
            if e.table == "state":
                return e.actor_id
        return None

    def _org_of(self, text: str) -> Optional[str]:
        toks = text.split()
        for n in range(min(4, len(toks)), 0, -1):
            for i in range(0, len(toks) - n + 1):
                for e in self._dedupe(self.kb.lookup(" ".join(toks[i:i + n]))):
                    if e.table == "org" and self.kb.orgs[e.actor_id].sector == "IGO":
                        o = self.kb.orgs[e.actor_id]
                        return o.org or o.actor_id
        return None

    def _is_title_word(self, tok: str) -> bool:
        p = plain(tok)
        if not p:
            return True
        if any(e.table == "state" for e in self.kb.lookup(tok)):
            return True
        return any(pat.search(p) for pat, *_ in OFFICES) or any(pat.search(p) for pat, _ in ROLE_WORDS)

    def _context_country(self, context: Optional[str], exclude: frozenset | set = frozenset()) -> Optional[str]:
        """The country a context sentence is about: the most named state (first named on a tie), leaving out
        the states in `exclude`."""
        if not context:
            return None
        countries, _ = self._strip_countries(re.sub(r"[\"“”,.;:()]", " ", context))
        countries = [c for c in countries if c not in exclude]
        if not countries:
            return None
        toks = re.sub(r"[\"“”,.;:()]", " ", context).split()
        counts: dict[str, int] = {}
        for i in range(len(toks)):
            for n in (3, 2, 1):
                c = self._country_or_body(" ".join(toks[i:i + n])) if toks[i][:1].isupper() else None
                if c:
                    if c not in exclude:
                        counts[c] = counts.get(c, 0) + 1
                    break
        best = max(counts.values()) if counts else 0
        for c in countries:
            if counts.get(c, 0) == best:
                return c
        return countries[0]

    def _located_country(self, context: Optional[str]) -> Optional[str]:
        """The one state a context sentence places things in ("... opened hearings in South Africa"), from
        the places after "in", "across", "throughout"; None when it names none there, or several."""
        if not context:
            return None
        found = []
        for m in _LOCATED.finditer(context):
            countries, _ = self._strip_countries(re.sub(r"[\"“”,.;:()]", " ", m.group(1)))
            found.extend(countries[:1])
        found = list(dict.fromkeys(found))
        return found[0] if len(found) == 1 else None

    def _people_in(self, context: str) -> list[str]:
        toks = re.sub(r"[\"“”,.;:()]", " ", context).split()
        found = []
        for i in range(len(toks)):
            if not toks[i][:1].isupper():
                continue
            for n in range(min(4, len(toks) - i), 0, -1):
                chunk = " ".join(toks[i:i + n])
                ents = [e for e in self._dedupe(self.kb.lookup(chunk)) if e.table == "person"]
                if n == 1 and not ents:
                    ents = [Entry(pid, "person", "surname") for pid in self.kb.surnames.get(name_key(chunk), ())]
                if ents:
                    found.extend(e.actor_id for e in ents)
                    break
        return list(dict.fromkeys(found))


def _main_role(roles: list[Role]) -> Optional[Role]:
    if not roles:
        return None
    rank = ["head_of_state", "head_of_government", "vice_president", "secretary_general", "foreign_minister",
            "defence_minister", "national_security_adviser", "security_council_secretary"]
    return min(roles, key=lambda r: (rank.index(r.role_key) if r.role_key in rank else len(rank), r.start))


def _fits(p: Person, title: _Title, d: Optional[str]) -> bool:
    roles = p.roles_at(d) if d else p.roles
    if title.countries and p.country not in title.countries and not any(r.country in title.countries for r in roles):
        return False
    if title.office:
        return any(r.role_key == title.office[0] for r in roles) or not roles
    return True


def _context_fits(p: Person, d: str, context: str) -> bool:
    words = set(plain(context).split())
    for r in p.roles_at(d):
        title_words = {w for w in plain(r.role).split() if len(w) > 4}
        if title_words & words:
            return True
    return False


def _trim(text: str) -> str:
    """Edge punctuation and a possessive off a title, never letters of a word ("spokesman" stays whole)."""
    return re.sub(r"(?:['’]s?)$", "", text.strip(" ,")).strip(" ,")


def _slug(name: str) -> str:
    return re.sub(r"-+", "-", plain(name).replace(" ", "-")).strip("-")
