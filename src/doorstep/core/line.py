"""Our line, enforced by construction: Doorstep records needs and the help given, and
nothing else. Free-form structures are gone (contact check-lists and welfare-round
questions come from templates supervisors manage, casework.questions); the text of a new
question is screened here, in Chinese, Uyghur and English, against the categories
Doorstep never records. A match refuses the question with `line_message`, which says
why. The lists are deliberately broad: a supervisor whose honest question about a need
is refused rewords it ("heating" is a need; "who prays" is not).

Screening normalises first: case, zero-width characters, and spaces and punctuation
inside Chinese and Uyghur words ("礼 拜", "礼-拜"), so the obvious evasions do not pass.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Category -> (label, English patterns as regular expressions on word starts,
# Chinese substrings, Uyghur (Arabic script) substrings).
CATEGORIES: dict[str, tuple] = {
    "religion": (
        gettext_lazy("religion or religious practice"),
        [
            r"religio",
            r"pray",
            r"worship",
            r"mosque",
            r"church",
            r"temple",
            r"head ?scarf",
            r"hijab",
            r"veil",
            r"burqa",
            r"niqab",
            r"beard",
            r"fasting",
            r"ramadan",
            r"quran",
            r"koran",
            r"imam",
            r"namaz",
            r"salah?\b",
            r"pilgrim",
            r"hajj",
            r"faith",
            r"believer",
        ],
        [
            "宗教",
            "信教",
            "信仰",
            "礼拜",
            "祈祷",
            "祷告",
            "清真寺",
            "教堂",
            "寺庙",
            "头巾",
            "面纱",
            "蒙面",
            "罩袍",
            "胡须",
            "胡子",
            "斋月",
            "封斋",
            "把斋",
            "古兰经",
            "伊玛目",
            "阿訇",
            "念经",
            "朝觐",
            "经文",
        ],
        [
            "دىنىي",
            "دىنغا",
            "ناماز",
            "مەسچىت",
            "مەچىت",
            "ياغلىق",
            "چۈمبەل",
            "ھىجاب",
            "ساقال",
            "روزا",
            "قۇرئان",
            "ئىمام",
            "ئىبادەت",
            "دۇئا",
            "ئېتىقاد",
        ],
    ),
    "ethnicity": (
        gettext_lazy("ethnicity (as a risk or otherwise)"),
        [r"ethnic", r"\brace\b", r"uy?gh?ur", r"uighur", r"kazakh", r"\bhui\b", r"minorit"],
        ["民族", "维吾尔", "维族", "哈萨克", "回族", "少数民族", "族别"],
        ["مىللەت", "مىللىي", "ئۇيغۇر", "قازاق", "خۇيزۇ"],
    ),
    "politics": (
        gettext_lazy("political views"),
        [r"politic", r"party member", r"communis", r"loyal", r"ideolog", r"opinion of the"],
        ["政治", "政见", "思想", "党员", "立场", "忠诚", "爱国"],
        ["سىياسى", "سىياسەت", "پارتىيە", "ئىدىيە", "سادىق"],
    ),
    "extremism": (
        gettext_lazy("“extremism”"),
        [r"extremis", r"radical", r"terroris", r"separatis", r"jihad", r"stability risk"],
        [
            "极端主义",
            "极端思想",
            "极端分子",
            "宗教极端",
            "去极端",
            "暴恐",
            "恐怖分子",
            "恐怖主义",
            "分裂",
            "圣战",
            "三股势力",
            "维稳",
            "稳定风险",
        ],
        ["ئەسەبىي", "ئاشقۇن", "تېرور", "بۆلگۈنچى", "رادىكال", "جىھاد"],
    ),
    "watchlist": (
        gettext_lazy("watch-lists or reporting on people"),
        [
            r"watch ?-?list",
            r"black ?-?list",
            r"suspicio",
            r"suspect",
            r"surveil",
            r"informant",
            r"inform on",
            r"report (him|her|them|to the police)",
        ],
        [
            "重点人员",
            "重点人口",
            "关注人员",
            "黑名单",
            "可疑",
            "监控",
            "监视",
            "布控",
            "线人",
            "举报",
        ],
        ["قاراتىزىملىك", "گۇمانلىق", "نازارەت", "پايلاقچى"],
    ),
    "security": (
        gettext_lazy("security, police or detention"),
        [
            r"(?<!social )(?<!food )(?<!job )(?<!income )securit",
            r"police",
            r"detain",
            r"detention",
            r"re-?education",
            r"\bcamps?\b",
            r"passport",
            r"abroad",
            r"foreign contact",
        ],
        [
            "公安",
            "派出所",
            "警察",
            "国家安全",
            "安全部门",
            "拘留",
            "教培",
            "教育转化",
            "护照",
            "出国",
            "境外",
            "海外",
        ],
        ["ساقچى", "جامائەتخەۋپسىزلىك", "دۆلەتبىخەتەرلىك", "چەتئەل", "پاسپورت", "لاگېر"],
    ),
}

_EN = {
    key: re.compile("|".join(rf"\b(?:{p})" for p in patterns), re.IGNORECASE)
    for key, (_label, patterns, _zh, _ug) in CATEGORIES.items()
}
# Inside CJK and Arabic-script text, spaces and punctuation are dropped before matching.
_JOINERS = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\-_.·・,，、。:：;；!！?？'\"“”‘’()（）]+")


def _folded(text: str) -> str:
    return _JOINERS.sub("", unicodedata.normalize("NFKC", text))


def screen(text: str) -> str | None:
    """The key of the first category `text` touches, or None."""
    plain = unicodedata.normalize("NFKC", text or "")
    folded = _folded(plain)
    for key, (_label, _patterns, zh_words, ug_words) in CATEGORIES.items():
        if _EN[key].search(plain):
            return key
        if any(word in folded for word in zh_words) or any(word in folded for word in ug_words):
            return key
    return None


def line_message(category: str) -> str:
    """Why a question is refused: the line, named, and what to ask instead."""
    return _(
        "Doorstep records needs and the help given, and nothing else. This question "
        "touches %(category)s, which Doorstep never records (nor religion or religious "
        "practice, ethnicity as a risk, political views, “extremism”, watch-lists or "
        "security). Ask about a need instead: food, health, housing, income, care."
    ) % {"category": CATEGORIES[category][0]}
