"""National-standard code tables and the synonym look-ups used when importing spreadsheets.

Stored values are always the standard's code strings. The synonym tables hold literal Chinese
strings rather than the choice labels because imports must not depend on the active language.
"""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentpool.text import clean_text, remove_whitespace, to_halfwidth


class Gender(models.TextChoices):
    """GB/T 2261.1-2003."""

    UNKNOWN = "0", _("未知的性别")
    MALE = "1", _("男")
    FEMALE = "2", _("女")
    UNSTATED = "9", _("未说明的性别")


class Ethnicity(models.TextChoices):
    """GB/T 3304-1991."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    ZANG = "04", _("藏族")
    UYGUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    CHOSEN = "10", _("朝鲜族")
    MAN = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAK = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KIRGIZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSS = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "97", _("其他")
    FOREIGN_ORIGIN = "98", _("外国血统中国籍人士")


class Education(models.TextChoices):
    """GB/T 4658-2006 codes with the short labels county staff write."""

    POSTGRADUATE = "10", _("研究生")
    BACHELOR = "20", _("本科")
    JUNIOR_COLLEGE = "30", _("大专")
    SECONDARY_SPECIALIZED = "40", _("中专")
    VOCATIONAL_HIGH = "44", _("职高")
    TECHNICAL_SCHOOL = "47", _("技校")
    HIGH_SCHOOL = "60", _("高中")
    JUNIOR_HIGH = "70", _("初中")
    PRIMARY = "80", _("小学")
    OTHER = "90", _("其他")


class PoliticalStatus(models.TextChoices):
    """GB/T 4762-1984."""

    CPC_MEMBER = "01", _("中共党员")
    CPC_PROBATIONARY = "02", _("中共预备党员")
    CYL_MEMBER = "03", _("共青团员")
    RCCK_MEMBER = "04", _("民革党员")
    CDL_MEMBER = "05", _("民盟盟员")
    CNDCA_MEMBER = "06", _("民建会员")
    CAPD_MEMBER = "07", _("民进会员")
    CPWDP_MEMBER = "08", _("农工党党员")
    ZGD_MEMBER = "09", _("致公党党员")
    JIUSAN_MEMBER = "10", _("九三学社社员")
    TDSGL_MEMBER = "11", _("台盟盟员")
    NON_PARTISAN = "12", _("无党派人士")
    MASSES = "13", _("群众")
    # Not a code of GB/T 4762, which lists the eight parties one by one: a form that says only
    # 民主党派 names the category, and guessing one party would be wrong.
    DEMOCRATIC_PARTY = "dp", _("民主党派")


class Willingness(models.TextChoices):
    """Project codes shared by 返乡意愿 and 任职意愿."""

    WILLING = "willing", _("愿意")
    INTERESTED = "interested", _("有意向")
    CONSIDERING = "considering", _("考虑中")
    UNWILLING = "unwilling", _("不愿意")


COLLEGE_OR_ABOVE = frozenset({"10", "20", "30"})
PARTY_MEMBER = frozenset({"01", "02"})

# 中专, 职高, 技校 and 高中 are all upper-secondary schooling, so a "高中及以上" rule accepts
# each of them; 其他 ranks below 小学 because it usually means no formal schooling.
_EDUCATION_RANK = {
    "10": 7,
    "20": 6,
    "30": 5,
    "40": 4,
    "44": 4,
    "47": 4,
    "60": 4,
    "70": 3,
    "80": 2,
    "90": 1,
}


def education_rank(code: str | None) -> int:
    """Higher means more education; unknown codes and None rank 0."""
    return _EDUCATION_RANK.get(code or "", 0)


_FIELD_LABELS = {
    "gender": _("性别"),
    "ethnicity": _("民族"),
    "education": _("学历"),
    "political_status": _("政治面貌"),
    "willingness": _("意愿"),
    "bool_mark": _("是/否标记"),
}


class UnknownCode(ValueError):
    """A spreadsheet value that is not an explicitly listed synonym of any code."""

    def __init__(self, field: str, text: str) -> None:
        self.field = field
        self.text = text
        self.message = format_lazy(
            _("无法识别的{field}“{text}”"),
            field=_FIELD_LABELS.get(field, field),
            text=clean_text(text),
        )
        super().__init__(self.message)


def _table(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in synonyms.items():
        for word in (code, *words):
            table[word.lower()] = code
    return table


_GENDER = _table(
    {
        "0": ("未知的性别", "未知"),
        "1": ("男", "男性", "m", "male"),
        "2": ("女", "女性", "f", "female"),
        "9": ("未说明的性别", "未说明"),
    }
)

_ETHNICITY_LABELS = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
    "11": "满族",
    "12": "侗族",
    "13": "瑶族",
    "14": "白族",
    "15": "土家族",
    "16": "哈尼族",
    "17": "哈萨克族",
    "18": "傣族",
    "19": "黎族",
    "20": "傈僳族",
    "21": "佤族",
    "22": "畲族",
    "23": "高山族",
    "24": "拉祜族",
    "25": "水族",
    "26": "东乡族",
    "27": "纳西族",
    "28": "景颇族",
    "29": "柯尔克孜族",
    "30": "土族",
    "31": "达斡尔族",
    "32": "仫佬族",
    "33": "羌族",
    "34": "布朗族",
    "35": "撒拉族",
    "36": "毛南族",
    "37": "仡佬族",
    "38": "锡伯族",
    "39": "阿昌族",
    "40": "普米族",
    "41": "塔吉克族",
    "42": "怒族",
    "43": "乌孜别克族",
    "44": "俄罗斯族",
    "45": "鄂温克族",
    "46": "德昂族",
    "47": "保安族",
    "48": "裕固族",
    "49": "京族",
    "50": "塔塔尔族",
    "51": "独龙族",
    "52": "鄂伦春族",
    "53": "赫哲族",
    "54": "门巴族",
    "55": "珞巴族",
    "56": "基诺族",
}

_ETHNICITY = _table(
    {code: (label, label.removesuffix("族")) for code, label in _ETHNICITY_LABELS.items()}
    | {"97": ("其他", "其它"), "98": ("外国血统中国籍人士",)}
)

_EDUCATION = _table(
    {
        "10": ("研究生", "硕士", "博士", "硕士研究生", "博士研究生", "研究生及以上"),
        "20": ("本科", "大学本科", "大学", "学士", "全日制本科"),
        "30": ("大专", "专科", "大学专科", "高职", "高职高专", "全日制大专"),
        "40": ("中专", "中等专科", "中等专业学校"),
        "44": ("职高", "职业高中"),
        "47": ("技校", "技工学校", "中技"),
        "60": ("高中", "普通高中"),
        "70": ("初中", "初级中学"),
        "80": ("小学",),
        "90": ("其他", "其它"),
    }
)

_POLITICAL_STATUS = _table(
    {
        "01": ("中共党员", "党员", "中国共产党党员", "共产党员"),
        "02": ("中共预备党员", "预备党员", "中国共产党预备党员"),
        "03": ("共青团员", "团员", "中国共产主义青年团团员"),
        "04": ("民革党员", "民革会员", "中国国民党革命委员会会员", "民革"),
        "05": ("民盟盟员", "中国民主同盟盟员", "民盟"),
        "06": ("民建会员", "中国民主建国会会员", "民建"),
        "07": ("民进会员", "中国民主促进会会员", "民进"),
        "08": ("农工党党员", "中国农工民主党党员", "农工党"),
        "09": ("致公党党员", "中国致公党党员", "致公党"),
        "10": ("九三学社社员", "九三学社"),
        "11": ("台盟盟员", "台湾民主自治同盟盟员", "台盟"),
        "12": ("无党派人士", "无党派", "无党派民主人士"),
        "13": ("群众", "普通群众"),
        "dp": ("民主党派", "民主党派成员", "民主党派人士", "民主党派党员", "民主党派会员"),
    }
)

_WILLINGNESS = _table(
    {
        "willing": ("愿意", "是", "愿", "想", "有", "√", "✓", "非常愿意", "很愿意"),
        "interested": ("有意向", "有意愿"),
        "considering": ("考虑中", "考虑", "待定", "视情况", "看情况", "不确定", "未定", "再考虑"),
        "unwilling": ("不愿意", "否", "不愿", "不想", "没有", "无", "暂不考虑", "不考虑", "×", "✗"),
    }
)

_BOOL_MARK = {
    key: value
    for value, words in (
        (True, ("是", "√", "✓", "y", "yes", "1", "有")),
        (False, ("不是", "非", "否", "×", "n", "no", "0", "无", "空")),
    )
    for key in words
}


def _key(text: str) -> str:
    return remove_whitespace(to_halfwidth(text)).lower()


# Words a clerk adds to a listed value: 本科学历, 大专毕业, 汉族（汉）.
_TRAILING_WORDS = ("学历", "毕业", "文化")


def _lookup(field: str, table: dict[str, str], text: str | None) -> str | None:
    if text is None or not (key := _key(text)):
        return None
    try:
        return table[key]
    except KeyError:
        pass
    for word in _TRAILING_WORDS:
        if key.endswith(word) and key[: -len(word)] in table:
            return table[key[: -len(word)]]
    raise UnknownCode(field, text)


def parse_gender(text: str | None) -> str | None:
    return _lookup("gender", _GENDER, text)


def parse_ethnicity(text: str | None) -> str | None:
    return _lookup("ethnicity", _ETHNICITY, text)


def parse_education(text: str | None) -> str | None:
    return _lookup("education", _EDUCATION, text)


def parse_political_status(text: str | None) -> str | None:
    return _lookup("political_status", _POLITICAL_STATUS, text)


def parse_willingness(text: str | None) -> str | None:
    return _lookup("willingness", _WILLINGNESS, text)


def parse_bool_mark(text: str | None) -> bool | None:
    """Read a yes/no column such as 退役军人; an unlisted mark raises instead of meaning no."""
    if text is None or not (key := _key(text)):
        return None
    try:
        return _BOOL_MARK[key]
    except KeyError:
        raise UnknownCode("bool_mark", text) from None
