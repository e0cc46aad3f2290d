"""Uploaded documents (a nomination's attachments, an achievement's evidence): checked whole for
the type their name declares, not by their first bytes, and capped in size.

- a PDF must parse (pypdf, strict) and have at least one page;
- a JPEG or PNG must decode completely with Pillow, as that format, and not be a
  decompression bomb;
- Word and Excel files must pass the survey reader's container checks (zip bombs, encryption,
  damaged or lying members, the main part present).

A file that starts with %PDF and then holds a web page fails the first rule.
"""

from __future__ import annotations

import warnings
from pathlib import PurePosixPath

from django import forms
from django.utils.translation import gettext as _

DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# A photo of a certificate needs far fewer; Pillow's own limit is about 89 million.
IMAGE_MAX_PIXELS = 50_000_000

_IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


def check_document(upload, *, max_bytes: int = DOCUMENT_MAX_BYTES) -> str:
    """Refuse `upload` (a Django UploadedFile) unless its whole content is the type its name
    declares; returns its suffix. Raises forms.ValidationError with a Chinese message."""
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise forms.ValidationError(_("只能上传PDF、图片（JPG/PNG）、Word或Excel文件。"))
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的。"))
    if upload.size > max_bytes:
        raise forms.ValidationError(
            _("文件不能超过%(mb)sMB。") % {"mb": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        if suffix == ".pdf":
            problem = _pdf_problem(upload)
        elif suffix in _IMAGE_FORMATS:
            problem = _image_problem(upload, _IMAGE_FORMATS[suffix])
        else:
            problem = _office_problem(upload, suffix)
    finally:
        upload.seek(0)
    if problem:
        raise forms.ValidationError(
            _("文件内容不是有效的%(ext)s文件（%(problem)s），请重新导出或扫描后上传。")
            % {"ext": suffix, "problem": problem}
        )
    return suffix


def _pdf_problem(fh) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if fh.read(5) != b"%PDF-":
        return _("开头不是PDF文件头")
    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=True)
            if reader.is_encrypted:
                return _("文件设置了密码")
            if len(reader.pages) < 1:
                return _("没有页面")
            # Parse every page's objects, not only the cross-reference table.
            for page in reader.pages:
                page.get_contents()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return _("无法解析")
    except RecursionError:
        return _("结构异常")
    return None


def _image_problem(fh, expected_format: str) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as image:
                if image.format != expected_format:
                    return _("图片格式与扩展名不符")
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    return _("图片尺寸过大")
                image.load()  # decodes every pixel: a truncated or forged body fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _("无法解码")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return _("图片尺寸过大")
    return None


def _office_problem(fh, suffix: str) -> str | None:
    from talentpool.survey.reader import (
        FileRejected,
        is_ole2,
        is_zip,
        vet_word_document,
        vet_workbook,
    )

    head = fh.read(8)
    fh.seek(0)
    package = suffix in (".docx", ".xlsx")
    if not (is_zip(head) if package else is_ole2(head)):
        return _("不是Office文件")
    try:
        if suffix in (".doc", ".docx"):
            vet_word_document(fh)
        else:
            vet_workbook(fh)
    except FileRejected as rejected:
        return rejected.message
    return None
