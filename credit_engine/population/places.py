"""The seven county-level districts of Jiuquan, Gansu, with their codes and towns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    """A county-level district: name, GB/T 2260 code, name prefix and local bodies."""

    name: str
    code: str
    prefix: str  # how local business names start
    short: str  # abbreviation used in penalty decision numbers
    court: str  # the basic people's court code used in case numbers
    weight: int  # share of the city's food businesses (roughly the population)
    towns: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District("肃州区", "620902", "酒泉市肃州区", "酒肃", "甘0902", 41, (
        "西峰镇", "泉湖镇", "果园镇", "银达镇", "清水镇", "总寨镇", "金佛寺镇", "上坝镇",
        "三墩镇", "东洞镇", "丰乐镇", "西洞镇", "下河清乡", "东南街街道", "北关街道")),
    District("玉门市", "620981", "玉门市", "玉", "甘0981", 13, (
        "玉门镇", "赤金镇", "花海镇", "老君庙镇", "黄闸湾镇", "下西号镇", "柳河镇",
        "昌马镇", "清泉乡", "新市区街道")),
    District("敦煌市", "620982", "敦煌市", "敦", "甘0982", 18, (
        "七里镇", "沙州镇", "肃州镇", "莫高镇", "转渠口镇", "阳关镇", "月牙泉镇",
        "郭家堡镇", "黄渠镇")),
    District("金塔县", "620921", "金塔县", "金", "甘0921", 12, (
        "金塔镇", "鼎新镇", "东坝镇", "航天镇", "大庄子镇", "西坝镇", "中东镇", "古城乡",
        "羊井子湾乡")),
    District("瓜州县", "620922", "瓜州县", "瓜", "甘0922", 11, (
        "渊泉镇", "柳园镇", "三道沟镇", "南岔镇", "锁阳城镇", "瓜州镇", "西湖镇", "河东镇",
        "双塔镇", "梁湖乡", "布隆吉乡")),
    District("肃北蒙古族自治县", "620923", "肃北蒙古族自治县", "肃北", "甘0923", 3, (
        "党城湾镇", "马鬃山镇", "盐池湾乡", "石包城乡")),
    District("阿克塞哈萨克族自治县", "620924", "阿克塞哈萨克族自治县", "阿", "甘0924", 2, (
        "红柳湾镇", "阿克旗乡", "阿勒腾乡")),
)

DISTRICT_WEIGHTS: tuple[int, ...] = tuple(d.weight for d in DISTRICTS)

# Where residents of Jiuquan were born: the seven districts, the city itself and a few
# other Gansu prefectures (people move in from Lanzhou, Zhangye, Wuwei, Jiayuguan).
BIRTH_AREA_CODES: tuple[str, ...] = tuple(d.code for d in DISTRICTS) + (
    "620900", "620102", "620702", "620602", "620200",
)
