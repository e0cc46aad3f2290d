"""The personal-data inventory (个人信息清单): every field of the project that holds personal
information, what it is for, and how the audit pages mask it.

PIPL art. 51 and GB/T 35273 ask the operator to know what personal information it processes
and why. This module is that list; tests/talentpool/test_inventory.py keeps it true.

Which fields must be listed - the rule, and why it is this one
-------------------------------------------------------------
Listing every field of every model would drown the list in status codes and foreign keys,
and a heuristic on names alone misses free text (a "note" on a talk with a resident is personal
data). So a field must be *classified* - listed here as personal data, or named in NOT_PERSONAL
with a reason - when it is a concrete, non-relational field of a project model (pghistory's
event copies aside; they mirror the tracked model) and either

1. its name or verbose name speaks of a person (VOCABULARY below: 姓名/name, 身份证/id_number,
   电话/phone, 出生/birth, 地址/address, 民族, 政治面貌, 学历, 健康, 照片, 家庭, 退役 ...),
   anywhere in the project; or
2. it is free text (a TextField, or a CharField without choices) or a file, on a model that
   refers to a resident: Person itself, User (staff are natural persons too) and every model
   with a foreign-key path to Person.

Codes with fixed choices, numbers, dates and flags that name no person are left out unless
rule 1 catches them. Foreign keys are left out: the model they point to is classified itself.
A test fails when a model gains a field that the rule catches and nobody classified, naming the
field and where to add it.

Other apps may keep their entries in `<app>/inventory.py` with the same two dicts,
PERSONAL_DATA and NOT_PERSONAL; `collect()` merges them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

PROJECT_APPS = ("talentpool", "candidates", "training", "evaluation")

# Masks on the audit pages: the auditor reads who changed what, never residents' details.
IDENTIFIER = "identifier"  # shown partly masked (张*, 500233********123X, 138****5678)
HIDDEN = "hidden"  # the value is not shown, only that it changed
SHOWN = "shown"  # staff data the auditor needs to see (a colleague's title)


@dataclass(frozen=True)
class Item:
    purpose: str
    audit: str = HIDDEN
    sensitive: bool = False  # 敏感个人信息 (PIPL art. 28; GB/T 35273 annex B)


def _p(purpose: str, audit: str = HIDDEN, sensitive: bool = False) -> Item:
    return Item(purpose, audit, sensitive)


PERSONAL_DATA: dict[str, dict[str, Item]] = {
    "talentpool.Person": {
        "name": _p("识别人员；名册、推荐和考察材料", IDENTIFIER),
        "name_initials": _p("按拼音首字母查找（由姓名生成）", IDENTIFIER),
        "name_pinyin": _p("按拼音查找和排序（由姓名生成）", IDENTIFIER),
        "gender": _p("干部队伍结构统计（女性比例）"),
        "ethnicity": _p("干部队伍结构统计（少数民族比例）"),
        "birth_date": _p("年龄条件审查和年龄结构统计"),
        "id_number": _p("唯一识别人员、防止重复登记、资格审查", IDENTIFIER, sensitive=True),
        "phone": _p("联系本人（走访、培训、考察通知）", IDENTIFIER),
        "village_text": _p("调查表所填户籍村名，待核对匹配"),
        "residence": _p("掌握在外/返乡情况，确定联系方式"),
        "work_place": _p("掌握在外务工经商人员分布"),
        "industry_unit": _p("了解从业经历，评估履职能力"),
        "education": _p("学历条件审查和结构统计"),
        "school_major": _p("了解专业背景，安排培养方向"),
        "political_status": _p("政治条件审查，党员发展和结构统计"),
        "party_join_date": _p("党龄条件审查"),
        "is_veteran": _p("退役军人优先政策的落实和统计"),
        "skills": _p("了解技能特长，安排岗位和培训"),
        "return_intention": _p("返乡意愿摸排"),
        "village_post_intention": _p("任职意愿摸排"),
        "remark": _p("工作人员记录的其他情况"),
        "other_info": _p("调查表中没有对应登记项的内容和无法识别的原文，待核实、不丢弃"),
    },
    "talentpool.User": {
        "username": _p("登录和操作留痕", SHOWN),
        "first_name": _p("显示操作人姓名", SHOWN),
        "last_name": _p("显示操作人姓名", SHOWN),
        "email": _p("联系工作人员", HIDDEN),
        "title": _p("显示职务", SHOWN),
        "phone": _p("联系工作人员", IDENTIFIER),
        "password": _p("登录验证（只存加盐哈希）", HIDDEN, sensitive=True),
    },
    "talentpool.AccessLog": {
        "username": _p("个人信息访问留痕：谁", SHOWN),
        "reason": _p("个人信息访问留痕：事由", SHOWN),
        "ip_address": _p("个人信息访问留痕：从哪里", SHOWN),
        "path": _p("个人信息访问留痕：哪个页面（可能含查询条件）", HIDDEN),
        "detail": _p("个人信息访问留痕：查询条件、行数（可能含身份证号）", HIDDEN),
        "fields": _p("个人信息访问留痕：涉及字段", SHOWN),
    },
    # django-axes' failed sign-ins (shown to the security administrator through this proxy).
    "talentpool.LoginLockout": {
        "username": _p("登录失败计数与锁定：哪个用户名", SHOWN),
        "ip_address": _p("登录失败计数与锁定：从哪里", SHOWN),
    },
    "talentpool.ExportRequest": {
        "params": _p("导出条件（可能含姓名、身份证号）", HIDDEN),
        "params_text": _p("导出条件说明", HIDDEN),
        "reason": _p("导出用途", SHOWN),
        "decision_note": _p("审批意见", SHOWN),
    },
}

# The survey import (talentpool.survey): the uploaded file and the rows staged from it, kept
# so that the preview, the error report and a rollback can show and undo what was loaded, for
# FILE_RETENTION_DAYS (talentpool.retention.purge_import_rows).
_STAGED = "调查表导入：暂存的{}（预览、错误报告和撤销用）"
PERSONAL_DATA |= {
    "talentpool.ImportBatch": {
        "file": _p("乡镇上报的调查表原件（撤销和核对用）", sensitive=True),
        "original_name": _p("原文件名（可能含乡镇或人名）", SHOWN),
        "report": _p("检查结果：计数、未匹配村名和被忽略的行", HIDDEN),
    },
    "talentpool.ImportRow": {
        "raw": _p(_STAGED.format("原始单元格"), HIDDEN, sensitive=True),
        "changes": _p(_STAGED.format("逐项变更（原值和新值）"), HIDDEN),
        "reason": _p(_STAGED.format("拒收原因代码"), SHOWN),
        "message": _p(_STAGED.format("拒收原因（可能引用单元格内容）"), HIDDEN),
        "id_number": _p(_STAGED.format("身份证号"), IDENTIFIER, sensitive=True),
        "name": _p(_STAGED.format("姓名"), IDENTIFIER),
        "name_initials": _p(_STAGED.format("姓名拼音首字母"), IDENTIFIER),
        "name_pinyin": _p(_STAGED.format("姓名拼音"), IDENTIFIER),
        "gender": _p(_STAGED.format("性别")),
        "ethnicity": _p(_STAGED.format("民族")),
        "birth_date": _p(_STAGED.format("出生日期")),
        "phone": _p(_STAGED.format("联系电话"), IDENTIFIER),
        "village_text": _p(_STAGED.format("户籍村名")),
        "political_status": _p(_STAGED.format("政治面貌")),
        "education": _p(_STAGED.format("文化程度")),
        "school_major": _p(_STAGED.format("毕业院校及专业")),
        "work_place": _p(_STAGED.format("务工地点")),
        "industry_unit": _p(_STAGED.format("从事行业及单位")),
        "skills": _p(_STAGED.format("特长")),
        "is_veteran": _p(_STAGED.format("是否退役军人")),
        "return_intention": _p(_STAGED.format("返乡意愿")),
        "village_post_intention": _p(_STAGED.format("到村任职意愿")),
        "remark": _p(_STAGED.format("备注")),
        "other_info": _p(_STAGED.format("其他信息")),
    },
}

# The later stages' fields, classified here until their apps keep their own inventory.py.
PERSONAL_DATA |= {
    "candidates.OutreachContact": {
        "contacted_by": _p("走访人（工作人员）姓名", SHOWN),
        "offered": _p("对本人宣讲和承诺的事项"),
        "note": _p("走访记录"),
    },
    "candidates.Homecoming": {"plan": _p("返乡后去向")},
    "candidates.TownshipLeader": {"name": _p("乡镇领导姓名（联系本人、推荐签批）", SHOWN)},
    "candidates.Nomination": {
        "recommender_name": _p("推荐人姓名", SHOWN),
        "recommender_position": _p("推荐人职务", SHOWN),
        "reason": _p("推荐理由"),
    },
    "candidates.NominationAttachment": {
        "file": _p("推荐材料原件（可能含身份证复印件）", sensitive=True),
        "original_name": _p("原文件名（可能含姓名）"),
        "content_type": _p("文件类型"),
    },
    "candidates.ScreeningCheck": {
        "evidence": _p("资格审查依据（可能涉及违法违纪情况）", sensitive=True)
    },
    "candidates.ReviewEvent": {
        "note": _p("审查意见"),
        "party_members_heard": _p("征求党员意见情况"),
        "party_member_views": _p("党员意见"),
        "villager_views": _p("群众意见"),
    },
    "candidates.Consultation": {"note": _p("征求意见记录")},
    "candidates.Assessment": {"conclusion": _p("考察结论")},
    "candidates.Assembly": {"party_members_present": _p("到会党员情况")},
    "candidates.AssemblyCandidate": {"speech_note": _p("表态发言记录")},
    "candidates.PoolMembership": {"leave_note": _p("出库原因")},
    "training.Enrolment": {"certificate_no": _p("结业证书编号")},
    "training.PartyStep": {
        "contact_person": _p("入党联系人姓名", SHOWN),
        "note": _p("发展党员过程记录"),
    },
    "training.Mentorship": {"mentor_name": _p("导师姓名", SHOWN)},
    "training.TalkLog": {
        "topics": _p("谈心谈话内容"),
        "problems": _p("谈话中反映的问题"),
        "follow_up": _p("后续跟进"),
    },
    "training.PracticePost": {
        "host_unit": _p("实践锻炼单位"),
        "supervisor": _p("实践指导人姓名", SHOWN),
        "duties": _p("实践岗位职责"),
        "assessment": _p("实践锻炼评价"),
    },
    "training.PostTask": {"title": _p("承担任务"), "outcome": _p("任务完成情况")},
    "training.Achievement": {
        "title": _p("工作实绩"),
        "description": _p("实绩说明"),
        "company": _p("领办创办企业或合作社"),
    },
    "training.Evidence": {
        "file": _p("佐证材料原件"),
        "original_name": _p("原文件名（可能含姓名）"),
        "content_type": _p("文件类型"),
    },
    "evaluation.Review": {
        "scores": _p("考核评分"),
        "reviewer": _p("评议人", SHOWN),
        "evidence": _p("评分依据"),
        "return_note": _p("退回意见"),
    },
    "evaluation.Proposal": {"reason": _p("使用建议理由"), "decision_note": _p("决定意见")},
    "evaluation.CareerStep": {"unit": _p("任职单位"), "note": _p("任职经历说明")},
}

# Fields the rule catches that hold no personal information, with the reason.
NOT_PERSONAL: dict[str, dict[str, str]] = {
    "candidates.PostRequirement": {"min_education": "岗位的学历要求（代码）"},
    "candidates.VillageDemand": {
        "min_education": "岗位的学历要求（代码）",
        "party_member_required": "岗位是否要求党员",
    },
    "evaluation.ReviewRound": {"name": "考核批次名称"},
    "talentpool.County": {"name": "地名"},
    "talentpool.Township": {"name": "地名"},
    "talentpool.Village": {"name": "地名"},
    "talentpool.User": {"role": "角色代码"},
    "talentpool.ExportRequest": {"kind": "导出类型代码", "title": "导出内容名称"},
    "talentpool.ImportBatch": {"sheet_name": "工作表名称"},
}

VOCABULARY = re.compile(
    r"name|姓名|名字|id_number|id_card|身份证|证件|phone|mobile|tel|电话|手机|birth|出生|生日|"
    r"address|住址|地址|email|邮箱|gender|sex|性别|ethnic|民族|politic|政治面貌|党员|"
    r"education|学历|school|毕业|health|健康|病|religio|宗教|photo|照片|头像|face|bank|银行|"
    r"income|收入|工资|family|家庭|配偶|子女|marri|婚|veteran|退役|wechat|微信|qq",
    re.IGNORECASE,
)


def collect() -> tuple[dict[str, dict[str, Item]], dict[str, dict[str, str]]]:
    """The core's entries merged with each app's `<app>/inventory.py`."""
    personal = {label: dict(items) for label, items in PERSONAL_DATA.items()}
    other = {label: dict(items) for label, items in NOT_PERSONAL.items()}
    for app in PROJECT_APPS[1:]:
        try:
            module = importlib.import_module(f"{app}.inventory")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.inventory":
                raise
            continue
        for label, items in getattr(module, "PERSONAL_DATA", {}).items():
            personal.setdefault(label, {}).update(items)
        for label, items in getattr(module, "NOT_PERSONAL", {}).items():
            other.setdefault(label, {}).update(items)
    return personal, other


def project_models():
    import pghistory.models
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        if issubclass(model, pghistory.models.Event) or model._meta.auto_created:
            continue
        yield model


def person_linked_models() -> set[str]:
    """Labels of Person, User and every project model with a foreign-key path to Person."""
    models = list(project_models())
    linked = {"talentpool.Person", "talentpool.User"}
    changed = True
    while changed:
        changed = False
        for model in models:
            label = model._meta.label
            if label in linked:
                continue
            for field in model._meta.get_fields():
                target = getattr(field, "related_model", None)
                if (
                    field.is_relation
                    and field.concrete
                    and target is not None
                    and target._meta.label in linked - {"talentpool.User"}
                ):
                    linked.add(label)
                    changed = True
                    break
    return linked


def fields_needing_classification() -> list[tuple[str, str]]:
    """(model label, field name) for every field the rule in the module docstring catches."""
    from django.db import models as m

    linked = person_linked_models()
    found = []
    for model in project_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if field.primary_key or field.is_relation:
                continue
            named = VOCABULARY.search(field.name) or VOCABULARY.search(str(field.verbose_name))
            free_text = isinstance(field, m.TextField | m.FileField | m.JSONField) or (
                isinstance(field, m.CharField) and not field.choices
            )
            if named or (free_text and label in linked):
                found.append((label, field.name))
    return found


def unclassified() -> list[tuple[str, str]]:
    personal, other = collect()
    return [
        (label, name)
        for label, name in fields_needing_classification()
        if name not in personal.get(label, {}) and name not in other.get(label, {})
    ]


def stale_entries() -> list[tuple[str, str]]:
    """Entries naming a model or field that no longer exists."""
    from django.apps import apps

    personal, other = collect()
    stale = []
    for entries in (personal, other):
        for label, items in entries.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                stale.extend((label, name) for name in items)
                continue
            names = {f.name for f in model._meta.concrete_fields}
            stale.extend((label, name) for name in items if name not in names)
    return stale


# --- Masks for the audit pages ---------------------------------------------------------------


def mask_name(name) -> str:
    """张** for 张维维: the family name stays, so rows can be told apart but not read."""
    if not name:
        return ""
    name = str(name)
    return name[0] + "*" * max(1, len(name) - 1)


def _masker(label: str, field: str) -> Callable[[object], str]:
    from talentpool import identity

    if field in ("id_number",):
        return lambda v: identity.mask_id_number(str(v or ""))
    if field in ("phone",):
        return lambda v: identity.mask_phone(str(v or ""))
    return mask_name


def _hidden(value) -> str:
    return "" if value in (None, "") else "（已隐藏）"


def audit_mask(label: str, field: str) -> Callable[[object], str] | None:
    """How the audit page shows `field` of model `label`: None means as it is."""
    personal, _other = collect_cached()
    item = personal.get(label, {}).get(field)
    if item is None or item.audit == SHOWN:
        return None
    if item.audit == IDENTIFIER:
        return _masker(label, field)
    return _hidden


_cache: tuple | None = None


def collect_cached():
    global _cache
    if _cache is None:
        _cache = collect()
    return _cache
