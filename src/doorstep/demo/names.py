"""Name pools for synthetic residents and staff, built once per process.

Han names: surnames with Faker zh_CN's frequency weights, given names from Faker's
list plus two-character names from common name characters (Faker's own list has only
131 given names, which would make every tenth person a namesake).

Uyghur and Kazakh names: curated given names in their usual Chinese transliteration.
A person is "given·father's given" (艾力·买买提): there is no family name, so a child
carries the father's given name as the second part. No package generates these.
"""

from __future__ import annotations

from functools import cache

from faker.providers.person.zh_CN import Provider as _ZhPerson


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


UYGHUR_MALE = _words(
    "艾力 买买提 阿不都 艾合买提 吐尔逊 玉素甫 亚森 依明 热合曼 麦麦提 阿卜杜拉 努尔买买提 "
    "艾山 吾斯曼 阿迪力 艾尔肯 库尔班 卡德尔 马木提 木沙 尼亚孜 帕尔哈提 如孜 沙吾提 "
    "塔依尔 图尔荪 吾买尔 西尔艾力 牙合甫 依沙克 尤努斯 再努拉 阿力木 阿布来提 艾克拜尔 "
    "艾则孜 巴拉提 达吾提 迪力夏提 哈力克 吉力力 喀迪尔 克热木 米吉提 穆罕默德 努尔兰 "
    "热西提 肉孜 赛买提 斯拉木 铁木尔 外力 伊力哈木 伊斯坎代尔 尤力瓦斯 祖农 阿尔斯兰 "
    "艾买提 艾尼瓦尔 阿合买提江 阿布都热合曼 买合木提 托合提 居马 阿吉 排尔多斯 "
    "哈斯木 买买提明 吐逊江 艾孜买提 阿扎提 肖开提 依克山 亚库甫 乌斯曼 苏来曼"
)
UYGHUR_FEMALE = _words(
    "阿依古丽 古丽 古丽娜尔 热依拉 努尔古丽 帕提古丽 阿孜古丽 迪丽娜尔 米热古丽 "
    "祖丽皮亚 阿米娜 布维 海尼沙 加娜提 卡米拉 玛依拉 麦尔哈巴 娜孜古丽 热娜 赛乃姆 "
    "塔吉古丽 吐尔逊古丽 乌米提 西仁古丽 夏丽旦 依巴提 再努尔 佐热姆 阿依努尔 巴哈古丽 "
    "迪娜拉 古再丽努尔 哈丽旦 吉米拉 克比努尔 玛丽娅 米娜瓦尔 努斯热提 帕丽达 热孜万古丽 "
    "萨迪古丽 图尔荪阿依 维尼拉 夏木西努尔 依力米努尔 则热帕 阿提坎 茹鲜古丽 "
    "苏比努尔 阿瓦古丽 古力巴哈尔 排孜拉 努尔比亚 如克亚 热比亚"
)
KAZAKH_MALE = _words(
    "叶尔兰 努尔兰 阿斯哈尔 别克 哈力木 达吾列提 叶尔江 加肯 哈那提 巴合提 木拉提 "
    "赛力克 吐尔洪 叶尔波拉提 哈米提 阿勒泰 沙吾列 加尔肯 塔勒哈提 胡安"
)
KAZAKH_FEMALE = _words(
    "加娜尔 古丽娜尔 阿依达娜 巴合提古丽 哈丽达 玛地娜 沙拉 阿依江 努尔江 吉丽孜 "
    "阿克玛拉 卡米拉 萨乌列 阿勒腾 叶尔克"
)

# Common characters of two-character given names (mixed with Faker's given names).
_HAN_MALE_CHARS = (
    "建国明华军伟志强文平东海晓刚立新永金斌宏国俊涛鹏飞杰宇浩峰辉亮成林勇德福春兴玉"
    "山振家中红光庆荣旭世学博云龙天"
)
_HAN_FEMALE_CHARS = (
    "秀英玉兰桂芳丽红梅霞燕萍丹娟静婷雪琳颖敏慧雅洁春月花琴凤小晓佳欣怡美淑珍莉蓉艳彩翠菊霞云娜"
)


@cache
def han_pools() -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[str, ...]]:
    """(surnames, cumulative weights, male given names, female given names)."""
    surnames = tuple(_ZhPerson.last_names.keys())
    cum: list[float] = []
    total = 0.0
    for weight in _ZhPerson.last_names.values():
        total += weight
        cum.append(total)
    male = list(_ZhPerson.first_names_male)
    female = list(_ZhPerson.first_names_female)
    male += [a + b for a in _HAN_MALE_CHARS[::2] for b in _HAN_MALE_CHARS[1::2] if a != b]
    female += [a + b for a in _HAN_FEMALE_CHARS[::2] for b in _HAN_FEMALE_CHARS[1::2] if a != b]
    return surnames, tuple(cum), tuple(dict.fromkeys(male)), tuple(dict.fromkeys(female))
