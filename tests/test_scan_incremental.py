"""The daily deadline scan is incremental (issue 18 item 4): it recomputes only the subjects whose inputs changed or
whose day counts moved, and what it stores is what a full recomputation stores."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

import schema as m

DAY = date(2026, 11, 26)
_FIELDS = ("subject", "code", "earliest", "due", "status", "done_on", "level", "message")


def _stored():
    from app.extensions import db

    return {(r.subject, r.code): tuple(r) for r in db.session.execute(
        sa.select(*(getattr(m.Deadline, f) for f in _FIELDS)))}


def _from_scratch(day):
    """What a scan with no memory of earlier scans stores."""
    from app.commands.deadlines import scan
    from app.extensions import db

    db.session.execute(sa.delete(m.DeadlineInput))
    db.session.execute(sa.delete(m.Deadline))
    db.session.commit()
    scan(day)
    return _stored()


def test_rerun_after_one_date_change_recomputes_exactly_that_inspection(app):
    from app.commands.deadlines import scan_report
    from app.extensions import db

    with app.app_context():
        db.session.execute(sa.delete(m.DeadlineInput))  # the app is shared: forget earlier tests' scans
        db.session.commit()
        counts, first = scan_report(DAY)
        subjects = db.session.scalar(sa.select(sa.func.count(sa.distinct(m.Deadline.subject))))
        assert first == subjects > 0  # every subject computed once
        again, second = scan_report(DAY)
        assert second == 0 and {k: v for k, v in again.items() if k != "notifications"} == \
            {k: v for k, v in counts.items() if k != "notifications"}

        iid = db.session.scalar(sa.select(m.Inspection.id).where(m.Inspection.work_start.is_not(None))
                                .order_by(m.Inspection.id).limit(1))
        inspection = db.session.get(m.Inspection, iid)
        inspection.work_start = inspection.work_start + timedelta(days=3)
        db.session.commit()
        _, third = scan_report(DAY)
        assert third == 1
        assert {s for (s,) in db.session.execute(sa.select(m.DeadlineInput.subject).where(
            m.DeadlineInput.scanned_at == sa.select(sa.func.max(m.DeadlineInput.scanned_at)).scalar_subquery()))} \
            == {f"inspection:{iid}"}
        incremental = _stored()
        assert incremental == _from_scratch(DAY)


def test_next_day_recomputes_only_what_counts_days(app):
    from app.commands.deadlines import scan_report
    from app.extensions import db

    with app.app_context():
        scan_report(DAY)
        dated = db.session.scalar(sa.select(sa.func.count()).where(m.DeadlineInput.dated_on == DAY))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(m.DeadlineInput))
        _, recomputed = scan_report(DAY + timedelta(days=1))
        assert 0 < recomputed == dated < total  # done or undated subjects are left alone
        assert _stored() == _from_scratch(DAY + timedelta(days=1))


def test_rule_change_recomputes_everything(app):
    from app.commands.deadlines import scan_report
    from app.extensions import db

    with app.app_context():
        scan_report(DAY)
        rule = db.session.scalar(sa.select(m.DeadlineRule).where(m.DeadlineRule.code == "D8"))
        rule.offset += 1
        db.session.commit()
        _, recomputed = scan_report(DAY)
        assert recomputed == db.session.scalar(sa.select(sa.func.count()).select_from(m.DeadlineInput))
        assert _stored() == _from_scratch(DAY)
        rule.offset -= 1
        db.session.commit()
