from django.conf import settings
from django.core.management.base import BaseCommand

from talentpool.retention import PURGED_FOLDERS, purge_expired_files


class Command(BaseCommand):
    help = (
        "Delete uploaded originals and generated files older than FILE_RETENTION_DAYS "
        f"(under MEDIA_ROOT/{{{','.join(PURGED_FOLDERS)}}}) with the rows survey imports staged "
        "from them, and expire unused export approvals."
    )

    def handle(self, *args, **options):
        result = purge_expired_files()
        self.stdout.write(
            f"已删除超过 {settings.FILE_RETENTION_DAYS} 天的文件 {result.deleted} 个，"
            f"保留 {result.kept} 个；过期导出申请 {result.expired_exports} 个；"
            f"清除导入明细的批次 {result.purged_batches} 个。"
        )
