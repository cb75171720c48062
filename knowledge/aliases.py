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
    "united states": "usa",
    "united kingdom": "britain",
    "great britain": "britain",
    "white house": "whitehouse",
    "truth social": "truthsocial",
    "artificial intelligence": "artificialintelligence",
    "international criminal court": "internationalcriminalcourt",
    "war crimes court": "internationalcriminalcourt",
    "saudi arabia": "saudiarabia",
    "middle east": "middleeast",
    "article 5": "article5",
    "article five": "article5",
    "mutual defence clause": "article5",
    "mutual defense clause": "article5",
    "collective defence": "article5",
    "collective defense": "article5",
    "munich security conference": "munichconference",
    "munich conference": "munichconference",
    "security conference": "munichconference",
    "european union": "europe",
    "european commission": "europeancommission",
    "von der leyen": "vonderleyen",
    "hour and a half": "90 minute",
    "an hour and a half": "90 minute",
    "one and a half hours": "90 minute",
    "ninety minutes": "90 minute",
    "gross domestic product": "gdp",
    "prisoner swap": "prisoner exchange",
    "ramstein-format": "ramstein",
    "north atlantic treaty organization": "nato",
    # In these articles "the two leaders" are always Trump and Putin.
    "two leaders": "trump putin",
    "both leaders": "trump putin",
    "two presidents": "trump putin",
    "both presidents": "trump putin",
}

SPELLINGS: dict[str, str] = {
    # people
    "zelensky": "zelenskyy",
    "zelenskiy": "zelenskyy",
    "zelenskyi": "zelenskyy",
    "zelenskii": "zelenskyy",
    "zelenskyy's": "zelenskyy",
    "zelensky's": "zelenskyy",
    "putin's": "putin",
    "trump's": "trump",
    "hegseth's": "hegseth",
    "radoslaw": "radosław",
    "braze": "braže",
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
    "kiev": "kyiv",
    # countries and their adjectives
    "america": "usa",
    "american": "usa",
    "americans": "usa",
    "washington": "usa",
    "russian": "russia",
    "russians": "russia",
    "ukrainian": "ukraine",
    "ukrainians": "ukraine",
    "european": "europe",
    "europeans": "europe",
    "british": "britain",
    "uk": "britain",
    "england": "britain",
    "french": "france",
    "german": "germany",
    "germans": "germany",
    "spanish": "spain",
    "polish": "poland",
    "latvian": "latvia",
    "chinese": "china",
    "soviet": "soviet",
    "saudi": "saudiarabia",
}

RELATED: list[tuple[str, ...]] = [
    ("negotiation", "negotiate", "negotiating", "talks", "discussions", "dialogue", "diplomacy", "peace process"),
    ("troops", "soldiers", "forces", "military", "boots", "deploy", "deployment", "peacekeepers", "peacekeeping"),
    ("meet", "meeting", "summit", "visit", "face-to-face", "host"),
    ("call", "phone", "conversation", "spoke", "speak", "talked", "conversations"),
    ("long", "length", "duration", "lasted", "minute", "hour", "lengthy"),
    ("team", "delegation", "negotiators", "envoy", "officials", "lead"),
    ("ceasefire", "truce", "armistice"),
    ("aid", "assistance", "funding", "money", "package", "billion", "support"),
    ("territory", "land", "borders", "territories", "regions", "crimea"),
    ("swap", "exchange", "trade", "trading", "swapped", "swapping"),
    ("prisoner", "detainee", "custody", "detention", "released", "freed", "release", "hostage", "teacher"),
    ("internationalcriminalcourt", "court", "warrant", "tribunal"),
    ("guarantees", "assurances", "protection", "guarantee"),
    ("response", "reaction", "react", "respond", "responded", "reply", "reacted"),
    ("kremlin", "moscow", "peskov"),
    ("hegseth", "pentagon"),
    ("topics", "subjects", "issues", "agenda", "discussed", "covered", "range"),
    ("article5", "mutual", "protect"),
    ("spend", "spending", "budget", "gdp", "percent", "investment"),
    ("percent", "percentage", "share", "proportion"),
    ("join", "joining", "membership", "member", "accession", "admit"),
    ("war", "conflict", "fighting", "invasion", "aggression"),
    ("end", "stop", "halt", "conclude", "resolve", "resolution", "ending"),
    ("peace", "settlement", "deal", "agreement", "accord"),
    ("surrender", "capitulation", "appeasement", "concession", "concessions"),
    ("abandon", "desert", "leave", "abandoned"),
    ("critics", "criticism", "criticized", "skepticism", "risk", "risks", "backfire", "counterproductive"),
    ("invitation", "invite", "invited", "invitations"),
    ("unrealistic", "illusory", "feasible", "impossible", "realistic"),
    ("europe", "allies", "ally"),
    ("statement", "declaration", "readout", "account", "write", "wrote", "written", "post", "posted", "announce",
     "announced", "truthsocial"),
    ("embolden", "encourage", "escalate", "prolong"),
    ("appoint", "appointed", "chose", "named", "picked"),
    ("nato", "alliance"),
    ("optimism", "optimistic", "hope", "hopeful"),
]
