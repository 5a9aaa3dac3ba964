"""Files in the configured storage folder (STORAGE_DIR, shared by every host), each recorded as a Document.

A file is written under a random name to a temporary path and renamed into place, so a reader on another host
never sees half a file; its SHA-256 and original (Chinese) name are kept on the Document row.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

from flask import current_app

from app.errors import CommandError
from app.extensions import db
from schema import Document

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".txt", ".ofd", ".zip"}
CONTENT_TYPES = {
    ".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".txt": "text/plain; charset=utf-8", ".ofd": "application/ofd", ".zip": "application/zip",
}


def storage_path(storage_name: str) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / storage_name


def write_file(data: bytes | Path, suffix: str) -> tuple[str, str]:
    """Put `data` (bytes, or the path of a file the app generated, moved in without reading it into memory) in
    the storage folder under a new random name; answer (storage name, SHA-256)."""
    storage_name = f"{uuid.uuid4().hex}{suffix}"
    target = storage_path(storage_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".part")
    if isinstance(data, Path):
        shutil.move(data, temp)  # a rename on the same file system
        with temp.open("rb") as f:
            sha256 = hashlib.file_digest(f, "sha256").hexdigest()
    else:
        temp.write_bytes(data)
        sha256 = hashlib.sha256(data).hexdigest()
    os.replace(temp, target)
    return storage_name, sha256


def store(data: bytes | Path, original_name: str, *, title: str | None = None, uploaded_by: str | None = None,
          **fields) -> Document:
    """Write `data` to the storage folder and add its Document row (not committed).

    `data` is an upload's bytes, or the path of a file the app generated (a large export): that file is moved in
    without being read into memory, and no upload size limit applies to it.
    """
    name = Path((original_name or "").replace("\\", "/")).name.strip()
    suffix = Path(name).suffix.lower()
    if not name:
        raise CommandError("请选择要上传的文件", "file")
    if suffix not in ALLOWED_SUFFIXES:
        raise CommandError(f"不支持的文件类型「{suffix or '无扩展名'}」，允许：{'、'.join(sorted(ALLOWED_SUFFIXES))}",
                           "file")
    generated = isinstance(data, Path)
    size = data.stat().st_size if generated else len(data)
    if not size:
        raise CommandError("上传的文件是空的", "file")
    if not generated and size > MAX_UPLOAD_BYTES:
        raise CommandError(f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", "file")
    storage_name, sha256 = write_file(data, suffix)
    doc = Document(title=title or Path(name).stem, original_name=name, storage_name=storage_name, sha256=sha256,
                   size=size, content_type=CONTENT_TYPES.get(suffix), uploaded_by=uploaded_by, **fields)
    db.session.add(doc)
    return doc


def file_problem(doc: Document) -> str | None:
    """None if `doc`'s stored file is there and still has its recorded SHA-256; otherwise what is wrong, in Chinese."""
    path = storage_path(doc.storage_name)
    if not path.is_file():
        return "文件缺失"
    with path.open("rb") as f:
        if hashlib.file_digest(f, "sha256").hexdigest() != doc.sha256:
            return "文件已被改动，SHA-256 与登记值不符"
    return None


PENDING = "pending"  # uploads awaiting confirmation after a preview, by SHA-256 (no database row yet)


def hold(data: bytes) -> str:
    """Keep an upload between its preview and its confirmation (any host may take the confirm); its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = storage_path(f"{PENDING}/{digest}")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(target.name + f".{uuid.uuid4().hex}.part")
        temp.write_bytes(data)
        os.replace(temp, target)
    return digest


def held(digest: str) -> bytes:
    """The upload kept by `hold`, or a CommandError when it is gone or the key is not one."""
    if len(digest or "") != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise CommandError("预览已失效，请重新上传文件", "file")
    path = storage_path(f"{PENDING}/{digest}")
    if not path.is_file():
        raise CommandError("预览已失效，请重新上传文件", "file")
    return path.read_bytes()


def release(digest: str) -> None:
    storage_path(f"{PENDING}/{digest}").unlink(missing_ok=True)


# A unit named "党委办公室/校长办公室" must not turn into a folder: path and reserved characters become their
# full-width forms, which read the same in Chinese and are legal in a file name on every system.
PATH_CHARACTERS = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜",
                                 ">": "＞", "|": "｜", **{chr(c): None for c in range(32)}, "\x7f": None})


def safe_name(text: str) -> str:
    """`text` usable as (part of) a file name: no path or reserved character, no control character."""
    return (text or "").translate(PATH_CHARACTERS).strip().strip(".") or "文件"


def content_disposition(original_name: str) -> str:
    """RFC 6266 with the Chinese name in `filename*` and an ASCII fallback for old clients; a path character in
    the name is kept as its full-width form, never read as a folder (so never cutting the name)."""
    name = safe_name(original_name)
    fallback = "".join(c if c.isascii() and c not in '"\\;' else "_" for c in name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
