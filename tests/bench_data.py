"""Data for `tests/bench.py`: synthetic claim stores and the fixed question mix.

Synthetic claims are recombinations of the real ones, generated from a fixed
seed so every run (and every machine) benchmarks the same store:

- text: a word-level Markov chain (order 1) trained on the real claim texts,
  run to a length drawn from the real claims' lengths, so the vocabulary, the
  word frequencies and the length look like the real thing; every text is distinct;
- names, keywords, topic, speaker, importance and quotes are drawn from the real
  claims (quotes are real spans of the real articles, copied from a real claim).

Generation is sequential from one seed, so the 100x store is a prefix of the
1000x one. Pure: nothing here reads or writes files.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from knowledge.models import Claim

SEED = 20250212
_END = "\x00"


@dataclass
class _Pools:
    chain: dict[str, list[str]]
    starts: list[str]
    entities: list[str]
    keywords: list[str]


def _pools(real: list[Claim]) -> _Pools:
    chain: dict[str, list[str]] = defaultdict(list)
    starts: list[str] = []
    for claim in real:
        tokens = claim.text.split()
        if not tokens:
            continue
        starts.append(tokens[0])
        for a, b in zip(tokens, [*tokens[1:], _END], strict=True):
            chain[a].append(b)
    return _Pools(
        chain=dict(chain),
        starts=starts,
        entities=[e for c in real for e in c.entities],
        keywords=[k for c in real for k in c.keywords],
    )


def _text(rng: random.Random, pools: _Pools, length: int) -> str:
    """About `length` words from the chain; a dead end starts a new sentence."""
    out: list[str] = []
    word = rng.choice(pools.starts)
    while len(out) < length:
        out.append(word)
        nxt = rng.choice(pools.chain.get(word, [_END]))
        if nxt == _END:
            if len(out) >= length * 0.6:
                break
            nxt = rng.choice(pools.starts)
        word = nxt
    return " ".join(out)


def synthetic_claims(real: list[Claim], count: int, seed: int = SEED) -> list[Claim]:
    """`count` new claims (ids `syn-000001`…) recombined from `real`. Deterministic."""
    if count <= 0 or not real:
        return []
    rng = random.Random(seed)
    pools = _pools(real)
    seen = {c.text for c in real}
    out: list[Claim] = []
    while len(out) < count:
        model = rng.choice(real)
        length = max(4, len(model.text.split()) + rng.randint(-3, 3))
        text = _text(rng, pools, length)
        if text in seen:
            continue
        seen.add(text)
        entities = sorted({rng.choice(pools.entities) for _ in model.entities}) if pools.entities else []
        keywords = sorted({rng.choice(pools.keywords) for _ in model.keywords}) if pools.keywords else []
        out.append(
            Claim(
                id=f"syn-{len(out) + 1:06d}",
                text=text,
                topic=rng.choice(real).topic,
                entities=entities,
                said_by=model.said_by,
                importance=rng.choice(real).importance,
                keywords=keywords,
                quotes=list(model.quotes),
            )
        )
    return out


# ---- the question mix ----------------------------------------------------------
# Written for the benchmark from the articles; none is taken from the eval set.

ANSWERABLE = [
    "How long did Trump and Putin talk on the phone?",
    "What did Trump and Putin agree to do about Ukraine?",
    "Who is on Trump's negotiating team for Ukraine?",
    "Where will Trump and Putin meet?",
    "Did Putin invite Trump to Moscow?",
    "What did Hegseth say about Ukraine joining NATO?",
    "Will American troops be sent to Ukraine?",
    "What did Pete Hegseth say about the 2014 borders?",
    "How did the Kremlin describe the phone call?",
    "What did Dmitry Peskov say about swapping territory?",
    "What did Zelenskyy say once his call with Trump was over?",
    "Did Zelensky talk to Trump too?",
    "What did the European joint statement demand?",
    "Which European countries signed the joint statement?",
    "What did Jean-Noel Barrot say about peace?",
    "What did Baerbock tell reporters?",
    "How much military aid did Britain promise Ukraine?",
    "What did John Healey announce?",
    "Who is Marc Fogel?",
    "Was an American teacher released by Russia?",
    "What topics did Trump and Putin discuss besides Ukraine?",
    "Did they talk about artificial intelligence?",
    "What did Trump post on Truth Social about the war?",
    "What is Marco Rubio's role in the talks?",
    "Is the CIA director part of the negotiation team?",
    "What role does Steve Witkoff play?",
    "Who is Michael Waltz?",
    "What did Hegseth say about European troops and Article 5?",
    "How much should NATO allies spend on defense?",
    "What did a European diplomat call the US position?",
    "What did Radoslaw Sikorski argue?",
    "What did Latvia's foreign minister say?",
    "What did the Kremlin's readout of the call focus on?",
    "How did Ukraine respond to the call?",
    "What did Putin say about root causes of the conflict?",
    "Why was Keith Kellogg left out?",
    "Is Putin wanted by the International Criminal Court?",
    "What did critics say about Trump calling Putin a partner?",
    "What happened at the Ramstein meeting?",
    "Why was Hegseth's speech criticised?",
    "When is the Munich Security Conference?",
    "Who will attend the Munich Security Conference for the US?",
    "What does Kyiv demand for any peace process?",
    "What does Moscow insist on?",
    "Could Trump's outreach embolden Russia?",
    "What did Zelenskyy say about security guarantees without America?",
    "What did Zelensky propose about the Kursk region?",
    "How did Russia react to the idea of exchanging territory?",
    "What did Trump say about the road to peace?",
    "Did Trump consult European allies before the call?",
    "What did Ursula von der Leyen and Mark Rutte say?",
    "What did Hegseth say about Ukraine regaining lost territory?",
    "When did the call between Trump and Putin happen?",
    "What did Spain's foreign minister say about Ukraine?",
    "How did Poland react to the talks?",
    "Will US troops take part in peacekeeping?",
    "What did Trump recall about the Second World War?",
    "What did Hegseth say NATO should become?",
    "Did they discuss the Middle East?",
    "Did Trump and Putin talk about energy?",
    "What will Europe do about its own defence industry?",
    "What did Trump say about death and destruction in the war?",
    "What was said about the dollar?",
    "Who leads Trump's negotiation team?",
    "What did Zelenskyy say nobody wants more than Ukraine?",
    "Did Putin support Trump's proposal for peace efforts?",
    "Did Biden's administration consult Ukraine more?",
    "What did one diplomat warn about early concessions?",
    "What are European allies worried about?",
    "Who are the negotiators for the United States?",
]

TYPOED = [
    "How long was the phone cal betwen Trump and Putin?",
    "What did Hegseth say abot NATO membrship for Ukriane?",
    "Who is on the negotation team?",
    "Did Zelenksy speak with Trump?",
    "What did the Kremin say about the call?",
    "How much miltary aid did the UK pledge?",
    "Where wil Trump and Putin meeet?",
    "What did Peskov say about swaping teritory?",
    "Who is Marc Fogle?",
    "What did Anallena Baerbock say about peace?",
    "Did Putin invte Trump to Moscwo?",
    "What did Pete Hegset say about the borders?",
    "Will US troups go to Ukraine?",
    "What did Zelenskyy say about securty guarantes?",
    "What did the joint statment say?",
    "What did the Europan diplomats fear?",
    "Did they discus artifical intelligence?",
    "What did Trump post on Truht Social?",
    "Is Marco Rubbio on the team?",
    "What does Steve Witkof do?",
    "What did Jean-Noel Barot say?",
    "How much shuold NATO allies spend on defence?",
    "What is the Internatonal Criminal Court warant about?",
    "What did Radoslaw Sikorsky say?",
    "Why was Keith Kelogg excluded?",
    "What hapened at the Ramstien meeting?",
    "What did Zelensky say about the Kursk regoin?",
    "When is the Munich Securty Conference?",
    "What did the Kremlins readout focus on?",
    "What did critcs say about legitimising Putin?",
    "Did Trump consult European alies?",
    "What did Hegseth say about Artcle 5?",
    "Who is Michael Walz?",
    "What did Healy announce for Ukraine?",
    "What did Trump say about the Secnd World War?",
    "Did they tallk about the Midle East?",
    "How did Ukriane react to the call?",
    "What does Kyiv demmand in the peace process?",
    "What did Putin say about root cuases?",
    "What did Ursula von der Leyn say?",
    "Is the CIA directer on the team?",
    "What did the diplomat call a prematur surrender?",
    "Could the outreach embolen Russia?",
    "What did Trump say about the raod to peace?",
    "Did Putin suport Trump's proposal?",
    "What will Europ do about its defence industy?",
    "Was an Amercan teacher released?",
    "What did Hegseth say NATO shuold become?",
    "What did Latvias foreign minster say?",
    "When did the call hapen?",
]

ALIASES = [
    "What did the Kremlin spokesman say about a territory swap?",
    "What did the US defense secretary tell the Ramstein meeting?",
    "Who is the special envoy in the talks?",
    "Is the spy chief on the negotiating team?",
    "What did the national security advisor's role involve?",
    "Did the secretary of state join the negotiations?",
    "What did Zelenskiy offer to exchange for Russian-held land?",
    "What did Zelensky's office say about the Kursk region?",
    "How long did the US and Russian presidents speak?",
    "Did the White House check with Kyiv before the phone call?",
    "Will American boots on the ground keep the peace?",
    "What did the German foreign minister say?",
    "What did the French foreign minister say about peace?",
    "What did the British defence secretary announce?",
    "What did the NATO secretary general say?",
    "Did the head of the European Commission react to the talks?",
    "Is the war crimes court's warrant for Putin mentioned?",
    "Did the two presidents talk about AI?",
    "What did Trump write on his social media platform?",
    "Was the mutual defense clause discussed for European troops?",
    "What did the Pentagon chief say Europe must do for its own security?",
    "Who was left out of the negotiating team?",
    "Did they bring up the Middle East on the call?",
    "What did Moscow say about Ukraine getting back its land?",
    "Was a prisoner swap part of the thaw?",
]

KEYWORDS = [
    "Hegseth",
    "NATO membership",
    "negotiation team",
    "Saudi Arabia",
    "Marc Fogel",
    "Peskov",
    "Kursk",
    "Article 5",
    "Truth Social",
    "Munich",
    "Ramstein",
    "Kellogg",
    "Witkoff",
    "Rubio",
    "Ratcliffe",
    "Waltz",
    "Baerbock",
    "Barrot",
    "Healey",
    "Sikorski",
    "Braže",
    "Albares",
    "Rutte",
    "von der Leyen",
    "ICC warrant",
    "prisoner exchange",
    "security guarantees",
    "peacekeeping troops",
    "defense spending GDP",
    "Crimea",
    "2014 borders",
    "joint statement",
    "£4.5 billion",
    "90 minutes",
    "Moscow invitation",
    "root causes",
    "Zelenskyy response",
    "Kremlin readout",
    "premature surrender",
    "artificial intelligence",
    "energy",
    "Middle East",
    "Second World War",
    "territory swap",
    "European allies",
]

OUT_OF_SCOPE = [
    "Which city is the capital of Canada?",
    "Who won the 2022 World Cup?",
    "What did Angela Merkel say about the call?",
    "How do I bake sourdough bread?",
    "What is the weather in Kyiv tomorrow?",
    "Did Xi Jinping comment on the talks?",
    "What is Bitcoin trading at?",
    "When was the Eiffel Tower built?",
    "What did Emmanuel Macron tweet?",
    "How many moons does Jupiter have?",
    "What did the Pope say about Ukraine?",
    "Who is the prime minister of Japan?",
    "What are the rules of cricket?",
    "Did Elon Musk join the negotiations?",
    "What did Narendra Modi say about the war?",
    "How tall is Mount Everest?",
    "What happened in the 2020 election?",
    "What did Boris Johnson say in Kyiv?",
    "How much does a Tesla cost?",
    "Tell me a joke",
    "What is the population of Brazil?",
    "Did Kamala Harris comment on the call?",
    "Who is the president of Argentina?",
    "What is the recipe for borscht?",
    "What did Erdogan offer to host?",
    "Will there be snow in Brussels?",
    "Who painted the Mona Lisa?",
    "What is the GDP of India?",
    "What did Olaf Scholz say on television?",
    "How do vaccines work?",
    "What did Netanyahu say about Gaza?",
    "Is the stock market up today?",
    "What is quantum computing?",
    "Who wrote War and Peace?",
    "What did Viktor Orban say about sanctions?",
    "When is the next Olympics?",
    "What is the best programming language?",
    "What did Kim Jong Un say about Russia?",
    "How far is the Moon?",
    "What did Justin Trudeau say about tariffs?",
    "Did Taylor Swift play in Warsaw?",
    "What is the speed of light?",
    "Who owns Twitter?",
    "What did Giorgia Meloni say about migration?",
    "How do I reset my password?",
]


def question_mix() -> list[tuple[str, str]]:
    """(kind, question) pairs: answerable, typo'd, said with aliases, keyword-only and out-of-scope."""
    kinds = [
        ("answerable", ANSWERABLE),
        ("typo", TYPOED),
        ("alias", ALIASES),
        ("keyword", KEYWORDS),
        ("out-of-scope", OUT_OF_SCOPE),
    ]
    return [(kind, q) for kind, qs in kinds for q in qs]
