"""An upload handler that stops receiving a file once it passes the import's size limit.

Installed by the upload view in front of Django's handlers; best installed first in
settings.FILE_UPLOAD_HANDLERS as well, so that it also applies when a middleware reads the body
before the view does. The file is skipped (never stored, not even in a temporary file) and the
request is marked, so the page can say in Chinese what happened instead of a 413 or 500.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from talentpool.survey.pipeline import max_upload_bytes


class UploadSizeLimit(FileUploadHandler):
    def __init__(self, request=None, max_bytes: int | None = None) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes or max_upload_bytes()
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            if self.request is not None:
                self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request, uploaded=None) -> bool:
    """Whether the request's file went over the limit, however it was received."""
    if getattr(request, "upload_too_large", False):
        return True
    return uploaded is not None and uploaded.size > max_upload_bytes()
