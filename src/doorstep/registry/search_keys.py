"""Search keys for residents' names: how people type a name they half remember.

A resident's `name_search` column holds, separated by single spaces:
- the name itself, compacted (case-folded, no spaces, no separators such as "·");
- for a Han name, its pinyin without tones ("wangxiaoxing") and its initials ("wxx"),
  once more with the family-name reading of a character whose everyday reading
  differs (曾: ceng and zeng; 单: dan and shan; SURNAME_READINGS), and once more with "u" for "v" (吕: lv and lu) because
  phones type "ü" either way;
- for a Uyghur name in Arabic script, its Uyghur Latin (ULY) spelling folded to plain
  letters ("ئابدۇرېھىم" -> "abdurehim": ë, ö, ü typed as e, o, u);
- for a name written in Latin letters, the same folding.

A query is compacted the same way and matched anywhere inside one key (keys never
contain spaces, so a match never runs across two of them). Han characters in a query
are matched as characters *and* through their pinyin: "晓兴" is searched as
`LIKE '%xiaoxing%' AND LIKE '%晓兴%'`, so that PostgreSQL's trigram index is driven by
the Latin pattern (two Han characters make no trigram) and the characters keep the
answer exact. Every character's pinyin is its own default reading, read one character
at a time, so a query and a stored name always spell a character alike.

Pure functions, no database: used by Resident.save(), registry.services, the importer,
`manage.py synth`, the backfill migration (registry 0009) and registry.selectors.
Changing what a key holds means a new backfill migration.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, pinyin

# Han ideographs: CJK Unified Ideographs, Extension A and the compatibility block.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Arabic script (Uyghur): after NFKC the presentation forms are folded onto this block.
_ARABIC = re.compile(r"[\u0600-\u06ff]")

# Uyghur Arabic script -> Uyghur Latin (ULY, Uyghur Latin Yéziqi, 2001). The hamza
# carrier ئ starts every word-initial vowel and separates two vowels; ULY writes it
# as an apostrophe or not at all, and search drops it. Letters that some keyboards
# substitute (Arabic heh, yeh, keheh) map as the Uyghur letter they stand for.
ULY: dict[str, str] = {
    "ا": "a",
    "ە": "e",
    "ه": "e",  # Arabic heh, typed for ە by some keyboards
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ج": "j",
    "چ": "ch",
    "خ": "x",
    "د": "d",
    "ر": "r",
    "ز": "z",
    "ژ": "zh",
    "س": "s",
    "ش": "sh",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ک": "k",  # keheh
    "گ": "g",
    "ڭ": "ng",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ھ": "h",
    "و": "o",
    "ۇ": "u",
    "ۆ": "ö",
    "ۈ": "ü",
    "ۋ": "w",
    "ې": "ë",
    "ى": "i",
    "ي": "y",
    "ئ": "",
    "ء": "",
    "ـ": "",  # tatweel, a stretching stroke
}

# Spaces and the separators people put inside names (the middle dot of transliterated
# names, apostrophes, hyphens): a query "wang jianguo" is "wangjianguo".
SEPARATORS = re.compile(r"[\s\u00b7\u2027\u30fb\u2022'\u2019`\-_.,/·]+")


def compact(text: str) -> str:
    """NFKC, case-folded, with spaces, punctuation and separators removed."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(
        ch for ch in SEPARATORS.sub("", text) if unicodedata.category(ch)[0] not in "PZC"
    )


def fold_latin(text: str) -> str:
    """Latin letters without their accents ("abdurëhim" -> "abdurehim"). Only for
    Latin text: decomposing Arabic script would split ئ into ي and a hamza."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def uyghur_to_latin(text: str) -> str:
    """Uyghur Arabic script to ULY, with ULY's own letters (ë, ö, ü); other characters
    (Arabic harakat aside, which are dropped) pass through unchanged."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch in ULY:
            out.append(ULY[ch])
        elif "\u064b" <= ch <= "\u065f" or ch == "\u0670":
            continue  # harakat: vowel marks Uyghur spelling does not use
        else:
            out.append(ch.casefold())
    return "".join(out)


# Family names read otherwise than the character's everyday (pypinyin default)
# reading. Not every other reading pypinyin knows: 王 has a rare "yu", and adding it
# would make a search for "yu" find every Wang. Extend when a worker reports a miss.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "召": "shao",
    "员": "yun",
    "种": "chong",
    "繁": "po",
    "句": "gou",
    "折": "she",
    "薄": "bo",
    "尉": "yu",
    "万": "mo",
    "柏": "bo",
    "隗": "wei",
    "冼": "xian",
}


@lru_cache(maxsize=65536)
def _reading(ch: str) -> str:
    """The toneless default reading of one Han character, read alone ("v" for "ü")."""
    return pinyin(ch, style=Style.NORMAL, errors="default")[0][0].replace("ü", "v")


def han_syllables(text: str) -> list[str]:
    """One toneless syllable per character of compacted `text` as search reads it
    (other characters as folded Latin): what bench/registry_latency.py types."""
    return [_reading(ch) if _HAN.match(ch) else fold_latin(ch) for ch in text]


def _han_pinyin(text: str, *, surname: bool) -> list[str]:
    """Full pinyin spellings of compacted `text`, then their initials: every character
    read alone in its default reading, and, with `surname`, once more with the first
    character's family-name reading when it has one (曾 is zeng as a name)."""
    syllables = han_syllables(text)
    variants = [syllables]
    if surname and text and text[0] in SURNAME_READINGS:
        variants.append([SURNAME_READINGS[text[0]], *syllables[1:]])
    return ["".join(v) for v in variants] + ["".join(s[:1] for s in v) for v in variants]


@lru_cache(maxsize=65536)
def name_search_key(name: str) -> str:
    """The value of Resident.name_search for `name` ("" for an empty name)."""
    base = compact(name)
    if not base:
        return ""
    keys: dict[str, None] = {base: None}
    if _HAN.search(base):
        for spelling in _han_pinyin(base, surname=True):
            keys.setdefault(spelling, None)
            if "v" in spelling:
                keys.setdefault(spelling.replace("v", "u"), None)
    elif _ARABIC.search(base):
        keys.setdefault(fold_latin(uyghur_to_latin(base)), None)
    else:
        keys.setdefault(fold_latin(base), None)
    return " ".join(k for k in keys if k)


@dataclass(frozen=True)
class NameQuery:
    """What registry.selectors matches against `name_search`.

    `key` anywhere inside a key, or, with `word_start`, at the start of a key only
    (a one- or two-letter Latin query: "wj" for 王建国 but not every name with a "w"
    somewhere, and short patterns make no trigram for the index); `also` (Han
    characters of the query) must appear as well.
    """

    key: str
    word_start: bool = False
    also: str = ""


def name_query(q: str) -> NameQuery | None:
    """How to look for `q` among names, or None when it holds nothing to match."""
    base = compact(q)
    if not base:
        return None
    if _HAN.search(base):
        spelling = _han_pinyin(base, surname=False)[0]
        return NameQuery(key=spelling, also=base)
    key = fold_latin(uyghur_to_latin(base)) if _ARABIC.search(base) else fold_latin(base)
    if not key:
        return None
    return NameQuery(key=key, word_start=len(key) < 3)
