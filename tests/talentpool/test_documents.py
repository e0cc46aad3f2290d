"""Uploaded documents are checked whole for the type their name declares, and capped in size."""

import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from talentpool.documents import DOCUMENT_MAX_BYTES, check_document
from tests.documents import docx_bytes, image_bytes, pdf_bytes, xlsx_bytes

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("推荐表.pdf", pdf_bytes),
        ("合影.jpg", lambda: image_bytes("JPEG")),
        ("合影.JPEG", lambda: image_bytes("JPEG")),
        ("证书.png", lambda: image_bytes("PNG")),
        ("协议.docx", docx_bytes),
        ("签到表.xlsx", xlsx_bytes),
    ],
)
def test_valid_documents_pass(name, make):
    upload = SimpleUploadedFile(name, make())
    check_document(upload)
    assert upload.tell() == 0  # left ready to be saved


def _refusal(name: str, content: bytes, **kwargs) -> str:
    with pytest.raises(forms.ValidationError) as refused:
        check_document(SimpleUploadedFile(name, content), **kwargs)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # The finding: the first bytes of a PDF, then a web page.
        ("推荐表.pdf", b"%PDF-1.7\n" + HTML),
        ("推荐表.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + HTML + b"\n%%EOF\n"),
        # A valid PDF cut short.
        ("推荐表.pdf", pdf_bytes()[:200]),
        ("合影.jpg", b"\xff\xd8\xff\xe0" + HTML),
        ("合影.jpg", image_bytes("JPEG")[:60]),
        # A PNG named .jpg is not what it says either.
        ("合影.jpg", image_bytes("PNG")),
        ("证书.png", b"\x89PNG\r\n\x1a\n" + HTML),
        ("协议.docx", b"PK\x03\x04" + HTML),
        ("协议.docx", xlsx_bytes()),  # a workbook, not a Word document
        ("签到表.xlsx", docx_bytes()),
        ("签到表.xlsx", HTML),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + HTML),
        ("旧文档.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + HTML),
    ],
)
def test_a_file_that_is_not_wholly_its_declared_type_is_refused(name, content):
    suffix = name[name.rindex(".") :].lower()
    assert f"不是有效的{suffix}文件" in _refusal(name, content)


def test_a_zip_bomb_named_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:document/>")
        # Compresses over 1000 to 1: far past what any real document does.
        package.writestr("word/padding.xml", b"\0" * (5 * 1024 * 1024))
    assert "不是有效的.docx文件" in _refusal("协议.docx", buffer.getvalue())


def test_other_types_empty_files_and_large_files_are_refused():
    assert "只能上传PDF" in _refusal("页面.html", HTML)
    assert "只能上传PDF" in _refusal("脚本.svg", b"<svg onload='alert(1)'/>")
    assert "文件是空的" in _refusal("推荐表.pdf", b"")
    assert "不能超过1MB" in _refusal(
        "推荐表.pdf", pdf_bytes() + b"\0" * 1024 * 1024, max_bytes=1024 * 1024
    )
    assert DOCUMENT_MAX_BYTES == 10 * 1024 * 1024
