"""registry.search_keys: the keys stored for a name and how a query is read (no database)."""

from __future__ import annotations

import pytest

from doorstep.registry.search_keys import (
    ULY,
    NameQuery,
    compact,
    name_query,
    name_search_key,
    uyghur_to_latin,
)


def keys(name: str) -> list[str]:
    return name_search_key(name).split(" ")


def test_a_han_name_is_kept_with_its_toneless_pinyin_and_initials():
    assert keys("王建国") == ["王建国", "wangjianguo", "wjg"]


def test_a_family_name_read_otherwise_gets_its_family_name_reading_too():
    assert keys("曾建国") == ["曾建国", "cengjianguo", "zengjianguo", "cjg", "zjg"]
    assert "shantianfang" in keys("单田芳")


def test_a_rare_reading_of_a_common_family_name_is_not_a_key():
    # pypinyin knows a rare "yu" for 王: as a key it would make "yu" find every Wang.
    assert not any(k.startswith("yu") for k in keys("王晓兴"))


def test_u_umlaut_is_stored_as_v_and_as_u():
    assert {"lvli", "luli"} <= set(keys("吕丽"))


def test_separators_inside_a_name_are_dropped():
    assert keys("买买提·艾力")[:2] == ["买买提艾力", "maimaitiaili"]
    assert compact(" Wang  Jian-guo ") == "wangjianguo"


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("ئابدۇرېھىم", "abdurëhim"),
        ("تۇرسۇن", "tursun"),
        ("مۇھەممەت", "muhemmet"),
        ("گۈلنار", "gülnar"),
        ("ئايگۈل", "aygül"),
        ("شۆھرەت", "shöhret"),
        ("غوجا", "ghoja"),
        ("چولپان", "cholpan"),
        ("ژىرغا", "zhirgha"),
        ("ڭ", "ng"),
        ("قاسىم", "qasim"),
        ("خەدىچە", "xediche"),
        ("ۋاپا", "wapa"),
        ("پەرىدە", "peride"),
        ("يۈسۈپ", "yüsüp"),
        ("فاتىمە", "fatime"),
        ("زۇلپىيە", "zulpiye"),
        ("كېرىم", "kërim"),
    ],
)
def test_uyghur_arabic_script_is_spelt_in_uyghur_latin(arabic, latin):
    assert uyghur_to_latin(arabic) == latin


def test_every_letter_of_the_uyghur_alphabet_has_a_latin_spelling():
    alphabet = "ابپتجچخدرزژسشغفقكگڭلمنھوۇۆۈۋېىيەئ"
    assert set(alphabet) <= set(ULY)
    # Every Latin letter ULY uses is reached from some Arabic letter.
    spelt = "".join(ULY[ch] for ch in alphabet)
    assert set("abcdefghijklmnopqrstuwxyzëöü") <= set(spelt)


def test_presentation_forms_are_read_as_the_letters_they_draw():
    # ﺋﺎ (isolated alef with hamza carrier forms) as some old fonts store text.
    assert uyghur_to_latin("\ufe8b\ufe8e\ufef3") == "ay"


def test_a_uyghur_name_is_stored_in_plain_latin_letters():
    assert keys("ئابدۇرېھىم تۇرسۇن") == ["ئابدۇرېھىمتۇرسۇن", "abdurehimtursun"]
    assert keys("Abdurëhim Tursun") == ["abdurëhimtursun", "abdurehimtursun"]


def test_an_empty_name_has_no_key():
    assert name_search_key("") == "" and name_search_key(" · ") == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("晓兴", NameQuery(key="xiaoxing", also="晓兴")),
        ("wang jianguo", NameQuery(key="wangjianguo")),
        ("WJG", NameQuery(key="wjg")),
        ("wj", NameQuery(key="wj", word_start=True)),
        ("Abdurëhim", NameQuery(key="abdurehim")),
        ("ئابدۇ", NameQuery(key="abdu")),
        ("lü li", NameQuery(key="luli")),
    ],
)
def test_a_query_is_read_as_people_type_it(query, expected):
    assert name_query(query) == expected


@pytest.mark.parametrize("query", ["", "   ", "·", "%", "_"])
def test_a_query_with_nothing_to_match_is_none(query):
    assert name_query(query) is None


def test_a_han_query_is_spelt_as_the_stored_name_spells_it():
    # Read one character at a time on both sides: the query's pinyin is always a
    # substring of the name's, whatever phrase readings pypinyin would give.
    for name in ["王晓兴", "曾长乐", "单行道", "吕重阳", "欧阳娜娜"]:
        for i in range(len(name)):
            for j in range(i + 1, len(name) + 1):
                match = name_query(name[i:j])
                stored = keys(name)
                assert any(match.key in k for k in stored), (name, name[i:j])
                assert match.also in stored[0]
