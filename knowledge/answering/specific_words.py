"""Words that name someone or somewhere even when typed in lower case. Pure.

An unknown capitalised word weighs like a name against answering, but chat is
typed in lower case: "what did the italian foreign minister say" must not be
answered with the French one's words. Countries, their adjectives, capitals and
offices are names whoever types them; when the articles never use one, the
question is about something they do not report.
"""

from __future__ import annotations

from knowledge.answering.text import stem

COUNTRY_WORDS = """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bangladesh belarus belgium bolivia
    bosnia brazil bulgaria cambodia canada chile china colombia croatia cuba cyprus czechia czech denmark egypt
    estonia ethiopia finland georgia greece hungary iceland india indonesia iran iraq ireland israel italy japan
    jordan kazakhstan kenya korea kosovo kuwait lebanon libya lithuania luxembourg malaysia mexico moldova
    mongolia montenegro morocco netherlands holland nigeria norway pakistan palestine peru philippines portugal
    qatar romania serbia singapore slovakia slovenia somalia sudan sweden switzerland syria taiwan thailand
    tunisia turkey turkiye emirates uae venezuela vietnam yemen zimbabwe
"""
_PEOPLES = """
    africa asia afghan albanian argentinian armenian australian austrian belarusian belgian brazilian bulgarian canadian
    chilean croatian cuban danish dutch egyptian estonian finnish georgian greek hungarian indian indonesian
    iranian iraqi irish israeli italian japanese korean lithuanian mexican moldovan norwegian pakistani
    palestinian portuguese romanian serbian slovak swedish swiss syrian taiwanese thai turkish venezuelan
    vietnamese african asian
"""
CITY_WORDS = """
    beijing tokyo delhi ottawa canberra rome madrid lisbon athens vienna budapest warsaw prague stockholm oslo
    helsinki copenhagen amsterdam dublin ankara istanbul tehran baghdad jerusalem cairo minsk tbilisi vilnius
    riga tallinn bucharest sofia belgrade london paris berlin geneva istanbul doha riyadh
"""
_OTHER = """
    chancellor premier pope king queen prince princess emperor monarch sultan ayatollah mayor governor senator
    senate congressman congresswoman parliament bundestag duma knesset prime
    xi jinping modi erdogan erdoğan macron scholz merz starmer sunak johnson meloni orban orbán netanyahu
    lukashenko lavrov shoigu medvedev kishida ishiba trudeau carney albanese lula milei sheinbaum obama clinton
    harris pence blinken austin sullivan stoltenberg guterres kallas costa michel borrell tusk duda nawrocki
    stubb frederiksen sanchez sánchez rutte kuleba sybiha yermak umerov zaluzhny syrskyi navalny prigozhin
    kadyrov khamenei pezeshkian raisi kim mbs bin salman
"""
# Offices: a question that names one asks about its holder, so an answer must
# name the same office ("the Polish president" is not Poland's foreign minister).
OFFICES = frozenset(
    stem(w) for w in "president minister chancellor ambassador spokesman spokesperson premier king".split()
)
SPECIFIC = frozenset(stem(w) for w in (COUNTRY_WORDS + _PEOPLES + CITY_WORDS + _OTHER).split())


def is_specific(word: str) -> bool:
    """True when `word` names a country, people, capital or office."""
    return word in SPECIFIC or stem(word) in SPECIFIC
