"""The sample context of each 附件: the shape an uploaded template is checked against (app.exports.template_check).

A template may only name fields its 附件's builder (app.exports.attachments) gives. The sample is the shipped
`sample_contexts.json` (the builders run over the demo data set, every list cut to one element holding every field
any of its elements has) merged with the builders run now over the latest inspections, so a field a builder
gained since the file was written is known as soon as one inspection has data. Regenerate the file after changing
a builder: `python -m app.exports.samples` (tests/test_templates_safety.py fails while it is stale).
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

SAMPLE_FILE = Path(__file__).with_name("sample_contexts.json")
LIVE_INSPECTIONS = 10  # the latest inspections whose contexts join the shipped sample at an upload


def merge(a, b):
    """One value of the shape of both: dicts by key, lists as one element merging all of theirs, else a value."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: merge(a[k], b[k]) if k in a and k in b else (a[k] if k in a else b[k]) for k in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        items = [x for x in a + b]
        if not items:
            return []
        one = items[0]
        for x in items[1:]:
            one = merge(one, x)
        return [one]
    if a in (None, "", []):
        return b
    return a


def shape(value):
    """The field names of a context, for comparing a builder with its sample: dict keys and list elements."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(merge([], value)[0])] if value else []
    return None


def shipped() -> dict[int, dict]:
    return {int(k): v for k, v in json.loads(SAMPLE_FILE.read_text(encoding="utf-8")).items()}


def built(limit: int | None = LIVE_INSPECTIONS, only: int | None = None) -> dict[int, dict]:
    """Every builder (or 附件`only`'s) over the latest inspections (all of them when `limit` is None), merged per
    附件."""
    from app.exports.attachments import REGISTRY
    from app.extensions import db
    from schema import Inspection

    stmt = sa.select(Inspection).order_by(Inspection.id.desc())
    contexts: dict[int, dict] = {}
    for inspection in db.session.scalars(stmt.limit(limit) if limit else stmt):
        for no, attachment in REGISTRY.items():
            if attachment.build is not None and only in (None, no):
                contexts[no] = merge(contexts.get(no, {}), json.loads(json.dumps(
                    attachment.build(inspection), ensure_ascii=False, default=str)))
    return contexts


def sample_context(no: int) -> dict:
    """The context an uploaded template of 附件`no` is rendered against in its check."""
    return merge(shipped().get(no, {}), built(only=no).get(no, {}))


def write(path: Path = SAMPLE_FILE) -> None:
    data = {str(no): ctx for no, ctx in sorted(built(None).items())}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:  # pragma: no cover - run by hand after a builder changes
    """Load the demo into a throw-away SQLite database and write the sample file from it."""
    import tempfile

    from app import create_app
    from app.commands.setup import run_setup
    from seeds.demo import load_demo

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/samples.db", STORAGE_DIR=tmp)
        with app.app_context():
            run_setup()
            load_demo()
            write()
    print(f"已写入 {SAMPLE_FILE}")


if __name__ == "__main__":
    main()
