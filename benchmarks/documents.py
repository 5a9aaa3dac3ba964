"""Documents benchmark: all 24 附件 of the demo's complete inspection (机械工程学院) and their PDFs, as 巡察办
downloads them through the API, with time and peak RSS.

Not a test: it builds a database (setup + demo data) in a temporary folder, then for n = 1…24 asks
`GET /api/v1/inspection/<id>/export/<n>` (Word/Excel) and `…?format=pdf` (LibreOffice headless, app/exports/pdf.py)
and prints per 附件 the seconds of each, the PDF's pages, and at the end the totals and the process's peak RSS
(the soffice child's peak RSS too: it runs outside this process). The demo's archive step renders the PDFs of the
附件 it files (页数); that cache is emptied first, so every PDF here is a LibreOffice conversion. A long document's
PDF comes through its job (202, app.exports.pdf.renders_in_job; in-process without REDIS_URL): its time includes it.

    .venv/bin/python benchmarks/documents.py [--database-url URL] [--out DIR]

--out keeps the files (附件NN.docx/.xlsx/.pdf) for a look.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

UNIT = "机械工程学院"
USER = "office"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", default=None, help="keep the files in this folder")
    args = parser.parse_args()

    import schema as m
    from app import create_app
    from app.commands.setup import run_setup
    from app.exports.pdf import office_binary, page_count
    from app.extensions import db
    from seeds.demo import DEMO_PASSWORD, load_demo

    if office_binary() is None:
        sys.exit("未安装 LibreOffice（soffice）：先运行 scripts/install_office.sh")
    tmp = Path(tempfile.mkdtemp(prefix="xct-bench-docs-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=str(tmp / "storage"))
    with app.app_context():
        run_setup()
        load_demo()
        pk = db.session.scalar(sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == UNIT))
    shutil.rmtree(tmp / "storage" / "tmp" / "pdf", ignore_errors=True)  # every PDF below is converted
    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={"username": USER, "password": DEMO_PASSWORD,
                                                        "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    totals = [0.0, 0.0, 0]
    print(f"{'附件':<6}{'Word/Excel 秒':>14}{'PDF 秒':>10}{'页数':>6}")
    started = time.perf_counter()
    for n in range(1, 25):
        t0 = time.perf_counter()
        native = client.get(f"/api/v1/inspection/{pk}/export/{n}", headers=headers)
        t1 = time.perf_counter()
        pdf = client.get(f"/api/v1/inspection/{pk}/export/{n}?format=pdf", headers=headers)
        via_job = pdf.status_code == 202
        if via_job:
            pdf = client.get(f"/api/v1/job/{pdf.json['job_id']}/result", headers=headers)
        t2 = time.perf_counter()
        if native.status_code != 200 or pdf.status_code != 200:
            sys.exit(f"附件{n}: {native.status_code} / {pdf.status_code} {pdf.get_data(as_text=True)[:200]}")
        pages = page_count(pdf.data)
        totals[0] += t1 - t0
        totals[1] += t2 - t1
        totals[2] += pages
        print(f"{n:<8}{t1 - t0:>12.2f}{t2 - t1:>10.2f}{pages:>6}{'  （后台任务）' if via_job else ''}")
        if out:
            suffix = "xlsx" if native.data[:2] == b"PK" and b"xl/" in native.data[:2000] else "docx"
            (out / f"附件{n:02d}.{suffix}").write_bytes(native.data)
            (out / f"附件{n:02d}.pdf").write_bytes(pdf.data)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"合计：24 个附件，Word/Excel {totals[0]:.1f} 秒，PDF {totals[1]:.1f} 秒，共 {totals[2]} 页，"
          f"总用时 {wall:.1f} 秒")
    print(f"峰值内存（RSS）：本进程 {own:.0f} MB（建库与演示数据后 {setup_rss:.0f} MB），LibreOffice 子进程 {child:.0f} MB")


if __name__ == "__main__":
    main()
