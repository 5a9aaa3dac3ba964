"""`flask backup` / `flask restore` (issue 18 item 9): a database dump and the stored files with a SHA-256 manifest;
restore checks the manifest before touching anything and every stored file against the restored database."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_app, make_app


def _db():
    from app.extensions import db

    return db


def _cli(application, *args: str):
    return application.test_cli_runner().invoke(args=list(args))


def _stored(application) -> dict[str, str]:
    """storage name → SHA-256 of each file in the storage folder."""
    root = Path(application.config["STORAGE_DIR"])
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def _state(application) -> dict:
    """What a restore must bring back: row counts, one petition's code, the documents' names and hashes."""
    with application.app_context():
        session = _db().session
        state = {
            "counts": {model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
                       for model in (m.Inspection, m.Petition, m.Talk, m.Clue, m.Document, m.ChangeLog)},
            "petition": session.execute(sa.select(m.Petition.id, m.Petition.code).order_by(m.Petition.id)).first(),
            "documents": sorted(session.execute(sa.select(m.Document.storage_name, m.Document.sha256)).all()),
        }
        session.remove()
    return state


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """An app on a demo copy with two stored documents of its own (one in a sub-path the database records)."""
    for application in demo_app(databases, tmp_path_factory, "backup_source"):
        from app.storage import store
        from app.uow import transaction

        with application.app_context(), transaction():
            store("巡察工作底稿：备份测试".encode(), "底稿.txt", uploaded_by="admin")
            store(b"%PDF-1.4 backup test", "report.pdf", uploaded_by="admin")
        yield application


@pytest.fixture(scope="module")
def backup_dir(source, tmp_path_factory):
    target = tmp_path_factory.mktemp("backups") / "nightly"
    result = _cli(source, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output
    return target


def test_manifest_lists_every_file_with_its_sha256(source, backup_dir):
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    dump = backup_dir / manifest["database"]["path"]
    assert manifest["database"]["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    with source.app_context():
        assert manifest["engine"] == _db().engine.dialect.name
        head = _db().session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        _db().session.remove()
    assert manifest["alembic_revision"] == head and manifest["created_at"]
    documents = dict(_state(source)["documents"])
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert {f"storage/{name}": sha for name, sha in documents.items()}.items() <= listed.items()
    for path, sha in listed.items():
        assert hashlib.sha256((backup_dir / path).read_bytes()).hexdigest() == sha


def test_backup_mutate_restore_brings_rows_and_files_back(source, backup_dir):
    before, files_before = _state(source), _stored(source)
    assert before["documents"], "the fixture stores documents"
    storage = Path(source.config["STORAGE_DIR"])
    lost, changed = before["documents"][0][0], before["documents"][1][0]
    with source.app_context():
        from app.uow import transaction

        with transaction():
            _db().session.get(m.Petition, before["petition"].id).code = "改动-0001"
        _db().session.remove()
    (storage / lost).unlink()
    (storage / changed).write_bytes(b"overwritten")
    (storage / "stray.txt").write_bytes(b"not in the backup")

    refused = _cli(source, "restore", str(backup_dir))
    assert refused.exit_code != 0 and "恢复目标不为空" in refused.output and "--force" in refused.output
    assert _state(source)["petition"].code == "改动-0001"  # refused before touching anything

    result = _cli(source, "restore", str(backup_dir), "--force")
    assert result.exit_code == 0, result.output
    assert "恢复完成" in result.output and "已核对" in result.output
    assert _state(source) == before
    after = _stored(source)
    assert "stray.txt" not in after
    assert {k: v for k, v in after.items() if not k.startswith("tmp/")} == {
        k: v for k, v in files_before.items() if not k.startswith("tmp/")}


def test_restore_into_an_empty_target(source, backup_dir, databases, tmp_path_factory):
    target = make_app(databases.new(), str(tmp_path_factory.mktemp("restored_storage")))
    result = _cli(target, "restore", str(backup_dir))
    assert result.exit_code == 0, result.output
    try:
        assert _state(target) == _state(source)
        with target.app_context():  # the restored database is the app's: a login works on it
            assert _db().session.scalar(sa.text("SELECT count(*) FROM ab_user")) > 0
    finally:
        with target.app_context():
            _db().session.remove()
            _db().engine.dispose()


def test_a_tampered_backup_is_refused_naming_the_file(source, backup_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(backup_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    tampered = manifest["files"][0]["path"]
    with (copy / tampered).open("ab") as f:
        f.write(b"!")
    before = _stored(source)
    result = _cli(source, "restore", str(copy), "--force")
    assert result.exit_code != 0
    assert "SHA-256 与清单不符" in result.output and tampered in result.output
    assert _stored(source) == before  # nothing touched

    (copy / tampered).unlink()
    result = _cli(source, "restore", str(copy), "--force")
    assert result.exit_code != 0 and f"备份中缺少文件：{tampered}" in result.output

    (copy / "manifest.json").unlink()
    result = _cli(source, "restore", str(copy), "--force")
    assert result.exit_code != 0 and "没有 manifest.json" in result.output


def test_backup_refuses_a_non_empty_folder(source, backup_dir):
    result = _cli(source, "backup", str(backup_dir))
    assert result.exit_code != 0 and "备份目录已存在且不为空" in result.output
