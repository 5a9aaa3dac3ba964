"""The 动员会 attendance rule (三（二）2) at every boundary, and the two-interviewer rule (三（三）5（3））."""

from __future__ import annotations

import pytest

from app.rules.checks import attendance, talk_interviewers


@pytest.mark.parametrize(
    "staff, expected, present, ok",
    [
        (99, 99, 80, True),  # under 100 staff: everyone expected; 80/99 ≥ 80%
        (99, 99, 79, False),  # 79/99 < 80%
        (99, 98, 98, False),  # under 100 staff, everyone must be expected
        (100, 100, 80, True),  # exactly 80% present
        (100, 100, 79, False),
        (100, 99, 99, False),  # at least 100 expected
        (101, 100, 80, True),  # 80% of 101 is 80.8 → the floor of 100 applies
        (101, 99, 99, False),
        (125, 100, 80, True),  # 80% of 125 is exactly 100
        (125, 100, 79, False),
        (130, 103, 103, False),  # 80% of 130 is 104
        (130, 104, 84, True),  # 84/104 = 80.77%
        (130, 105, 84, True),  # 84/105 = exactly 80%
        (130, 105, 83, False),
    ],
)
def test_attendance_boundaries(staff, expected, present, ok):
    assert attendance(staff, expected, present).ok is ok


def test_attendance_message_gives_the_figures():
    result = attendance(120, 100, 79)
    assert result.ok is False
    assert "应到不少于 100 人，实到 79 人，未达应到人数的 80%" in result.message
    assert "教职工 99 人" in attendance(99, 99, 90).message


def test_attendance_without_figures_cannot_be_judged():
    assert attendance(None, 100, 90).ok is None
    assert attendance(120, None, None).ok is None


def test_talk_interviewers():
    assert talk_interviewers([(1, 2, False), (2, 3, False)]).ok is True
    single_approved = talk_interviewers([(1, 2, False), (2, 1, True)])
    assert single_approved.ok is True and "1 次单独谈话" in single_approved.message
    bad = talk_interviewers([(1, 2, False), (7, 1, False), (9, 0, False)])
    assert bad.ok is False and "#7" in bad.message and "#9" in bad.message and "2 次" in bad.message
    assert talk_interviewers([]).ok is None
