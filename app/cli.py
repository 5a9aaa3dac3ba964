"""Flask CLI commands of API.md: setup, seed demo, worker (jobs issue) and friends."""

from __future__ import annotations

import click
from flask import Flask
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
