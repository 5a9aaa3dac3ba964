"""Flask CLI commands of API.md: setup, seed demo, worker (jobs issue) and friends."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup


def register_cli(app: Flask) -> None:
    @app.cli.command("setup")
    def setup_command():
        """创建或升级数据库，同步角色与权限，加载基础数据（可重复执行）。"""
        from app.commands.setup import run_setup

        result = run_setup()
        click.echo("数据库已是最新。")
        click.echo("角色权限数：" + "，".join(f"{k} {v}" for k, v in result["roles"].items()))
        added = {k: v for k, v in result["reference"].items() if v}
        click.echo("基础数据新增：" + ("，".join(f"{k} {v}" for k, v in added.items()) if added else "无（已是最新）"))

    seed = AppGroup("seed", help="加载数据集。")

    @seed.command("demo")
    def seed_demo():
        """加载演示数据（一份年度计划、两个轮次、三个巡察组、各阶段记录和每个角色的用户）。"""
        from seeds.demo import load_demo

        summary = load_demo()
        if not summary:
            click.echo("演示数据已存在，未重复加载。")
        else:
            click.echo("演示数据已加载：" + "，".join(f"{k} {v}" for k, v in summary.items() if v))

    app.cli.add_command(seed)

    deadlines = AppGroup("deadlines", help="期限计算与预警。")

    @deadlines.command("scan")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="按此日期计算（默认今天）")
    def deadlines_scan(today):
        """重新计算全部巡察、移送和提交事项的期限，并向责任人发送提醒（与每日任务相同）。"""
        import time

        from app.audit import acting_as
        from app.commands.deadlines import scan

        started = time.perf_counter()
        with acting_as("命令行：期限扫描"):
            counts = scan(today.date() if today else None)
        labels = {"pending": "未到期", "due_soon": "即将到期", "overdue": "已逾期", "done": "已完成",
                  "unknown_calendar": "日历未知", "notifications": "新通知"}
        click.echo("期限扫描完成（%.1f 秒）：" % (time.perf_counter() - started)
                   + "，".join(f"{labels.get(k, k)} {v}" for k, v in counts.items()))

    app.cli.add_command(deadlines)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="处理完队列中的任务后退出")
    def worker_command(burst):
        """启动 rq 后台任务进程（需要 REDIS_URL），并确保每日期限扫描已排期。"""
        from datetime import date

        from rq import Queue

        from jobs import QUEUES, clean_temp, queue, reconcile
        from jobs.deadlines import schedule_next
        from jobs.worker import make_worker

        first = queue(QUEUES[0])
        if first is None:
            raise click.ClickException("未设置 REDIS_URL：任务在应用进程内执行，无需启动后台进程。")
        queues = [first] + [Queue(name, connection=first.connection) for name in QUEUES[1:]]
        click.echo(f"每日期限扫描已排期：{schedule_next(date.today())}")
        click.echo(f"补发 Redis 丢失或无人执行的任务：{reconcile()} 个；清理临时目录 {clean_temp()} 个")
        # from here on the worker reconciles every JOB_RECONCILE_SECONDS by itself (jobs.worker)
        make_worker(queues, int(current_app.config["JOB_RECONCILE_SECONDS"])).work(burst=burst, with_scheduler=True)

    jobs_group = AppGroup("jobs", help="后台任务。")

    @jobs_group.command("resend")
    def jobs_resend():
        """把 Redis 不可用时记录、Redis 中已丢失、或执行进程已中止的任务重新发送到队列（worker 每分钟也自动执行）。"""
        from jobs import resend

        click.echo(f"已发送 {resend()} 个任务。")

    app.cli.add_command(jobs_group)

    search_group = AppGroup("search", help="检索索引。")

    @search_group.command("reindex")
    def search_reindex():
        """按全部记录重建检索索引（迁移 0005g 之后运行一次；此后每次写入自动同步）。"""
        from app.extensions import db
        from app.search import reindex

        click.echo(f"已建立 {reindex(db.session)} 条检索索引。")

    app.cli.add_command(search_group)

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(target):
        """备份数据库与存储文件到 TARGET（新的或空的目录），附 SHA-256 清单 manifest.json。"""
        from app.commands import CommandError
        from app.commands.backup import backup

        try:
            manifest = backup(target)
        except CommandError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"备份完成：{target}（数据库 {manifest['database']['path']}，版本 {manifest['alembic_revision']}，"
                   f"文件 {len(manifest['files'])} 个）")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="目标数据库或存储目录不为空时仍然覆盖")
    def restore_command(source, force):
        """从 SOURCE 的备份恢复数据库与存储文件：先按清单校验全部文件，恢复后逐一核对文件的 SHA-256。"""
        from app.commands import CommandError
        from app.commands.backup import restore

        try:
            manifest = restore(source, force=force)
        except CommandError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"恢复完成：数据库版本 {manifest['alembic_revision']}（备份于 {manifest['created_at']}），"
                   f"文件 {manifest['checked']} 个已核对。如程序版本较新，请再运行 flask setup 升级数据库。")
