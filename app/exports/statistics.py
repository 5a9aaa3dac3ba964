"""九、成果共享 as files: the statistics workbook (Excel), the annual report draft and a bulletin (Word).

The figures come from app.stats; Word documents are the templates of seeds/templates/ (seeds/make_templates.py)
filled by app.exports.render, the 附件's renderer (sandboxed, plain context only).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import seeds
from app import stats
from app.exports.attachments import fmt
from app.exports.lists import new_workbook, write_table
from app.exports.render import render_docx

TEMPLATES = Path(seeds.__file__).parent / "templates"
TABLES = ("round", "team", "unit")


def _template(name: str) -> bytes:
    return (TEMPLATES / f"{name}.docx").read_bytes()


def measure_table(groups: list[stats.Group], first: str) -> tuple[list[str], list[list]]:
    labels = [first, *stats.MEASURE_LABELS.values()]
    return labels, [[g.label, *(g.values[k] for k in stats.MEASURE_LABELS)] for g in groups]


def workbook(year: int | None, round_id: int | None) -> bytes:
    """The 巡察数据统计 screen as a workbook: 合计, one sheet per round/team/unit, aspect and category cross tables,
    and the repeat flags."""
    out = io.BytesIO()
    book = new_workbook(out)
    selection = {"year": year, "round_id": round_id}
    total = stats.total(**selection)
    write_table(book, "合计", ["统计项目", "数值"], [[r["label"], r["value"]] for r in total.rows()])
    for by in TABLES:
        labels, rows = measure_table(stats.figures(by, **selection), stats.DIMENSION_LABELS[by].removeprefix("按"))
        write_table(book, stats.DIMENSION_LABELS[by], labels, rows)
    for breakdown, title in (("aspect", "按问题方面"), ("category", "按线索类别")):
        columns, rows = stats.breakdown_table("round", breakdown, **selection)
        write_table(book, title, [title.removeprefix("按"), *columns, "合计"],
                    [[r["label"], *r["cells"], r["total"]] for r in rows])
    write_table(book, "重复出现的问题", ["类型", "依据", "内容", "标准"],
                [[f.scope, f.field, f.text, f.threshold] for f in stats.flags(**selection)])
    book.close()
    return out.getvalue()


def annual_context(data: dict) -> dict:
    work, year = data["work"], data["year"]
    t = work["total"]
    rect, transfers, subs = data["rectification"], data["transfers"], data["submissions"]
    items = sum(x["items"] for x in rect)
    done = sum(x["done"] for x in rect)
    return {
        "year": year, "today": fmt(date.today()),
        "work_lines": [
            f"{year}年共开展巡察{len(work['rounds'])}轮，巡察党组织{work['inspections']}个；"
            f"个别谈话{t['talks']}人次，受理信访{t['petitions']}件，调阅资料{t['materials']}份，"
            f"召开座谈会{t['forums']}次、列席会议{t['sittings']}次，走访调研{t['visits']}次，"
            f"发放问卷{t['surveys_out']}份、回收{t['surveys_in']}份。",
            f"共发现问题{t['findings']}个，形成问题线索{t['clues']}件，提出立行立改事项{t['fixes']}项。"],
        "rounds": work["rounds"],
        "aspects": [{"label": k, "value": v} for k, v in work["by_aspect"].items()],
        "rectification_lines": [f"被巡察党组织整改事项{items}项，已完成（销号）{done}项，未完成{items - done}项。"],
        "rectification": [{**x, "plan_submitted_on": x["plan_submitted_on"] or "未报送",
                           "report_submitted_on": x["report_submitted_on"] or "未报送"} for x in rect],
        "transfer_lines": [f"向{len(transfers)}个部门移送问题线索{sum(x['clues'] for x in transfers)}件，"
                           f"已报告办理情况的批次{sum(x['reported'] for x in transfers)}个，"
                           f"办理中{sum(x['pending'] for x in transfers)}个。"],
        "transfers": transfers,
        "submission_lines": [f"提交学校党委及相关职能部门的事项{len(subs)}项，"
                             f"已报告工作情况{sum(1 for s in subs if s['status'] == '已报告')}项。"],
        "submissions": [{**s, "reported_on": s["reported_on"] or ""} for s in subs],
    }


def annual_docx(data: dict) -> bytes:
    """九（三）巡察工作年度报告, a draft from the year's data set (app.stats.annual)."""
    return render_docx(_template("annual_report"), annual_context(data))


def bulletin_docx(title: str, recipients: list[str], content: str, issued_on: date) -> bytes:
    """九（一）巡察情况通报 as issued."""
    return render_docx(_template("bulletin"), {
        "title": title, "recipients": "、".join(recipients), "issued_on": fmt(issued_on),
        "content": [line.strip() for line in content.splitlines() if line.strip()]})
