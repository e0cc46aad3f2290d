from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from django import forms
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.models import PoolCategory, PoolMembership
from talentpool.documents import check_document
from talentpool.models import County, Person, Role, Township, User, Village
from training.actions import ActionRefused, check_party_step
from training.compliance import STATUS_LABELS
from training.models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    TOPICS,
    Achievement,
    AchievementKind,
    AssessmentGrade,
    AttendanceStatus,
    Course,
    CourseFormat,
    CourseSession,
    Enrolment,
    Evidence,
    Mentee,
    MentoringRule,
    Mentorship,
    OrganiserLevel,
    PartyStepKind,
    PostKind,
    PostTask,
    PracticePost,
    TalkLog,
    TrainingTarget,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def pool_people(user: User, *, including=()) -> QuerySet[Person]:
    """Active reserve-pool members the user may see: the people this stage trains (plus the
    people `including` names, e.g. mentees who have left the pool since they were paired)."""
    memberships = PoolMembership.objects.active().in_scope(user)
    return (
        Person.objects.in_scope(user)
        .filter(Q(pk__in=memberships.values("person_id")) | Q(pk__in=list(including)))
        .select_related("village", "township")
        .order_by("township__code", "name_pinyin", "pk")
    )


class PersonChoiceField(forms.ModelChoiceField):
    """People with their township and village, so that namesakes can be told apart."""

    def label_from_instance(self, person: Person) -> str:
        return f"{person.name}（{person.township.name} {person.village_label}）"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return f"{person.name}（{person.township.name} {person.village_label}）"


# A choice among more people than this is a search (search-as-you-type with htmx, a plain search
# form without script) instead of one long list.
PICKER_THRESHOLD = 30
PICKER_RESULTS = 30


def _matching(queryset, query: str, *, people: bool):
    """The rows of `queryset` whose name, pinyin or initials match `query` (users: names). People
    are found by name only, as every search box finds them (talentpool.lookup): a picker is no
    way to look up an identifier."""
    if people:
        return queryset.named(query)
    return queryset.filter(
        Q(last_name__contains=query)
        | Q(first_name__contains=query)
        | Q(username__icontains=query)
        | Q(title__contains=query)
    )


class PickerMixin:
    """Turns the long people choices of a form into pickers. `picker_fields` names them; for a
    field with more than PICKER_THRESHOLD choices in the user's scope (and the chosen township)
    the list shows the matches of the search `<name>_q` (from the page's query string) and what
    is already chosen; validation still accepts every choice in scope."""

    picker_fields: tuple[str, ...] = ()

    def setup_pickers(self, search, township_id: int | None) -> None:
        self.pickers = {}
        for name in self.picker_fields:
            field = self.fields[name]
            queryset = field.queryset
            if township_id:
                # Mentors without a township serve the whole county.
                extra = Q(township__isnull=True) if name == "mentor" else Q()
                queryset = queryset.filter(Q(township_id=township_id) | extra)
            total = queryset.count()
            if total <= PICKER_THRESHOLD:
                if township_id:  # a short list, but only the chosen township's
                    chosen = self._chosen(name, search)
                    rows = list(queryset) + list(
                        field.queryset.filter(pk__in=chosen).exclude(pk__in=queryset.values("pk"))
                    )
                    choices = [(obj.pk, field.label_from_instance(obj)) for obj in rows]
                    if getattr(field, "empty_label", None) is not None:
                        choices.insert(0, ("", field.empty_label))
                    field.widget.choices = choices
                continue
            query = (search.get(f"{name}_q") or "").strip()[:50]
            chosen = self._chosen(name, search)
            shown = queryset.none()
            if query:
                shown = _matching(queryset, query, people=name != "mentor")[:PICKER_RESULTS]
            shown_ids = [obj.pk for obj in shown]
            extra = list(field.queryset.filter(pk__in=chosen).exclude(pk__in=shown_ids))
            choices = [(obj.pk, field.label_from_instance(obj)) for obj in [*extra, *shown]]
            if not isinstance(field, forms.ModelMultipleChoiceField):
                choices.insert(0, ("", gettext("请先在上方查找")))
            field.widget.choices = choices
            field.picker = {"query": query, "total": total, "found": len(shown_ids)}
            self.pickers[name] = field.picker

    def _chosen(self, name: str, search) -> list[int]:
        source = self.data if self.is_bound else search
        values = source.getlist(name) if hasattr(source, "getlist") else []
        if not values and not self.is_bound:
            initial = self.initial.get(name)
            values = initial if isinstance(initial, list) else [initial] if initial else []
        return [int(v) for v in values if str(v).isdigit()]


def _not_in_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(gettext("日期不能晚于今天。"))
    return value


# --- Courses -----------------------------------------------------------------------------------


class CourseForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("培训主题"),
        required=False,
        choices=[(t, t) for t in TOPICS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    other_topics = forms.CharField(
        label=_("其他主题"),
        required=False,
        max_length=100,
        help_text=_("不在上面的主题，多个用顿号或逗号分隔"),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "organiser_level",
            "township",
            "format",
            "topics",
            "teachers",
            "capacity",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data=None, *, user: User, instance: Course | None = None) -> None:
        super().__init__(data, instance=instance)
        self.user = user
        self.fields["township"].queryset = Township.objects.in_scope(user)
        if instance is not None and instance.pk:
            self.initial["topics"] = [t for t in instance.topics if t in TOPICS]
            self.initial["other_topics"] = "、".join(t for t in instance.topics if t not in TOPICS)
        if not user.is_county:
            # A township organises its own courses only.
            self.fields["organiser_level"].disabled = True
            self.fields["township"].disabled = True
            self.initial["organiser_level"] = OrganiserLevel.TOWNSHIP
            self.initial["township"] = user.township_id

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(gettext("请填写培训名称。"))
        return title

    def clean(self) -> dict:
        data = super().clean()
        level, township = data.get("organiser_level"), data.get("township")
        if level == OrganiserLevel.TOWNSHIP and not township and "township" not in self.errors:
            self.add_error("township", gettext("乡镇（街道）举办的培训请选择举办乡镇。"))
        elif level and level != OrganiserLevel.TOWNSHIP:
            data["township"] = None
            self.instance.township = None
        extra = [t.strip() for t in _split_tags(data.get("other_topics") or "")]
        topics = list(dict.fromkeys([*data.get("topics", []), *extra]))
        if any(len(t) > 20 for t in topics):
            self.add_error("other_topics", gettext("每个主题不超过20个字。"))
        data["topics"] = topics
        capacity = data.get("capacity")
        if capacity is not None and self.instance.pk:
            enrolled = self.instance.enrolments.count()
            if capacity < enrolled:
                self.add_error(
                    "capacity",
                    gettext("已有%(n)s人报名，计划人数不能少于报名人数。") % {"n": enrolled},
                )
        return data


def _split_tags(text: str) -> list[str]:
    for sep in "，,、;；":
        text = text.replace(sep, " ")
    return [t for t in text.split() if t]


class SessionForm(forms.ModelForm):
    class Meta:
        model = CourseSession
        fields = ["date", "hours", "place", "subject", "teacher"]
        widgets = {
            "date": DATE,
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        }

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not (0 < hours <= 24):
            raise forms.ValidationError(gettext("学时须大于0且不超过24。"))
        return hours


class EnrolPeopleForm(forms.Form):
    people = PeopleChoiceField(
        label=_("报名人员"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("请至少勾选一人。"),
            "invalid_choice": _("所选人员不在可报名范围内。"),
            "invalid_pk_value": _("所选人员不在可报名范围内。"),
        },
    )

    def __init__(self, data=None, *, eligible: QuerySet[Person]) -> None:
        super().__init__(data)
        self.fields["people"].queryset = eligible


class BulkEnrolForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    category = forms.ChoiceField(
        label=_("后备类别"), required=False, choices=[("", _("全部")), *PoolCategory.choices]
    )

    def __init__(self, data=None, *, user: User, course: Course) -> None:
        super().__init__(data)
        townships = Township.objects.in_scope(user)
        if course.township_id:
            townships = townships.filter(pk=course.township_id)
        self.fields["township"].queryset = townships

    def people(self, eligible: QuerySet[Person]) -> QuerySet[Person]:
        data = self.cleaned_data
        memberships = PoolMembership.objects.active()
        if data.get("township"):
            memberships = memberships.in_township(data["township"])
        if data.get("category"):
            memberships = memberships.filter(category=data["category"])
        return eligible.filter(pk__in=memberships.values("person_id"))


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["completed", "score", "certificate_no"]
        widgets = {"score": forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"})}

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score is not None and not (0 <= score <= 100):
            raise forms.ValidationError(gettext("成绩须在0到100之间。"))
        return score

    def clean_certificate_no(self) -> str:
        number = self.cleaned_data["certificate_no"].strip()
        clash = Enrolment.objects.filter(certificate_no=number).exclude(pk=self.instance.pk)
        if number and clash.exists():
            raise forms.ValidationError(gettext("该结业证书编号已被使用。"))
        return number

    def clean(self) -> dict:
        data = super().clean()
        if data.get("certificate_no") and not data.get("completed"):
            self.add_error("completed", gettext("填写结业证书编号的学员应标记为已结业。"))
        return data


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("签到表（Excel）"),
        help_text=_("支持 .xlsx / .xls，须有“姓名”列，可有“身份证号”“签到”或“出勤情况”列"),
    )
    absent_if_missing = forms.BooleanField(
        label=_("签到表中没有的学员记为缺勤"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePosixPath(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".xls", ".xlsm", ".ods"):
            raise forms.ValidationError(gettext("请上传 Excel 文件（.xlsx 或 .xls）。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(gettext("文件超过5MB，请删去无关内容后再上传。"))
        return upload


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("培训名称"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    topic = forms.ChoiceField(label=_("主题"), required=False, choices=[("", _("全部"))])
    format = forms.ChoiceField(
        label=_("形式"), required=False, choices=[("", _("全部")), *CourseFormat.choices]
    )

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["topic"].choices = [("", gettext("全部")), *[(t, t) for t in TOPICS]]

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(title__contains=data["q"])
        if data["year"]:
            qs = qs.in_year(data["year"])
        if data["topic"]:
            qs = qs.filter(topics__contains=[data["topic"]])
        if data["format"]:
            qs = qs.filter(format=data["format"])
        return qs


class YearTownshipFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["township"].queryset = Township.objects.in_scope(user)
        if not user.is_county and user.role != Role.LEADER:
            del self.fields["township"]

    def value(self, name: str, default=None):
        if self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


class TrainingTargetForm(forms.ModelForm):
    class Meta:
        model = TrainingTarget
        fields = ["county", "year", "people", "min_hours"]

    def __init__(self, data=None, *, instance: TrainingTarget | None = None) -> None:
        super().__init__(data, instance=instance)
        self.fields["county"].queryset = County.objects.all()
        counties = County.objects.all()[:2]
        if len(counties) == 1 and not (instance and instance.pk):
            self.initial["county"] = counties[0].pk
        if not (instance and instance.pk):
            self.initial.setdefault("year", timezone.localdate().year)


# --- Party membership development ---------------------------------------------------------------


class PartyStepForm(forms.Form):
    step = forms.TypedChoiceField(label=_("发展阶段"), choices=PartyStepKind.choices, coerce=int)
    date = forms.DateField(label=_("日期"), widget=DATE)
    contact_person = forms.CharField(label=_("培养联系人"), required=False, max_length=50)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, data=None, *, person: Person, next_step: int | None = None) -> None:
        super().__init__(data)
        self.person = person
        if next_step:
            self.initial["step"] = next_step
        self.initial.setdefault("date", timezone.localdate())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("step") and data.get("date"):
            try:
                check_party_step(self.person, data["step"], data["date"])
            except ActionRefused as refusal:
                raise forms.ValidationError(refusal.message) from None
        return data


# --- Mentoring ---------------------------------------------------------------------------------


class MentoringRuleForm(forms.ModelForm):
    class Meta:
        model = MentoringRule
        fields = ["talks_per_month", "no_contact_days"]

    def clean_talks_per_month(self) -> int:
        value = self.cleaned_data["talks_per_month"]
        if not 1 <= value <= 31:
            raise forms.ValidationError(gettext("每月谈话次数须在1到31之间。"))
        return value

    def clean_no_contact_days(self) -> int:
        value = self.cleaned_data["no_contact_days"]
        if not 1 <= value <= 365:
            raise forms.ValidationError(gettext("失联预警天数须在1到365之间。"))
        return value


class MentorshipForm(PickerMixin, forms.ModelForm):
    picker_fields = ("mentor", "mentees")

    mentees = PeopleChoiceField(
        label=_("帮带对象"),
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("一名导师可带一人（一对一）或多人（多对一）"),
        error_messages={"invalid_choice": _("所选帮带对象不在本乡镇（街道）后备干部库中。")},
    )

    class Meta:
        model = Mentorship
        fields = [
            "township",
            "mentor",
            "mentor_name",
            "mentor_title",
            "start_on",
            "end_on",
            "goals",
            "mentees",
        ]
        widgets = {"start_on": DATE, "end_on": DATE, "goals": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"mentor_name": _("导师没有系统账号时填写（如老支书），谈话由乡镇代为登记")}

    def __init__(
        self, data=None, *, user: User, instance: Mentorship | None = None, search=None
    ) -> None:
        super().__init__(data, instance=instance)
        self.user = user
        search = search if search is not None else {}
        self.fields["township"].queryset = Township.objects.in_scope(user)
        mentors = User.objects.filter(role=Role.MENTOR, is_active=True)
        if not user.is_county:
            self.fields["township"].disabled = True
            self.initial["township"] = user.township_id
            mentors = mentors.filter(Q(township_id=user.township_id) | Q(township__isnull=True))
        self.fields["mentor"].queryset = mentors.order_by("username")
        self.fields["mentor"].required = False
        current = []
        if instance is not None and instance.pk:
            current = list(instance.mentees.values_list("person_id", flat=True))
            self.initial["mentees"] = current
        self.fields["mentees"].queryset = pool_people(user, including=current)
        if instance is None or not instance.pk:
            self.initial.setdefault("start_on", timezone.localdate())
        township_id = self._township_id(search)
        if township_id and user.is_county and not self.is_bound:
            self.initial["township"] = township_id
        self.setup_pickers(search, township_id)

    def _township_id(self, search) -> int | None:
        if not self.user.is_county:
            return self.user.township_id
        raw = (self.data if self.is_bound else search).get("township") or ""
        if not str(raw).isdigit():
            return self.instance.township_id if self.instance.pk else None
        allowed = Township.objects.in_scope(self.user).filter(pk=int(raw)).exists()
        return int(raw) if allowed else None

    def clean(self) -> dict:
        data = super().clean()
        township = data.get("township")
        mentor = data.get("mentor")
        if not mentor and not (data.get("mentor_name") or "").strip():
            self.add_error("mentor", gettext("请选择导师账号或填写导师姓名。"))
        if mentor and township and mentor.township_id not in (None, township.pk):
            self.add_error("mentor", gettext("该导师不属于所选乡镇（街道）。"))
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", gettext("结束日期不能早于开始日期。"))
        mentees = data.get("mentees") or []
        if township:
            strangers = [p.name for p in mentees if p.township_id != township.pk]
            if strangers:
                self.add_error(
                    "mentees",
                    gettext("%(names)s不属于所选乡镇（街道）。") % {"names": "、".join(strangers)},
                )
        if start and mentees:
            self._check_already_paired(mentees, start, end)
        if self.instance.pk and start:
            talks = TalkLog.objects.filter(mentee__mentorship=self.instance).aggregate(
                first=Min("date"), last=Max("date")
            )
            if talks["first"] and start > talks["first"]:
                self.add_error(
                    "start_on",
                    gettext("开始日期不能晚于第一次谈话（%(d)s）。")
                    % {"d": f"{talks['first']:%Y-%m-%d}"},
                )
            if talks["last"] and end and end < talks["last"]:
                self.add_error(
                    "end_on",
                    gettext("结束日期不能早于最后一次谈话（%(d)s）。")
                    % {"d": f"{talks['last']:%Y-%m-%d}"},
                )
        if self.instance.pk and "mentees" in data:
            dropped = set(self.initial["mentees"]) - {p.pk for p in mentees}
            talked = Mentee.objects.filter(
                mentorship=self.instance, person_id__in=dropped, talks__isnull=False
            ).values_list("person__name", flat=True)
            if talked:
                self.add_error(
                    "mentees",
                    gettext("%(names)s已有谈话记录，不能移出本结对，可结束结对后另行结对。")
                    % {"names": "、".join(dict.fromkeys(talked))},
                )
        return data

    def _check_already_paired(self, mentees, start: date, end: date | None) -> None:
        others = Mentorship.objects.exclude(pk=self.instance.pk).active_between(
            start, end or date.max
        )
        clash = (
            Mentee.objects.filter(mentorship__in=others, person__in=mentees)
            .select_related("person", "mentorship__mentor")
            .first()
        )
        if clash:
            self.add_error(
                "mentees",
                gettext("%(name)s在此期间已与导师%(mentor)s结对，不能重复结对。")
                % {"name": clash.person.name, "mentor": clash.mentorship.mentor_label},
            )

    def save(self, commit: bool = True) -> Mentorship:
        mentorship = super().save(commit=False)
        if not mentorship.pk:
            mentorship.created_by = self.user
        mentorship.save()
        wanted = {p.pk for p in self.cleaned_data["mentees"]}
        current = set(mentorship.mentees.values_list("person_id", flat=True))
        Mentee.objects.filter(mentorship=mentorship, person_id__in=current - wanted).delete()
        Mentee.objects.bulk_create(
            [Mentee(mentorship=mentorship, person_id=pk) for pk in sorted(wanted - current)]
        )
        return mentorship


class EndMentorshipForm(forms.Form):
    end_on = forms.DateField(label=_("结束日期"), widget=DATE)


class TalkForm(forms.ModelForm):
    """The mentor's quick form on a phone: the date defaults to today, the kind is one tap."""

    class Meta:
        model = TalkLog
        fields = ["date", "kind", "topics", "problems", "follow_up"]
        widgets = {
            "date": DATE,
            "kind": forms.RadioSelect,
            "topics": forms.Textarea(attrs={"rows": 3, "placeholder": _("谈了哪些内容")}),
            "problems": forms.Textarea(attrs={"rows": 2, "placeholder": _("可不填")}),
            "follow_up": forms.Textarea(attrs={"rows": 2, "placeholder": _("可不填")}),
        }

    def __init__(self, data=None, *, mentee: Mentee) -> None:
        super().__init__(data, initial={"date": timezone.localdate()})
        self.mentee = mentee

    def clean_date(self) -> date:
        on = _not_in_future(self.cleaned_data["date"])
        pairing = self.mentee.mentorship
        if on < pairing.start_on or (pairing.end_on and on > pairing.end_on):
            raise forms.ValidationError(gettext("日期不在结对期内。"))
        return on

    def clean_topics(self) -> str:
        text = self.cleaned_data["topics"].strip()
        if not text:
            raise forms.ValidationError(gettext("请填写谈话内容。"))
        return text


class ComplianceFilterForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *STATUS_LABELS.items()]
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        if user.role in (Role.COUNTY, Role.LEADER):
            self.fields["township"].queryset = Township.objects.in_scope(user)
        else:
            del self.fields["township"]

    def value(self, name: str, default=None):
        if self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


# --- Practice posts ----------------------------------------------------------------------------


class PracticePostForm(forms.ModelForm):
    person = PersonChoiceField(
        label=_("锻炼人员"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("所选人员不在本乡镇（街道）后备干部库中。")},
    )

    class Meta:
        model = PracticePost
        fields = [
            "person",
            "kind",
            "host_village",
            "host_unit",
            "supervisor",
            "start_on",
            "end_on",
            "full_time",
            "duties",
        ]
        widgets = {"start_on": DATE, "end_on": DATE, "duties": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "host_village": {"invalid_choice": _("所选村（社区）不在您的管辖范围内。")}
        }

    def __init__(self, data=None, *, user: User, instance: PracticePost | None = None) -> None:
        super().__init__(data, instance=instance)
        people = pool_people(user)
        if instance is not None and instance.pk:
            # The person stays; they may have left the pool since.
            people = Person.objects.filter(pk=instance.person_id).select_related(
                "township", "village"
            )
            self.fields["person"].disabled = True
        self.fields["person"].queryset = people
        self.fields["host_village"].queryset = Village.objects.in_scope(user).select_related(
            "township"
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", gettext("结束日期不能早于开始日期。"))
            return data
        no_host = not data.get("host_village") and not (data.get("host_unit") or "").strip()
        if no_host and "host_village" not in self.errors:
            self.add_error("host_village", gettext("请选择锻炼村（社区）或填写锻炼单位。"))
        person = data.get("person")
        if person and start and end and data.get("full_time"):
            clash = (
                PracticePost.objects.filter(person=person, full_time=True)
                .overlapping(start, end)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash:
                # On the field, so that the model's own exclusion check does not say it again.
                self.add_error("start_on", overlap_message(clash))
        return data


def overlap_message(clash: PracticePost) -> str:
    return gettext(
        "%(name)s在%(start)s至%(end)s已有全脱产岗位“%(kind)s”（%(host)s），"
        "全脱产锻炼时间不能重叠。请调整日期或改为半脱产。"
    ) % {
        "name": clash.person.name,
        "start": f"{clash.start_on:%Y-%m-%d}",
        "end": f"{clash.end_on:%Y-%m-%d}",
        "kind": clash.get_kind_display(),
        "host": clash.host_label,
    }


class PostTaskForm(forms.ModelForm):
    class Meta:
        model = PostTask
        fields = ["title", "assigned_on", "status", "outcome"]
        widgets = {"assigned_on": DATE, "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, data=None, *, post: PracticePost, instance: PostTask | None = None):
        super().__init__(data, instance=instance)
        self.post = post
        if instance is None:
            self.initial["assigned_on"] = min(timezone.localdate(), post.end_on)

    def clean_assigned_on(self) -> date:
        on = self.cleaned_data["assigned_on"]
        if on < self.post.start_on or on > self.post.end_on:
            raise forms.ValidationError(gettext("交办日期须在锻炼期内。"))
        return on


class AssessmentForm(forms.Form):
    grade = forms.ChoiceField(label=_("期满评价"), choices=AssessmentGrade.choices)
    assessment = forms.CharField(
        label=_("接收单位评价意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    assessed_on = forms.DateField(label=_("评价日期"), widget=DATE)

    def clean_assessed_on(self) -> date:
        return _not_in_future(self.cleaned_data["assessed_on"])


class PostFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("岗位类型"), required=False, choices=[("", _("全部")), *PostKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("current", _("在岗")), ("ended", _("已期满"))],
    )
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)


# --- Work record -------------------------------------------------------------------------------


class AchievementForm(forms.ModelForm):
    person = PersonChoiceField(
        label=_("人员"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("所选人员不在您的管辖范围内。")},
    )

    class Meta:
        model = Achievement
        fields = [
            "person",
            "kind",
            "date",
            "title",
            "description",
            "company",
            "agreement_signed",
            "investment",
        ]
        widgets = {
            "date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "investment": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }

    def __init__(self, data=None, *, user: User, instance: Achievement | None = None) -> None:
        super().__init__(data, instance=instance)
        if user.role == Role.MENTOR:
            people = Person.objects.in_scope(user).select_related("township", "village")
        else:
            people = pool_people(user)
        if instance is not None and instance.pk:
            people = Person.objects.filter(pk=instance.person_id).select_related(
                "township", "village"
            )
            self.fields["person"].disabled = True
        self.fields["person"].queryset = people

    def clean_date(self) -> date:
        return _not_in_future(self.cleaned_data["date"])

    def clean_investment(self):
        value = self.cleaned_data["investment"]
        if value is not None and value < 0:
            raise forms.ValidationError(gettext("投资金额不能为负数。"))
        return value

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") and data["kind"] != AchievementKind.PROJECT:
            # Project figures belong to projects only; a changed kind drops them.
            data["company"], data["agreement_signed"], data["investment"] = "", False, None
            self.instance.company, self.instance.agreement_signed = "", False
            self.instance.investment = None
        elif (
            data.get("kind") == AchievementKind.PROJECT and not (data.get("company") or "").strip()
        ):
            self.add_error("company", gettext("项目推介请填写对接企业。"))
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("佐证材料"), help_text=_("图片、PDF、Word 或 Excel，每个不超过10MB")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePosixPath(upload.name).suffix.lower()
        if suffix not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(
                gettext("不支持此类文件，请上传图片、PDF、Word 或 Excel 文件。")
            )
        # The whole file, not its first bytes: "%PDF" followed by a web page is not a PDF.
        check_document(upload, max_bytes=EVIDENCE_MAX_BYTES)
        return upload

    def save(self, achievement: Achievement, *, user: User) -> Evidence:
        upload = self.cleaned_data["file"]
        suffix = PurePosixPath(upload.name).suffix.lower()
        return Evidence.objects.create(
            achievement=achievement,
            file=upload,
            original_name=PurePosixPath(upload.name.replace("\\", "/")).name[:200],
            content_type=EVIDENCE_EXTENSIONS[suffix],
            size=upload.size,
            uploaded_by=user,
        )


class AchievementFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    kind = forms.ChoiceField(
        label=_("实绩类别"), required=False, choices=[("", _("全部")), *AchievementKind.choices]
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(
        label=_("确认状态"),
        required=False,
        choices=[("", _("全部")), ("confirmed", _("已确认")), ("pending", _("待确认"))],
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        if user.role in (Role.COUNTY, Role.LEADER):
            self.fields["township"].queryset = Township.objects.in_scope(user)
        else:
            del self.fields["township"]

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("township"):
            qs = qs.filter(person__township=data["township"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["year"]:
            qs = qs.filter(date__year=data["year"])
        if data["state"] == "confirmed":
            qs = qs.filter(confirmed_at__isnull=False)
        elif data["state"] == "pending":
            qs = qs.filter(confirmed_at__isnull=True)
        return qs


ATTENDANCE_CHOICES = [("", "—"), *AttendanceStatus.choices]
