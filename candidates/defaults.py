"""The county's starting checklist: ten qualification conditions and a ten-item negative list
(Fuquan's 双十清单), with age and education conditions per post. The county replaces them with
new versions as its rules change; these are only where it starts."""

from __future__ import annotations

from datetime import date

TITLE = "村（社区）“两委”人选资格条件和负面清单（双十清单）"
EFFECTIVE_FROM = date(2020, 1, 1)
QUALIFICATIONS = [
    ("坚决拥护中国共产党的领导，政治立场坚定", "manual"),
    ("遵纪守法，品行端正，热心为群众服务", "manual"),
    ("年龄符合拟任岗位要求", "age"),
    ("文化程度符合拟任岗位要求", "education"),
    ("拟任村党组织岗位的须为中共党员（含预备党员）", "party"),
    ("户籍在本乡镇（街道），或长期在本地居住、工作", "residence"),
    ("身体健康，能够正常履行职责", "manual"),
    ("群众公认，在群众中有较高威信", "manual"),
    ("具有一定的带富能力和组织协调能力", "manual"),
    ("作风扎实，甘于奉献，本人愿意到村任职", "manual"),
]
NEGATIVES = [
    "受过刑事处罚，或存在“村霸”、涉黑涉恶问题的",
    "涉嫌违纪违法正在接受立案审查调查，尚未作出结论的",
    "受到党纪政务处分尚在影响期内的",
    "被列为失信被执行人的",
    "参与邪教组织、非法宗教活动，或利用宗族宗派势力干扰基层选举的",
    "煽动群众闹事、扰乱公共秩序，或组织参与非法上访的",
    "有严重违法用地、违章建房行为拒不整改的",
    "侵占、挪用、拖欠集体资金资产资源的",
    "有赌博、吸毒、酗酒滋事等不良行为的",
    "以贿选等不正当手段妨害选举，或长期不参加组织生活的",
]
# post kind -> (min age, max age, minimum education code: 60 = 高中, which 中专/职高/技校 meet)
REQUIREMENTS = {
    "secretary": (22, 45, "60"),
    "deputy_secretary": (22, 45, "60"),
    "party_member": (20, 45, "60"),
    "director": (22, 45, "60"),
    "deputy_director": (20, 45, "60"),
    "committee_member": (18, 45, "60"),
}


def install(checklist_model, item_model, requirement_model):
    """Create version 1 from the defaults if the county has no checklist at all. Takes the model
    classes so that the data migration can pass its historical models."""
    if checklist_model.objects.exists():
        return None
    checklist = checklist_model.objects.create(
        version=1, title=TITLE, effective_from=EFFECTIVE_FROM
    )
    item_model.objects.bulk_create(
        [
            item_model(checklist=checklist, kind="qualification", number=n, text=text, rule=rule)
            for n, (text, rule) in enumerate(QUALIFICATIONS, start=1)
        ]
        + [
            item_model(checklist=checklist, kind="negative", number=n, text=text)
            for n, text in enumerate(NEGATIVES, start=1)
        ]
    )
    requirement_model.objects.bulk_create(
        requirement_model(
            checklist=checklist, post_kind=kind, min_age=lo, max_age=hi, min_education=edu
        )
        for kind, (lo, hi, edu) in REQUIREMENTS.items()
    )
    return checklist
