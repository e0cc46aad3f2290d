"""The dashboards' figures: each a title, a table (columns and rows of plain values) and the
chart drawn from the same numbers. The page and its Excel export are built by the same
function from the same figures, so the exported numbers are the page's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from evaluation import stats
from evaluation.models import ReviewRound, StepKind

DASH = None  # an empty cell: shown as "—" on the page, left blank in Excel


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: dict | None = None
    note: str = ""
    total: list | None = None  # the total row, printed last and in bold
    wide: bool = False  # a long table: the chart sits above it rather than beside it

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    def table(self) -> list[list]:
        """Every row as exported, the total last."""
        return self.rows + ([self.total] if self.total else [])

    @property
    def text_rows(self) -> list[list[str]]:
        """The rows as the page prints them (formatted here: a county's tables have thousands
        of cells, and the template's per-cell localisation costs more than the queries)."""
        return [[_text(v) for v in row] for row in self.rows]

    @property
    def text_total(self) -> list[str] | None:
        return [_text(v) for v in self.total] if self.total else None


def _text(value) -> str:
    if value is None:
        return "—"
    return str(value)


@dataclass
class Dashboard:
    """What a dashboard shows, for one scope and one pair of comparison dates."""

    today: date
    before: date
    after: date
    single_township: bool
    # True when the two dates are the eve and the day of the last 换届: only then are they
    # labelled 换届前 / 换届后; any other pair is labelled by its dates.
    election: bool = False
    kpis: list[tuple[str, object, str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    @property
    def period_words(self) -> tuple[str, str]:
        """What the two dates are called in headings: 换届前/换届后, or the dates themselves."""
        if self.election:
            return str(_("换届前")), str(_("换届后"))
        return f"{self.before:%Y-%m-%d}", f"{self.after:%Y-%m-%d}"


def _bar(categories, series, *, unit="", kind="bar", stacked=False) -> dict:
    return {
        "type": kind,
        "categories": [str(c) for c in categories],
        "series": [{"name": str(name), "data": data} for name, data in series],
        "unit": unit,
        "stacked": stacked,
    }


def _change(before, after, digits: int):
    if before is None or after is None:
        return DASH
    return round(after - before, digits)


def build(
    *,
    township_ids,
    today: date,
    before: date,
    after: date,
    single_township: bool,
    only: str | None = None,
) -> Dashboard:
    """Every figure of the dashboard for the townships given (None: the whole county), or
    only the section holding the figure `only` (an export of one figure)."""
    changeover = stats.latest_changeover(township_ids)
    election = changeover is not None and (before, after) == (
        changeover - timedelta(days=1),
        changeover,
    )
    board = Dashboard(today, before, after, single_township, election)
    for keys, section in SECTIONS:
        if only is None or only in keys:
            section(board, township_ids)
    return board


def _committee(board: Dashboard, township_ids) -> None:
    rows, total = stats.compare_committees(board.before, board.after, township_ids)
    b, a = total.before, total.after
    indicators = [
        (_("人数"), b.headcount, a.headcount, _change(b.headcount, a.headcount, 0)),
        (_("平均年龄（岁）"), b.average_age, a.average_age, total.age_change),
        (_("大专及以上学历占比（%）"), b.college_share, a.college_share, total.college_change),
        (
            _("女性占比（%）"),
            b.women_share,
            a.women_share,
            _change(b.women_share, a.women_share, 2),
        ),
        (
            _("党员占比（%）"),
            b.party_share,
            a.party_share,
            _change(b.party_share, a.party_share, 2),
        ),
    ]
    if board.election:
        before_label = _("%(d)s（换届前）") % {"d": f"{board.before:%Y-%m-%d}"}
        after_label = _("%(d)s（换届后）") % {"d": f"{board.after:%Y-%m-%d}"}
    else:
        before_label, after_label = board.period_words
    early, late = board.period_words
    board.figures.append(
        Figure(
            "committee",
            _("村“两委”班子结构对比（一降两升）"),
            [_("指标"), before_label, after_label, _("变化")],
            [list(row) for row in indicators],
            chart=_bar(
                [row[0] for row in indicators[1:]],
                [
                    (before_label, [row[1] for row in indicators[1:]]),
                    (after_label, [row[2] for row in indicators[1:]]),
                ],
            ),
            note=_("在任村“两委”成员，一人兼任多职（一肩挑）只计一次；年龄为当日周岁。"),
        )
    )
    board.figures.append(
        Figure(
            "committee_ages",
            _("村“两委”成员年龄结构"),
            [_("年龄段"), before_label, after_label],
            [
                [label, b.age_bands[i], a.age_bands[i]]
                for i, label in enumerate(stats.AGE_BAND_LABELS)
            ],
            chart=_bar(
                stats.AGE_BAND_LABELS, [(before_label, b.age_bands), (after_label, a.age_bands)]
            ),
        )
    )
    if board.single_township:
        return
    board.figures.append(
        Figure(
            "committee_townships",
            _("各乡镇（街道）村“两委”班子结构"),
            [
                _("乡镇（街道）"),
                _("%(when)s人数") % {"when": early},
                _("%(when)s平均年龄") % {"when": early},
                _("%(when)s大专及以上（%%）") % {"when": early},
                _("%(when)s人数") % {"when": late},
                _("%(when)s平均年龄") % {"when": late},
                _("%(when)s大专及以上（%%）") % {"when": late},
                _("平均年龄变化"),
                _("大专及以上占比变化"),
            ],
            [_committee_row(row) for row in rows],
            total=_committee_row(total),
            chart=_bar(
                [row.township for row in rows],
                [
                    (_("%(when)s平均年龄") % {"when": early}, [r.before.average_age for r in rows]),
                    (_("%(when)s平均年龄") % {"when": late}, [r.after.average_age for r in rows]),
                ],
            ),
            wide=True,
        )
    )


def _committee_row(row: stats.Comparison) -> list:
    return [
        row.township,
        row.before.headcount,
        row.before.average_age,
        row.before.college_share,
        row.after.headcount,
        row.after.average_age,
        row.after.college_share,
        row.age_change,
        row.college_change,
    ]


def _pool(board: Dashboard, township_ids) -> None:
    today = board.today
    rows, total = stats.pool_structure(today, township_ids)
    board.kpis.append((_("在库后备干部"), total.headcount, _("人")))
    board.kpis.append((_("后备干部平均年龄"), total.average_age, _("岁")))
    indicators = [
        (_("大专及以上学历"), total.college, total.college_share),
        (_("女性"), total.women, total.women_share),
        (_("党员（含预备党员）"), total.party, total.party_share),
        (_("退役军人"), total.veterans, total.veteran_share),
        (_("返乡人员"), total.returnees, total.returnee_share),
        (_("有产业经验或专业技能"), total.industry, total.industry_share),
    ]
    board.figures.append(
        Figure(
            "pool",
            _("后备干部队伍结构"),
            [_("指标"), _("人数"), _("占比（%）")],
            [
                [_("在库后备干部"), total.headcount, DASH],
                [_("平均年龄（岁）"), total.average_age, DASH],
            ]
            + [list(row) for row in indicators],
            chart=_bar(
                [row[0] for row in indicators],
                [(_("占比"), [row[2] for row in indicators])],
                unit="%",
            ),
            note=_("产业经验按“从事行业及单位”“技能特长”中的产业关键词识别。"),
        )
    )
    board.figures.append(
        Figure(
            "pool_ages",
            _("后备干部年龄结构"),
            [_("年龄段"), _("人数"), _("占比（%）")],
            [
                [label, total.age_bands[i], stats.share(total.age_bands[i], total.headcount)]
                for i, label in enumerate(stats.AGE_BAND_LABELS)
            ],
            chart=_bar(stats.AGE_BAND_LABELS, [(_("人数"), total.age_bands)]),
        )
    )
    if board.single_township:
        return
    board.figures.append(
        Figure(
            "pool_townships",
            _("各乡镇（街道）后备干部结构"),
            [
                _("乡镇（街道）"),
                _("人数"),
                _("平均年龄"),
                _("大专及以上"),
                _("女性"),
                _("党员"),
                _("退役军人"),
                _("返乡人员"),
                _("有产业经验"),
            ],
            [_pool_row(row) for row in rows],
            total=_pool_row(total),
            chart=_bar(
                [row.township for row in rows],
                [
                    (_("人数"), [row.headcount for row in rows]),
                    (_("大专及以上"), [row.college for row in rows]),
                ],
            ),
            wide=True,
        )
    )


def _pool_row(row: stats.Structure) -> list:
    return [
        row.township,
        row.headcount,
        row.average_age,
        row.college,
        row.women,
        row.party,
        row.veterans,
        row.returnees,
        row.industry,
    ]


def _funnel(board: Dashboard, township_ids) -> None:
    rows, total = stats.funnel(township_ids)
    values = total.values()
    labels = [label for _key, label in stats.FUNNEL_STAGES]
    board.figures.append(
        Figure(
            "funnel",
            _("从登记到任用"),
            [_("环节"), _("人数"), _("占登记人数（%）")],
            [
                [label, value, stats.share(value, values[0]) if i else DASH]
                for i, (label, value) in enumerate(zip(labels, values, strict=True))
            ],
            # The registry dwarfs the later stages: the chart starts at the recommendation.
            chart=_bar(labels[1:], [(_("人数"), values[1:])], kind="hbar"),
            note=_(
                "累计人数（按人计）。直接入库（无推荐记录）的后备干部只计入后续环节；"
                "参加培训指在库（含已出库）后备干部中有出勤记录的人。"
            ),
        )
    )
    if board.single_township:
        return
    board.figures.append(
        Figure(
            "funnel_townships",
            _("各乡镇（街道）培养链条"),
            [_("乡镇（街道）")] + [label for _key, label in stats.FUNNEL_STAGES],
            [[row.township, *row.values()] for row in rows],
            total=[total.township, *total.values()],
            wide=True,
        )
    )


def _coverage(board: Dashboard, township_ids) -> None:
    rows, total = stats.coverage(township_ids)
    board.kpis.append((_("一职双备岗位覆盖率"), total.coverage_share, "%"))
    if board.single_township:
        short = stats.short_posts(township_ids)
        board.figures.append(
            Figure(
                "coverage",
                _("一职双备落实情况"),
                [_("指标"), _("数值")],
                [
                    [_("村（社区）"), total.villages],
                    [_("村级岗位"), total.posts],
                    [_("应配后备人数"), total.required],
                    [_("已落实后备人数"), total.reserves],
                    [_("后备配齐的岗位"), total.covered_posts],
                    [_("岗位覆盖率（%）"), total.coverage_share],
                    [_("后备不足的村"), total.short_villages],
                ],
                chart={
                    "type": "pie",
                    "categories": [_("后备配齐"), _("后备不足")],
                    "series": [
                        {
                            "name": _("岗位"),
                            "data": [total.covered_posts, total.posts - total.covered_posts],
                        }
                    ],
                },
            )
        )
        board.figures.append(
            Figure(
                "short_posts",
                _("后备力量不足的岗位（工作清单）"),
                [_("村（社区）"), _("岗位"), _("已落实后备"), _("应配后备")],
                [[p.village, p.post, p.reserves, p.needed] for p in short],
                wide=True,
            )
        )
        return
    board.figures.append(
        Figure(
            "coverage",
            _("各乡镇（街道）一职双备落实情况"),
            [
                _("乡镇（街道）"),
                _("村（社区）"),
                _("村级岗位"),
                _("应配后备"),
                _("已落实后备"),
                _("后备配齐的岗位"),
                _("岗位覆盖率（%）"),
                _("后备不足的村"),
            ],
            [_coverage_row(row) for row in rows],
            total=_coverage_row(total),
            chart=_bar(
                [row.township for row in rows],
                [(_("岗位覆盖率"), [row.coverage_share for row in rows])],
                unit="%",
            ),
            wide=True,
        )
    )


def _coverage_row(row: stats.Coverage) -> list:
    return [
        row.township,
        row.villages,
        row.posts,
        row.required,
        row.reserves,
        row.covered_posts,
        row.coverage_share,
        row.short_villages,
    ]


def _training(board: Dashboard, township_ids) -> None:
    today = board.today
    summary = stats.training(today.year, township_ids)
    total = summary.total
    board.kpis.append(
        (
            _("%(y)s年培训达标人数") % {"y": today.year},
            total.trained,
            _("人")
            if summary.target_people is None or board.single_township
            else _("人 / 目标%(n)s人") % {"n": summary.target_people},
        )
    )
    columns = [
        _("乡镇（街道）"),
        _("参训人数"),
        _("出勤学时"),
        _("学时达标人数"),
        _("在库后备干部"),
        _("后备干部学时达标"),
        _("后备干部达标率（%）"),
    ]
    note = _("学时达标：全年出勤学时不少于%(h)s学时。") % {"h": summary.min_hours}
    if summary.target_people:
        note += _("全县年度目标%(n)s人，已完成%(s)s%%。") % {
            "n": summary.target_people,
            "s": summary.target_share,
        }
    else:
        note += _("本年度尚未设定全县培训目标。")
    board.figures.append(
        Figure(
            "training",
            _("%(y)s年培训学时与目标") % {"y": today.year},
            columns,
            [_training_row(row) for row in summary.rows],
            total=None if board.single_township else _training_row(total),
            chart=_bar(
                [row.township for row in summary.rows],
                [
                    (_("学时达标人数"), [row.trained for row in summary.rows]),
                    (_("后备干部学时达标"), [row.reserves_trained for row in summary.rows]),
                ],
            ),
            note=note,
            wide=not board.single_township,
        )
    )


def _training_row(row: stats.TrainingRow) -> list:
    return [
        row.township,
        row.people,
        float(row.hours),
        row.trained,
        row.reserves,
        row.reserves_trained,
        row.reserves_trained_share,
    ]


def _mentoring(board: Dashboard, township_ids) -> None:
    today = board.today
    from training.compliance import previous_month

    month = previous_month(today)
    rows, total = stats.mentoring(month, today, township_ids)
    board.kpis.append((_("上月帮带达标率"), total.compliance, "%"))
    columns = [
        _("乡镇（街道）"),
        _("结对帮带"),
        _("达标"),
        _("未达标"),
        _("失联"),
        _("达标率（%）"),
    ]
    board.figures.append(
        Figure(
            "mentoring",
            _("%(y)s年%(m)s月导师帮带谈心谈话频次") % {"y": month.year, "m": month.month},
            columns,
            [_mentoring_row(row) for row in rows],
            total=None if board.single_township else _mentoring_row(total),
            chart=_bar(
                [row.township for row in rows],
                [
                    (_("达标"), [row.on_track for row in rows]),
                    (_("未达标"), [row.behind for row in rows]),
                    (_("失联"), [row.no_contact for row in rows]),
                ],
                stacked=True,
            ),
            note=_("按全县帮带频次要求（每名后备干部每月谈心谈话次数）判定。"),
            wide=not board.single_township,
        )
    )


def _mentoring_row(row: stats.MentoringRow) -> list:
    return [row.township, row.pairs, row.on_track, row.behind, row.no_contact, row.compliance]


def _reviews(board: Dashboard, township_ids) -> None:
    rounds = ReviewRound.objects.order_by("-ends_on", "-pk")
    if township_ids is not None:
        from django.db.models import Q

        rounds = rounds.filter(Q(township__isnull=True) | Q(township_id__in=list(township_ids)))
    due = stats.reviews_due(list(rounds[:8]), township_ids)
    board.kpis.append((_("待完成的考核"), sum(row.outstanding for row in due), _("人")))
    board.figures.append(
        Figure(
            "reviews_due",
            _("定期考核进度"),
            [
                _("考核轮次"),
                _("提交截止"),
                _("应考核"),
                _("未录入"),
                _("草稿"),
                _("待县级确认"),
                _("已确认"),
            ],
            [
                [
                    row.round,
                    f"{row.due_on:%Y-%m-%d}" if row.due_on else DASH,
                    row.expected,
                    row.missing,
                    row.draft,
                    row.submitted,
                    row.confirmed,
                ]
                for row in due
            ],
            chart=_bar(
                [row.round for row in due],
                [
                    (_("未录入"), [row.missing for row in due]),
                    (_("草稿"), [row.draft for row in due]),
                    (_("待县级确认"), [row.submitted for row in due]),
                    (_("已确认"), [row.confirmed for row in due]),
                ],
                kind="hbar",
                stacked=True,
            )
            if due
            else None,
            note=_("应考核：考核期结束前入库、目前仍在库的后备干部。"),
        )
    )


def _careers(board: Dashboard, township_ids) -> None:
    counts = stats.career_counts(township_ids)
    kinds = [
        StepKind.ENTERED,
        StepKind.PROMOTED,
        StepKind.ONE_SHOULDER,
        StepKind.FULL_TIME,
        StepKind.PUBLIC_INSTITUTION,
    ]
    board.figures.append(
        Figure(
            "careers",
            _("选拔任用与成长"),
            [_("类别"), _("人数")],
            [[str(StepKind(kind).label), counts[kind]] for kind in kinds],
            chart=_bar(
                [str(StepKind(kind).label) for kind in kinds],
                [(_("人数"), [counts[kind] for kind in kinds])],
                kind="hbar",
            ),
            note=_("累计人数（按人计）。"),
        )
    )


SECTIONS = [
    ({"committee", "committee_ages", "committee_townships"}, _committee),
    ({"pool", "pool_ages", "pool_townships"}, _pool),
    ({"funnel", "funnel_townships"}, _funnel),
    ({"coverage", "short_posts"}, _coverage),
    ({"training"}, _training),
    ({"mentoring"}, _mentoring),
    ({"reviews_due"}, _reviews),
    ({"careers"}, _careers),
]
