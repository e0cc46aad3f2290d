"""The survey's fields and the headings they are known by: one table for the reader, the blank
template, the error report, the preview and every test, so that they can never disagree.

A field's label is the heading the blank template writes; its other headings are the ways township
forms have been seen to write it. The reader also matches a heading that contains a known one
(外出务工地点 contains 务工地点), so only wordings that contain none need listing.
"""

from __future__ import annotations

from talentpool.headings import FieldSpec, HeadingMatcher

SURVEY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("seq", "序号", ("编号", "序", "顺序号")),
    FieldSpec("name", "姓名", ("名字", "人员姓名", "姓 名"), personal=True),
    FieldSpec("gender", "性别", (), personal=True),
    FieldSpec("ethnicity", "民族", ("民族成分",)),
    FieldSpec(
        "birth_date",
        "出生年月",
        ("出生日期", "出生年月日", "生日", "出生时间", "出生年份"),
        personal=True,
    ),
    FieldSpec(
        "id_number",
        "身份证号码",
        (
            "身份证号",
            "公民身份号码",
            "身份证",
            "身份证件号码",
            "身份证件号",
            "公民身份证号码",
            "证件号码",
            "身份号码",
            "身份证编号",
        ),
        personal=True,
    ),
    FieldSpec(
        "phone",
        "联系电话",
        ("手机号", "手机号码", "联系方式", "电话", "手机", "电话号码", "联系手机", "移动电话"),
        personal=True,
    ),
    FieldSpec(
        "village",
        "户籍所在村（社区）",
        (
            "所在村",
            "户籍所在村",
            "村(社区)",
            "村社区",
            "所属村",
            "村别",
            "户籍地",
            "户籍所在地",
            "户籍地址",
            "户口所在地",
            "户籍村",
            "村名",
            "村(居)",
            "村居",
            "所在村(社区)",
            "村(居)委会",
            "所在村组",
            "村组",
        ),
    ),
    FieldSpec("political_status", "政治面貌", ("政治身份", "党派", "政治面目")),
    FieldSpec("education", "文化程度", ("学历", "最高学历", "受教育程度", "全日制学历", "文化")),
    FieldSpec(
        "school_major",
        "毕业院校及专业",
        (
            "毕业院校",
            "院校及专业",
            "所学专业",
            "专业",
            "毕业学校",
            "毕业学校及专业",
            "学校及专业",
            "毕业院校专业",
            "院校",
        ),
    ),
    FieldSpec(
        "work_place",
        "务工地点",
        (
            "工作地点",
            "现工作地",
            "务工地",
            "现居住地",
            "外出地点",
            "外出地",
            "务工地址",
            "工作地址",
            "务工城市",
            "所在城市",
            "务工所在地",
            "工作所在地",
            "就业地点",
            "外出去向",
            "流向地",
            "现居地",
            "现住地",
            "经商地点",
            "务工经商地点",
            "打工地点",
            "从业地点",
            "务工区域",
        ),
    ),
    FieldSpec(
        "industry_unit",
        "从事行业及单位",
        (
            "工作单位",
            "从事行业",
            "务工单位",
            "单位及职务",
            "行业",
            "从事职业",
            "职业",
            "从事工作",
            "工作岗位",
            "就业单位",
            "所在单位",
            "单位",
            "工种",
            "从事行业/工作单位",
            "工作单位及从事行业",
            "现从事工作",
            "务工行业",
        ),
    ),
    FieldSpec(
        "skills",
        "特长",
        ("技能特长", "专业特长", "技能", "专长", "擅长", "特长技能", "专业技能", "个人特长"),
    ),
    FieldSpec(
        "is_veteran",
        "是否退役军人",
        ("退役军人", "退伍军人", "是否退伍军人", "退役军人(是/否)"),
    ),
    FieldSpec(
        "return_intention",
        "返乡意愿",
        (
            "是否愿意返乡",
            "返乡创业意愿",
            "回乡意愿",
            "返乡意向",
            "是否有返乡意愿",
            "返乡创业就业意愿",
            "回乡创业意愿",
            "返乡就业意愿",
            "返乡创业意向",
            "回乡发展意愿",
            "是否愿意回乡",
            "返乡发展意愿",
        ),
    ),
    FieldSpec(
        "village_post_intention",
        "到村任职意愿",
        (
            "任职意愿",
            "是否愿意在村任职",
            "村任职意愿",
            "是否愿意到村任职",
            "在村任职意愿",
            "到村任职",
            "在村任职",
            "村任职",
            "任职意向",
            "回村任职意愿",
            "担任村干部意愿",
            "愿意担任村干部",
            "是否愿意担任村干部",
            "村干部意愿",
        ),
    ),
    FieldSpec("remark", "备注", ("其他说明", "备 注")),
)

FIELDS: tuple[str, ...] = tuple(f.name for f in SURVEY_FIELDS)
FIELD_SPECS: dict[str, FieldSpec] = {f.name: f for f in SURVEY_FIELDS}
FIELD_LABELS: dict[str, str] = {f.name: f.label for f in SURVEY_FIELDS}
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {f.name: f.known for f in SURVEY_FIELDS}
MATCHER = HeadingMatcher(SURVEY_FIELDS)

# What a user may answer for a column no field took: a field, 不导入, or keep it as the person's
# other information.
SKIP = "__skip__"
OTHER = "__other__"
