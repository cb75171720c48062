"""Names, spellings and synonyms the matcher treats as the same or related.

Three tables, each reviewed by hand:
- SPELLINGS: surface variants folded to one canonical word in questions and
  claims alike (a different spelling is the same word).
- PHRASES: multi-word names folded to one token before splitting into words.
- RELATED: groups of words a question may use for the same idea; a question
  word also finds claims that use another member, at a lower weight.
They describe the language of the topic, not any particular question.
"""

from __future__ import annotations

import re

# Case-sensitive, before lower-casing: "US" is the country, "us" is a pronoun.
CASED = [
    (re.compile(r"\bU\.S\.A?\.?(?=\W|$)|\bUSA?\b"), " usa "),
    (re.compile(r"\bU\.K\.?(?=\W|$)|\bUK\b"), " britain "),
    (re.compile(r"\bEU\b"), " europe "),
    (re.compile(r"\bICC\b"), " internationalcriminalcourt "),
    (re.compile(r"\bAI\b"), " artificialintelligence "),
    (re.compile(r"\bCIA\b"), " cia "),
]

PHRASES: dict[str, str] = {
    # Names of people, places, bodies and events, and the descriptions people use
    # for them, are in the entities file (`entities.py` folds them); these are
    # the other multi-word ways of saying one thing.
    "artificial intelligence": "artificialintelligence",
    "hour and a half": "90 minute",
    "an hour and a half": "90 minute",
    "one and a half hours": "90 minute",
    "ninety minutes": "90 minute",
    # An action in other words: keeping the peace is what peacekeepers do.
    "keep the peace": "peacekeeping",
    "keeping the peace": "peacekeeping",
    "keep peace": "peacekeeping",
    "police the ceasefire": "peacekeeping",
    "enforce the ceasefire": "peacekeeping",
    "guarantee the ceasefire": "peacekeeping",
    "boots on the ground": "troops",
    "on the ground": "deployed",
    "coming back": "getting back",
    "come back": "getting back",
    "win back": "getting back",
    "take back": "getting back",
    "came up": "discussed",
    "come up": "discussed",
    "brought up": "discussed",
    "bring up": "discussed",
    "talk about": "discussed",
    "talked about": "discussed",
    "checked with": "consulted",
    "check with": "consulted",
    "cleared it with": "consulted",
    "asked the allies": "consulted allies",
    "give up": "concession",
    "giving up": "concession",
    "gave up": "concession",
    "hand over": "concession",
    "at the table": "involved negotiations",
    "seat at the table": "involved negotiations",
    # Hedges say how sure the asker is, not what they ask.
    "roughly speaking": "",
    "generally speaking": "",
    "broadly speaking": "",
    "strictly speaking": "",
    # Being on a team or a body.
    "sits on": "member of",
    "sit on": "member of",
    "sitting on": "member of",
    "serves on": "member of",
    "serve on": "member of",
    "serving on": "member of",
    # Idioms for insisting and for setting out a position.
    "holding out for": "insisting on",
    "hold out for": "insist on",
    "holds out for": "insists on",
    "held out for": "insisted on",
    "laid out": "set out",
    "lay out": "set out",
    "lays out": "set out",
    "spelled out": "set out",
    "spelt out": "set out",
    # Ruled out, in other words: a thing taken off the table is not being offered.
    "off the table": "ruled out",
    "left out": "excluded",
    "leaving out": "excluded",
    "shut out": "excluded",
    "cut out": "excluded",
    "kept out": "excluded",
    "phone call": "call",
    "phoned": "call",
    "rang": "call",
    "gross domestic product": "gdp",
    "prisoner swap": "prisoner exchange",
    "pull-out": "withdrawal",
    "pullout": "withdrawal",
    # Offices with a holder on each side: the country word in the question picks one.
    "defence secretary": "defensesecretary",
    "defense secretary": "defensesecretary",
    "secretary of defence": "defensesecretary",
    "secretary of defense": "defensesecretary",
    "defence minister": "defensesecretary",
    "defense minister": "defensesecretary",
    "defence chief": "defensesecretary",
    "defense chief": "defensesecretary",
    # In these articles "the two leaders" are always Trump and Putin.
    "two leaders": "trump putin",
    "both leaders": "trump putin",
    "two presidents": "trump putin",
    "both presidents": "trump putin",
    "two of them": "trump putin",
    "two men": "trump putin",
    "both men": "trump putin",
}

SPELLINGS: dict[str, str] = {
    # Counts as digits, however written: "the 4 negotiators" are the four.
    **{w: str(n) for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)},
    # people (the rest of their spellings are in the entities file)
    "radoslaw": "radosław",
    "noel": "noël",
    # British / American spellings
    "defence": "defense",
    "favour": "favor",
    "favourable": "favorable",
    "emphasised": "emphasized",
    "emphasising": "emphasizing",
    "signalled": "signaled",
    "signalling": "signaling",
    "manoeuvring": "maneuvering",
    "criticised": "criticized",
    "characterised": "characterized",
    "characterisation": "characterization",
    "publicised": "publicized",
    "legitimising": "legitimizing",
    "scepticism": "skepticism",
    "sceptical": "skeptical",
    "centre": "center",
    "programme": "program",
    # "talk" the verb is speaking; "talks" the noun are negotiations. Both stem
    # to "talk", so the verb is spelled as the verb it means.
    "talk": "speak",
    "talked": "spoke",
    "talking": "speaking",
    "chinese": "china",
}

# One-way relations: a country's question also finds the body that speaks for it
# ("what did Russia say of the call" → the Kremlin's readout); but a question
# about the Kremlin is not widened to every claim that names Russia.
SPEAKS_FOR: dict[str, tuple[str, ...]] = {
    "russia": ("kremlin", "moscow", "peskov"),
    "ukraine": ("kyiv", "zelenskyy"),
}

RELATED: list[tuple[str, ...]] = [
    ("negotiation", "negotiate", "negotiating", "talks", "discussions", "dialogue", "diplomacy", "peace process"),
    (
        "troops",
        "soldiers",
        "forces",
        "boots",
        "deploy",
        "deployment",
        "deployed",
        "peacekeepers",
        "peacekeeping",
        "peacekeeper",
        "personnel",
        "station",
    ),
    ("meet", "meeting", "summit", "visit", "face-to-face", "host", "hold", "come", "travel", "trip", "sit"),
    ("call", "phone", "conversation", "spoke", "speak", "conversations"),
    ("long", "length", "duration", "lasted", "minute", "hour", "lengthy"),
    ("team", "delegation", "negotiators", "envoy", "officials", "lead"),
    ("ceasefire", "truce", "armistice"),
    ("aid", "assistance", "funding", "money", "cash", "funds", "package", "billion", "support"),
    ("territory", "land", "borders", "territories", "regions", "crimea"),
    ("swap", "exchange", "trade", "trading", "swapped", "swapping"),
    ("prisoner", "detainee", "custody", "detention", "released", "freed", "free", "release", "hostage", "teacher"),
    ("internationalcriminalcourt", "court", "warrant", "tribunal"),
    ("guarantees", "assurances", "protection", "guarantee"),
    ("response", "reaction", "react", "respond", "responded", "reply", "reacted"),
    ("kremlin", "moscow", "peskov"),
    ("hegseth", "pentagon"),
    # Two groups, not one: Healey is not related to Hegseth, only to the office.
    ("defense", "military", "army", "armed"),
    ("appeal", "appealed", "appealing", "plead", "beg", "implore", "entreat"),
    ("send", "provide", "allocate", "supply", "donate", "deliver", "sending", "providing"),
    ("defensesecretary", "hegseth"),
    ("defensesecretary", "healey"),
    ("secretary", "defensesecretary"),
    ("munich", "munichconference"),
    ("start", "begin", "begins", "open", "opens", "scheduled", "held", "kick", "take place"),
    (
        "promise",
        "promised",
        "pledge",
        "pledged",
        "commitment",
        "commit",
        "committed",
        "vow",
        "vowed",
        "affirmed",
        "announced",
        "offer",
        "offered",
    ),
    ("involved", "involvement", "role", "part", "participate", "included", "include"),
    ("kyiv", "zelenskyy"),
    ("topics", "subjects", "issues", "agenda", "discussed", "covered", "range"),
    ("article5", "mutual", "protect"),
    ("spend", "spending", "budget", "gdp", "percent", "investment"),
    ("percent", "percentage", "share", "proportion"),
    ("join", "joining", "membership", "member", "accession", "admit"),
    ("war", "conflict", "fighting", "invasion", "aggression"),
    ("end", "stop", "halt", "conclude", "resolve", "resolution", "ending"),
    ("peace", "settlement", "deal", "agreement", "accord"),
    ("surrender", "capitulation", "appeasement", "concession", "concessions", "soft", "lenient", "caving"),
    ("abandon", "desert", "leave", "abandoned"),
    ("critics", "criticism", "criticized", "skepticism", "skeptical", "critical", "criticize"),
    ("risk", "risks", "backfire", "counterproductive", "danger", "dangerous", "fail", "harm", "downside"),
    ("invitation", "invite", "invited", "invitations"),
    ("unrealistic", "illusory", "feasible", "impossible", "realistic"),
    ("europe", "allies", "ally"),
    (
        "statement",
        "news",
        "declaration",
        "readout",
        "account",
        "write",
        "wrote",
        "written",
        "post",
        "posted",
        "announce",
        "announced",
        "truthsocial",
        "describe",
        "described",
        "version",
    ),
    ("want", "wants", "demand", "demands", "insist", "seek", "urge", "goal", "aim"),
    ("embolden", "encourage", "escalate", "prolong"),
    ("appoint", "appointed", "chose", "named", "picked"),
    ("nato", "alliance"),
    ("optimism", "optimistic", "hope", "hopeful"),
]
