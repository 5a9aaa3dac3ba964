"""`flask backup <dir>` / `flask restore <dir>`: a consistent pair of database dump and stored files, with a manifest.

A backup folder holds ``database.dump`` (PostgreSQL: pg_dump's custom format) or ``database.sqlite3`` (SQLite: a
copy by the backup API), ``storage/`` with every file the database records (Document and DocumentTemplate rows:
name and SHA-256), and ``manifest.json``, written last, listing each of those files with its SHA-256 and size, the
dump's SHA-256, the alembic revision and the time. A folder without a manifest is an unfinished backup.

Consistency: the files listed are those the dumped database records. On PostgreSQL the list and pg_dump read one
snapshot (``pg_export_snapshot`` / ``pg_dump --snapshot``), taken after a SHARE lock on the tables that record
files, so no document is added or deleted (nor its file unlinked, which app.uow does after the commit) until the
files are copied; uploads wait meanwhile. On SQLite the backup API copies a consistent image and the list is read
from that copy. Each file is hashed as it is copied and must match the database's SHA-256. Files the database does
not record (STORAGE_DIR/tmp: job work folders, PDF caches; half-written uploads) are not part of a backup, nor are
files a 销毁记录 destroyed (their rows stay, their files are gone on purpose).

Restore checks the whole manifest first (refusing, naming the file, before touching anything), refuses a target
database or storage folder that is not empty unless ``force``, then replaces the database and the storage folder
and checks every recorded file's SHA-256 against the restored database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
# pg_dump, pg_restore and psql run with argument lists, never a shell
import subprocess  # nosec B404
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.commands import CommandError
from app.extensions import db

MANIFEST = "manifest.json"
FILES = "storage"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024

# Every row that names a stored file, less the documents a 销毁记录 destroyed (app.commands.archive unlinks them).
RECORDED = sa.text(
    "SELECT storage_name, sha256 FROM document WHERE id NOT IN "
    "(SELECT document_id FROM destruction_record WHERE document_id IS NOT NULL) "
    "UNION SELECT storage_name, sha256 FROM document_template WHERE storage_name IS NOT NULL")
LOCKED = "document, document_template, destruction_record"


def _engine_kind() -> str:
    name = db.engine.dialect.name
    if name not in DUMPS:
        raise CommandError(f"不支持的数据库类型：{name}（仅支持 PostgreSQL 和 SQLite）")
    return name


def _storage() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """(libpq connection URL without the password, environment with PGPASSWORD): no password on a command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    # a fixed program with an argument list, no shell
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # nosec B603
    if done.returncode:
        raise CommandError(f"{what}失败：{(done.stderr or done.stdout).strip()[-500:]}")


# ---------------------------------------------------------------- backup


def backup(target: Path) -> dict:
    """Write a backup of the database and the stored files to `target` (absent or empty); answers the manifest."""
    kind = _engine_kind()
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandError(f"备份目录已存在且不为空：{target}（请指定新的目录）")
    (target / FILES).mkdir(parents=True)
    dump = target / DUMPS[kind]
    if kind == "sqlite":
        source = sqlite3.connect(db.engine.url.database)
        copy = sqlite3.connect(dump)
        try:
            source.backup(copy)  # a consistent image, the WAL's committed pages included
            revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            recorded = copy.execute(str(RECORDED)).fetchall()
        finally:
            source.close()
            copy.close()
        files = _copy_files(recorded, target)
    else:
        url, env = _libpq(db.engine.url)
        # read only: the transaction is rolled back when the connection closes, releasing the lock
        with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            connection.execute(sa.text(f"LOCK TABLE {LOCKED} IN SHARE MODE"))  # before the snapshot's first read
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar()
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            recorded = connection.execute(RECORDED).all()
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", f"--dbname={url}"],
                 env, "导出数据库（pg_dump）")
            files = _copy_files(recorded, target)
    manifest = {
        "format": FORMAT, "app": "巡察通", "engine": kind, "alembic_revision": revision,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": {"path": dump.name, "sha256": _sha256(dump), "size": dump.stat().st_size},
        "files": files,
    }
    partial = target / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, target / MANIFEST)  # the backup is complete once its manifest is there
    return manifest


def _copy_files(recorded, target: Path) -> list[dict]:
    """Copy each recorded file into the backup, hashing as it goes; its SHA-256 must be the database's."""
    storage, files = _storage(), []
    for storage_name, sha256 in sorted(set(recorded)):
        source, copy = storage / storage_name, target / FILES / storage_name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if not source.is_file():
            raise CommandError(f"存储目录缺少数据库登记的文件：{storage_name}，备份中止")
        digest = hashlib.sha256()
        with source.open("rb") as f, copy.open("wb") as out:
            while block := f.read(CHUNK):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != sha256:
            raise CommandError(f"存储的文件与数据库登记的 SHA-256 不一致：{storage_name}，备份中止")
        files.append({"path": f"{FILES}/{storage_name}", "sha256": sha256, "size": copy.stat().st_size})
    return files


# ---------------------------------------------------------------- restore


def read_manifest(source: Path) -> dict:
    """The manifest of the backup in `source`, every file it lists checked; CommandError naming the first bad one."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"备份目录中没有 {MANIFEST}（不是备份目录，或备份未完成）：{source}") from None
    except (OSError, ValueError) as exc:
        raise CommandError(f"{MANIFEST} 无法读取：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(
            manifest.get("database"), dict) or not isinstance(manifest.get("files"), list):
        raise CommandError(f"{MANIFEST} 格式不正确")
    for entry in [manifest["database"], *manifest["files"]]:
        name = str(entry.get("path", ""))
        path = (source / name).resolve()
        if not name or source.resolve() not in path.parents:
            raise CommandError(f"{MANIFEST} 中的文件路径不正确：{name}")
        if not path.is_file():
            raise CommandError(f"备份中缺少文件：{name}，拒绝恢复")
        if _sha256(path) != entry.get("sha256"):
            raise CommandError(f"备份中的文件已损坏或被改动（SHA-256 与清单不符）：{name}，拒绝恢复")
    return manifest


def _not_empty() -> list[str]:
    """What is not empty of the restore target: the database (any table) and the storage folder (any file)."""
    full = []
    if sa.inspect(db.engine).get_table_names():
        full.append("数据库")
    storage = _storage()
    if storage.is_dir() and any(p.is_file() for p in storage.rglob("*")):
        full.append(f"存储目录 {storage}")
    return full


def restore(source: Path, force: bool = False) -> dict:
    """Replace the database and the storage folder with the backup in `source`; answers the manifest with
    ``checked`` (stored files verified against the restored database)."""
    kind = _engine_kind()
    source = Path(source)
    manifest = read_manifest(source)  # before anything is touched
    if manifest.get("engine") != kind:
        raise CommandError(f"备份的数据库类型是 {manifest.get('engine')}，当前配置的是 {kind}，不能恢复")
    full = _not_empty()
    if full and not force:
        raise CommandError(f"恢复目标不为空（{'、'.join(full)}）：恢复会覆盖现有数据，确认请加 --force")
    db.session.remove()
    db.engine.dispose()
    dump = source / manifest["database"]["path"]
    if kind == "sqlite":
        backup_copy = sqlite3.connect(dump)
        live = sqlite3.connect(db.engine.url.database)
        try:
            backup_copy.backup(live)  # replaces every page of the target database
        finally:
            backup_copy.close()
            live.close()
    else:
        _pg_restore(dump, replace=bool(full))
    _restore_files(source, manifest)
    manifest["checked"] = verify_storage()
    return manifest


def _pg_restore(dump: Path, replace: bool) -> None:
    """Load `dump` into the configured database in one transaction: pg_restore's SQL piped into psql, after
    (``replace``) dropping the public schema, so what the dump does not hold (a later migration's tables) goes too
    and a failure anywhere leaves the database as it was."""
    url, env = _libpq(db.engine.url)
    psql = ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", f"--dbname={url}"]
    if replace:
        psql.append("--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    with tempfile.TemporaryFile() as errors:
        # a fixed program with an argument list, no shell; pg_restore found on PATH like pg_dump and psql (README 运维)
        sql = subprocess.Popen(["pg_restore", "--no-owner", "--file=-", str(dump)],  # nosec B603 B607
                               stdout=subprocess.PIPE, stderr=errors, env=env)
        done = subprocess.run([*psql, "--file=-"], stdin=sql.stdout, stdout=subprocess.DEVNULL,  # nosec B603
                              stderr=subprocess.PIPE, env=env, text=True)
        sql.stdout.close()
        if sql.wait() or done.returncode:
            errors.seek(0)
            message = (errors.read().decode(errors="replace") + done.stderr).strip()[-500:]
            raise CommandError(f"恢复数据库（pg_restore | psql）失败，数据库未改动：{message}")


def _restore_files(source: Path, manifest: dict) -> None:
    storage = _storage()
    if storage.is_dir():
        for child in storage.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    storage.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        target = storage / Path(entry["path"]).relative_to(FILES)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source / entry["path"], partial)
        os.replace(partial, target)


def verify_storage() -> int:
    """Check every file the database records against its SHA-256; answers how many, CommandError listing the bad."""
    storage, bad = _storage(), []
    with db.engine.connect() as connection:
        recorded = connection.execute(RECORDED).all()
    for storage_name, sha256 in recorded:
        path = storage / storage_name
        if not path.is_file():
            bad.append(f"{storage_name}（缺失）")
        elif _sha256(path) != sha256:
            bad.append(f"{storage_name}（SHA-256 不符）")
    if bad:
        raise CommandError(f"恢复后有 {len(bad)} 个文件与数据库登记不符：{'、'.join(bad[:20])}")
    return len(recorded)
