"""Any .docx or .xlsx as PDF through LibreOffice headless (Debian's libreoffice-*-nogui, scripts/install_office.sh).

One conversion at a time per host: soffice with one user profile is not safe to run twice at once, and two of them
would share the two cores with the web workers. A thread lock serialises the threads of a process, a file lock
(fcntl) the processes that share STORAGE_DIR. The child gets its own profile under STORAGE_DIR/tmp, the project's
fontconfig file (fonts.conf: the 公文 fonts mapped to installed CJK fonts) and a timeout after which its whole
process group is killed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess  # nosec B404  # LibreOffice runs with a fixed argument list, never a shell
import tempfile
import threading
from pathlib import Path

from app.commands import CommandError

FONTS_CONF = Path(__file__).with_name("fonts.conf")
TIMEOUT = 120  # seconds: 附件14 of 50 talks converts in a few seconds; a stuck soffice must not hold the lock
_LOCK = threading.Lock()


class OfficeUnavailable(CommandError):
    """LibreOffice is not installed or did not convert: the PDF cannot be made on this server (503)."""

    status = 503

    def __init__(self, message: str):
        super().__init__(message, "format")


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _work_dir() -> Path:
    try:
        from flask import current_app

        base = Path(current_app.config["STORAGE_DIR"]) / "tmp"
    except (RuntimeError, KeyError):  # outside an app (benchmarks, CLI without app): the system's temp folder
        base = Path(tempfile.gettempdir()) / "xct-office"
    base.mkdir(parents=True, exist_ok=True)
    return base


def to_pdf(data: bytes, suffix: str, timeout: int = TIMEOUT) -> bytes:
    """`data`, a .docx or .xlsx (`suffix` "docx"/"xlsx"), converted to PDF. Raises OfficeUnavailable."""
    return _convert([(data, suffix)], timeout)[0]


def _convert(files: list[tuple[bytes, str]], timeout: int) -> list[bytes]:
    """Each (data, suffix) of `files` as PDF, by one soffice run: LibreOffice takes ~0.9 s to start and a fraction of
    that per document, so a batch (the archive's documents finalized together) starts it once."""
    binary = office_binary()
    if binary is None:
        raise OfficeUnavailable("服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word/Excel 文件，"
                                "或请管理员运行 scripts/install_office.sh 安装")
    base = _work_dir()
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(base), "LANG": "zh_CN.UTF-8",
           "SAL_USE_VCLPLUGIN": "svp"}
    profile = (base / "soffice-profile").as_uri()
    with _LOCK, open(base / "soffice.lock", "w") as lock, tempfile.TemporaryDirectory(dir=base) as job:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sources = [Path(job) / f"document-{n}.{suffix}" for n, (_, suffix) in enumerate(files)]
        for source, (data, _) in zip(sources, files):
            source.write_bytes(data)
        cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "pdf", "--outdir", job, *map(str, sources)]
        # our binary, our temp paths, a fixed argument list and no shell
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # nosec B603
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin is a child of the soffice script
            proc.communicate()
            raise OfficeUnavailable(f"LibreOffice 转换 PDF 超过 {timeout} 秒未完成，已终止，请稍后重试") from None
        targets = [source.with_suffix(".pdf") for source in sources]
        if proc.returncode != 0 or not all(target.exists() for target in targets):
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {proc.returncode}"]
            raise OfficeUnavailable(f"LibreOffice 未能转换为 PDF（{detail[0][:120]}）")
        return [target.read_bytes() for target in targets]


PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (页数 of an archive item, DOMAIN.md §8): its /Type /Page objects, exact for LibreOffice's
    uncompressed page tree."""
    return len(PAGE.findall(pdf))


def cached_pdf(data: bytes, suffix: str) -> bytes:
    """to_pdf, kept under STORAGE_DIR/tmp/pdf by the file's SHA-256: a final version downloaded again as PDF, or
    its 页数 asked for by the archive, converts once."""
    return cached_pdfs([(data, suffix)])[0]


def cached_pdfs(files: list[tuple[bytes, str]]) -> list[bytes]:
    """cached_pdf of each (data, suffix), those not rendered yet converted by one soffice run."""
    folder = _work_dir() / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / f"{hashlib.sha256(data).hexdigest()}.pdf" for data, _ in files]
    missing = {target: file for target, file in zip(targets, files) if not target.is_file()}
    if missing:
        timeout = TIMEOUT + 10 * (len(missing) - 1)
        for target, pdf in zip(missing, _convert(list(missing.values()), timeout)):
            partial = target.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(pdf)
            partial.replace(target)  # atomic: another worker never reads half a file
    return [target.read_bytes() for target in targets]


# A document carrying more records than this (talk records one per page, register rows …) renders its PDF in a job
# (jobs.exports.document_pdf_job) unless that PDF was rendered before; config PDF_SYNC_MAX_RECORDS overrides it.
PDF_SYNC_MAX_RECORDS = 30


def renders_in_job(records: int, cached: bool, limit: int = PDF_SYNC_MAX_RECORDS) -> bool:
    """Whether a document's PDF is made by a background job rather than in the request: it is long (more than
    `limit` records) and not rendered yet (a cached PDF answers at once, however long)."""
    return records > limit and not cached


def pdf_cached(sha256: str | None) -> bool:
    """Whether the file of this SHA-256 has been rendered to PDF already (cached_pdf)."""
    return bool(sha256) and (_work_dir() / "pdf" / f"{sha256}.pdf").is_file()


def document_pdf(doc) -> tuple[bytes, str]:
    """A stored .docx/.xlsx Document as PDF, and its Chinese file name with .pdf. Raises OfficeUnavailable."""
    from app.storage import storage_path

    name = doc.original_name or "文书"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "pdf":
        return storage_path(doc.storage_name).read_bytes(), name
    if suffix not in ("docx", "xlsx"):
        raise CommandError(f"「{name}」不是 Word/Excel 文件，不能转换为 PDF", "format")
    pdf = cached_pdf(storage_path(doc.storage_name).read_bytes(), suffix)
    return pdf, f"{name.rsplit('.', 1)[0]}.pdf"


def pages_of(data: bytes, suffix: str) -> int | None:
    """页数 of a .docx/.xlsx as printed (for 附件24 and the archive's items); None where LibreOffice is absent."""
    try:
        return page_count(cached_pdf(data, suffix))
    except OfficeUnavailable:
        return None
