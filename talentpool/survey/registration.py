"""Hooks the survey import adds to the core: its export kind in talentpool.exports.

TalentpoolConfig.ready() calls register_exports() at start-up. Registering twice is harmless.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_exports() -> None:
    from talentpool import exports
    from talentpool.survey.export import registry_people, registry_rows

    registry = exports.KINDS.get("registry")
    exports.register(
        "survey",
        title=_("人才信息库（登记表格式）"),
        roles={"county", "township", "leader"},
        count=lambda user, params: registry_people(user, params).count(),
        rows=registry_rows,
        describe=registry.describe if registry else None,
        form=registry.form,
    )
