"""Chat register folded to plain English before a question is matched. Pure functions.

People ask in chat the way they type in chat: greetings and filler ("yo", "lol",
"rn"), letter-and-digit shorthand ("u", "r", "b4", "any1"), clipped words
("conf", "govt", "sec"), apostrophes left out ("whats", "wheres") and slips in
short function words ("teh", "waht"). None of that is information about the
talks, but to the matcher an unknown word counts *against* answering. So chat
words are rewritten to the words they stand for (most of them stopwords) or
dropped, and the articles' vocabulary is then matched as usual.

The tables describe how people write in chat, not any particular question.
Only the question side is folded: the claims are written in plain English.
"""

from __future__ import annotations

import re

# Said to be friendly or to fill a pause; they carry nothing to match.
FILLER = frozenset(
    """
    yo hey hiya heya hello hallo howdy sup wassup ok okay okey k kk alright aight so um umm uh uhh er erm hmm
    hmmm lol lmao lmfao rofl haha hahaha hehe omg omfg wtf btw tbh imo imho idk idc ngl fr frfr smh fyi iirc
    afaik ikr jk pls plz plez pleez please thx thanks thank ty tysm cheers bro bruh dude mate guys folks
    yall y'all fam rn atm nah naw nope yeah yea yeh yep yup ya ye like literally basically actually honestly
    seriously anyway anyways quick question q bot wanna gotta kinda sorta lemme gimme dunno tho though
    really srsly legit ofc obv obvs
    """.split()
)

# Shorthand, clipped words and dropped apostrophes → what they stand for.
EXPANSIONS: dict[str, str] = {
    # letter and digit shorthand
    # Kept as words: tense tells "when will …" from "when did …".
    "gonna": "going to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "y": "why",
    "w": "with",
    "w/": "with",
    "wo": "without",
    "w/o": "without",
    "b4": "before",
    "any1": "anyone",
    "some1": "someone",
    "every1": "everyone",
    "no1": "no one",
    "abt": "about",
    "bout": "about",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "bc": "because",
    "b/c": "because",
    "thru": "through",
    "tho": "though",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "wot": "what",
    "da": "the",
    "teh": "the",
    "hte": "the",
    "th": "the",
    "adn": "and",
    "nad": "and",
    "waht": "what",
    "whta": "what",
    "hwat": "what",
    "taht": "that",
    "thta": "that",
    "wiht": "with",
    "whit": "with",
    "hwo": "how",
    "woh": "who",
    "fo": "of",
    "fro": "for",
    "ppl": "people",
    "ppls": "people",
    "smth": "something",
    "sth": "something",
    "sb": "somebody",
    "info": "information",
    "ya'll": "you",
    "im": "i am",
    "ive": "i have",
    # missing apostrophes
    "whats": "what is",
    "wheres": "where is",
    "whens": "when is",
    "whos": "who is",
    "hows": "how is",
    "whys": "why is",
    "thats": "that is",
    "theres": "there is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "wont": "will not",
    "cant": "can not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "hasnt": "has not",
    "havent": "have not",
    "hadnt": "had not",
    "theyre": "they are",
    "youre": "you are",
    "hes": "he is",
    "shes": "she is",
    "whatre": "what are",
    # clipped and chat spellings of the topic's own words
    "conf": "conference",
    "convo": "conversation",
    "convos": "conversations",
    "govt": "government",
    "gov": "government",
    "govts": "governments",
    "admin": "administration",
    "sec": "secretary",
    "secy": "secretary",
    "pres": "president",
    "prez": "president",
    "potus": "president trump",
    "vp": "vice president",
    "veep": "vice president",
    "fm": "foreign minister",
    "fms": "foreign ministers",
    "pm": "prime minister",
    "mins": "minutes",
    "hr": "hour",
    "hrs": "hours",
    "yr": "year",
    "yrs": "years",
    "mil": "military",
    "intl": "international",
    "natl": "national",
    "diff": "different",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2day": "today",
    "2morrow": "tomorrow",
    "msg": "message",
    "pic": "picture",
    "mtg": "meeting",
    "nego": "negotiation",
    "negs": "negotiations",
    "negotiatons": "negotiations",
    "ru": "russia",
    "ua": "ukraine",
    "ukr": "ukraine",
    "rus": "russia",
    "eu": "european union",
    "nato's": "nato",
    "ww2": "wwii",
    "icc": "international criminal court",
    "phonecall": "phone call",
    "phonecalls": "phone calls",
    "peacetalks": "peace talks",
    "peacedeal": "peace deal",
    "ceasfire": "ceasefire",
    "cease-fire": "ceasefire",
}

# Mentions and links pasted from chat (<@U123>, <@&42>, <#C9>, <!here>, @everyone) say
# nothing about the question; their digits must not read as an unknown number.
# A mark never holds "<" (Slack escapes it), so an unclosed one stops at the next "<"
# instead of being retried to the end of the text from every "<@" (quadratic).
CHAT_MARKUP = re.compile(r"<[@#!][^<>]*>|@(?:everyone|here|channel)\b")
# Words only: everything between them ("4.5", "U.S.", "£") is left exactly as typed.
_TOKEN = re.compile(r"(?<![\w.])[\w'’/]+(?![\w]|\.\w)")
# Question and exclamation marks pile up in chat; one is enough.
_PUNCT_RUN = re.compile(r"([?!.])[?!.]+")
# Typed in lower case, "us" after "the" or before a word of government is the
# country, never the pronoun ("talks with the us", "us troops").
_LOWER_US = re.compile(
    r"\b(?:(?<=the )us\b|us(?=[ -](?:team|troops|soldiers|side|officials|delegation|negotiators|president"
    r"|policy|government|administration|envoy|position|stance|aid|forces|military|led|russia)\b))"
)


def fold_chat(text: str) -> str:
    """`text` with chat filler dropped and shorthand spelled out, in place.

    Case is kept on the words left alone, so a capitalised name stays one;
    numbers and abbreviations with dots ("4.5", "U.S.") are left as they are.
    """
    text = _LOWER_US.sub("USA", _PUNCT_RUN.sub(r"\1", text))
    return " ".join(_TOKEN.sub(_fold_word, text).split())


# Written in capitals these are names the text folding reads ("EU Global" is an
# outlet, not "european union Global"); only their lower-case chat form is spelled out.
_KEEP_CAPITALS = frozenset({"EU", "ICC"})


def _fold_word(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in _KEEP_CAPITALS:
        return token
    low = token.lower().replace("’", "'")
    if low in FILLER:
        return ""
    expanded = EXPANSIONS.get(low)
    if expanded is None:
        # A trailing possessive on shorthand ("fm's") keeps the expansion.
        base = low.removesuffix("'s")
        expanded = EXPANSIONS.get(base) if base != low else None
    return token if expanded is None else expanded


def is_only_chatter(text: str) -> bool:
    """True when nothing but greetings, thanks, filler and pings is left."""
    return not any(ch.isalnum() for ch in fold_chat(CHAT_MARKUP.sub(" ", text)))
