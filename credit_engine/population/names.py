"""Chinese person names and food business names, drawn from weighted lists."""

from __future__ import annotations

from random import Random

from credit_engine.population.places import District

# Common surnames of Hexi-corridor Gansu (马 is frequent among Hui families).
_SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "马", "周", "吴", "徐", "孙", "朱", "胡", "郭",
    "何", "高", "罗", "魏", "贾", "牛", "田", "闫", "韩", "宋", "蒋", "董", "苏", "冯", "许",
    "石", "梁", "黄", "曹", "任", "潘", "雷", "祁", "蔺", "鲁", "薛", "柴", "常", "师", "汪",
)
_SURNAME_WEIGHTS = (
    90, 85, 80, 70, 40, 40, 35, 45, 25, 20, 20, 18, 18, 18, 16,
    14, 14, 12, 14, 12, 10, 10, 10, 9, 9, 8, 8, 8, 8, 8,
    7, 7, 7, 7, 6, 5, 5, 5, 4, 5, 4, 4, 4, 3, 4,
)
_MALE_CHARS = (
    "伟", "强", "军", "勇", "杰", "涛", "斌", "磊", "鹏", "辉", "明", "刚", "平", "林", "峰",
    "龙", "宏", "亮", "波", "俊", "兵", "海", "东", "文", "武", "忠", "福", "荣", "新", "成",
)
_MALE_PAIRS = (
    "建国", "建军", "志强", "海军", "文斌", "国庆", "永福", "玉龙", "兴旺", "振华", "德明",
    "晓东", "学军", "继红", "天宝", "国栋", "自强", "春生", "万里", "俊杰", "浩然", "宇航",
)
_FEMALE_CHARS = (
    "芳", "娟", "敏", "静", "丽", "艳", "霞", "红", "梅", "琴", "燕", "玲", "萍", "兰", "英",
    "华", "慧", "娜", "婷", "雪", "莉", "倩", "瑞", "洁", "蓉",
)
_FEMALE_PAIRS = (
    "秀英", "桂兰", "玉兰", "晓燕", "雪梅", "红梅", "淑芬", "丽娟", "春花", "小红", "海燕",
    "亚丽", "彩霞", "金花", "晓梅", "佳怡", "雨欣", "思雨",
)
# Mongolian (Subei) and Kazakh (Aksay) given names, written without a Han surname.
_MONGOLIAN = {True: ("巴特尔", "孟和", "额尔敦", "宝音", "图门", "苏和"),
              False: ("其其格", "乌日娜", "其木格", "萨仁", "托娅", "斯琴")}
_KAZAKH = {True: ("努尔兰·别克", "叶尔兰·加肯", "哈森·木拉提", "别克·阿力"),
           False: ("阿依古丽·巴合提", "古丽娜尔·叶尔肯", "玛依拉·努尔")}


def person_name(rng: Random, male: bool, area_code: str) -> str:
    """A plausible full name for a person born in `area_code`."""
    if area_code == "620923" and rng.random() < 0.3:
        return rng.choice(_MONGOLIAN[male])
    if area_code == "620924" and rng.random() < 0.3:
        return rng.choice(_KAZAKH[male])
    surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
    singles, pairs = (_MALE_CHARS, _MALE_PAIRS) if male else (_FEMALE_CHARS, _FEMALE_PAIRS)
    roll = rng.random()
    if roll < 0.35:
        return surname + rng.choice(singles)
    if roll < 0.7:
        return surname + rng.choice(pairs)
    return surname + rng.choice(singles) + rng.choice(singles)


_TRADE_NAMES = (
    "金龙", "丝路", "鸿福", "祁连", "雄关", "西域", "飞天", "阳关", "鑫源", "瑞丰", "天润",
    "聚福", "兴盛", "大漠", "绿洲", "胡杨", "月牙泉", "鸣沙", "玉泉", "福瑞", "佳禾", "顺达",
    "万家", "惠民", "安康", "永盛", "宏达", "金穗", "泉湖", "西关", "东关", "南门", "驼铃",
    "沙洲", "汉唐", "河西", "古道", "锁阳", "莫高", "玉门关", "钟鼓楼", "鼎新", "花海",
    "祥和", "和顺", "益民", "嘉禾", "锦程", "盛世", "春晖",
)
_SHOP_TYPES = {
    "catering": (
        "牛肉面馆", "驴肉黄面馆", "羊肉馆", "烧烤店", "火锅店", "饺子馆", "小吃店", "快餐店",
        "面馆", "川菜馆", "清真餐厅", "酿皮店", "糊锅店", "烤肉店", "麻辣烫店", "包子铺",
        "早餐店", "奶茶店", "蛋糕店", "农家乐", "炒面片馆", "土鸡店",
    ),
    "retail": (
        "便利店", "超市", "百货超市", "副食店", "食品商行", "烟酒副食店", "果蔬店", "粮油店",
        "生鲜超市", "调料店", "干果店", "特产店", "冷饮批发部", "肉铺",
    ),
    "small_workshop": (
        "手工挂面加工坊", "豆腐坊", "酿皮加工坊", "胡麻油坊", "糕点加工坊", "醋坊",
        "馍馍加工坊", "粉条加工坊", "熟肉制品加工坊", "酱菜坊", "凉皮加工坊",
    ),
}
_COMPANY_TYPES = {
    "catering": ("餐饮管理有限公司", "餐饮有限责任公司", "大酒店有限公司", "宾馆有限公司"),
    "retail": ("商贸有限公司", "超市有限公司", "连锁超市有限公司", "农副产品有限公司"),
    "canteen": ("餐饮管理有限公司", "后勤服务有限公司", "团餐管理有限公司"),
}
# Production lines typical of Jiuquan (goji, wine, tomato, dairy, flour), with the
# SC licence's food category code.
PRODUCTION_LINES = (
    ("食品有限公司", "124"), ("乳业有限公司", "106"), ("葡萄酒业有限公司", "115"),
    ("枸杞科技有限公司", "117"), ("面粉有限公司", "101"), ("酒业有限公司", "115"),
    ("饮品有限公司", "107"), ("肉类加工有限公司", "104"), ("番茄制品有限公司", "116"),
    ("食用油有限公司", "102"), ("调味品有限公司", "103"), ("蜜瓜制品有限公司", "117"),
)
_PLACE_BRANDS = {
    "620902": "酒泉", "620981": "玉门", "620982": "敦煌", "620921": "金塔", "620922": "瓜州",
    "620923": "肃北", "620924": "阿克塞",
}
_SCHOOL_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九")


def _local_prefix(rng: Random, district: District) -> str:
    if rng.random() < 0.3:
        return district.prefix + rng.choice(district.towns)
    return district.prefix


def _trade_name(rng: Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
        return rng.choice(("老{}家", "{}记", "{}家", "{}师傅", "{}姐")).format(surname)
    return rng.choice(_TRADE_NAMES)


def _canteen_name(rng: Random, district: District) -> str:
    place = district.prefix
    roll = rng.random()
    if roll < 0.35:
        return f"{place}第{rng.choice(_SCHOOL_ORDINALS)}中学食堂"
    if roll < 0.6:
        return f"{place}{rng.choice(district.towns)}中心小学食堂"
    if roll < 0.75:
        return f"{place}{rng.choice(('阳光', '育才', '红星', '金色童年', '机关'))}幼儿园食堂"
    if roll < 0.85:
        return f"{place}{rng.choice(('人民医院', '中医医院', '妇幼保健院'))}职工食堂"
    if roll < 0.93:
        return f"{place}机关事务服务中心机关食堂"
    return f"{place}{rng.choice(('第一', '第二', '城区'))}敬老院食堂"


def enterprise_name(rng: Random, category: str, district: District, company: bool,
                    production_line: str) -> str:
    """A business name the way it appears on a Jiuquan licence."""
    if category == "canteen" and not company:
        return _canteen_name(rng, district)
    trade = _trade_name(rng)
    if category == "production":
        region = rng.choice(("甘肃", "酒泉", _PLACE_BRANDS[district.code]))
        return f"{region}{trade}{production_line}"
    if company:
        return f"{rng.choice(('酒泉', '甘肃', district.prefix))}{trade}{rng.choice(_COMPANY_TYPES[category])}"
    return f"{_local_prefix(rng, district)}{trade}{rng.choice(_SHOP_TYPES[category])}"
