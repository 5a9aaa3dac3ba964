"""The layer map of README (分层): every import between first-party modules runs along an allowed arrow.

Each module is classified by its path (LAYER_OF), each arrow layer → layer is allowed or not (ALLOWED), and the
known backward arrows are listed one by one with the reason they remain (EXCEPTIONS, to be fixed and removed) or
why they are meant (BY_DESIGN). An exception that no longer occurs fails the test too, so the lists only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "views", "schema", "jobs", "seeds")

# module → layer: exact names first, then the longest matching package prefix; any other app.* module is a service
WIRING = {"app": "wiring", "app.cli": "wiring", "views": "wiring"}  # factory, CLI, screen registration
BASE = {"config": "base", "app.extensions": "base"}
PREFIXES = {"schema": "schema", "app.rules": "rules", "app.commands": "commands", "app.exports": "exports",
            "views": "views", "jobs": "jobs", "seeds": "seeds", "app": "services"}

BELOW_COMMANDS = {"schema", "base", "rules", "services"}
ALLOWED: dict[str, set[str]] = {
    "schema": set(),
    "base": {"schema"},  # app.extensions binds the db to schema's metadata
    "rules": {"schema"},  # pure functions over schema's constants
    "services": BELOW_COMMANDS,  # scope, audit, storage, permissions, the home page's and dashboards' queries
    "commands": BELOW_COMMANDS,
    "exports": BELOW_COMMANDS | {"commands"},
    "jobs": BELOW_COMMANDS | {"commands", "exports"},
    "views": BELOW_COMMANDS | {"commands", "exports", "jobs"},  # a screen may enqueue a job
    "seeds": BELOW_COMMANDS | {"commands"},  # the demo is built through the commands, as a user would
    "wiring": {"schema", "base", "rules", "services", "commands", "exports", "jobs", "views", "seeds"},
}

# (importing module, imported module) → why it still runs backwards; remove the line when the arrow is fixed
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("app.commands.documents", "app.exports.attachments"): "生成附件文书的命令直接调用导出层；待定：渲染器下移或命令交给导出层",
    ("app.commands.documents", "app.exports.render"): "同上：命令校验上传模板时调用渲染器",
    ("app.commands.feedback", "app.exports.render"): "反馈命令生成 Word 文书时调用渲染器",
    ("app.commands.statistics", "app.exports.statistics"): "通报命令生成通报 Word 时调用导出层",
    ("app.commands.documents", "app.exports.samples"): "上传模板的试渲染读取各附件的样例数据（app/exports/samples.py）",
    ("app.commands.documents", "app.exports.template_check"): "上传模板的安全检查（子进程、解压上限）在导出层",
    ("app.commands.intake", "app.exports.template_check"): "网上反映（码上巡察）的 Word/Excel 附件复用上传模板的包检查（解压上限、宏）",
    ("app.exports.samples", "app"): "样例数据的生成脚本（python -m app.exports.samples）需要建立应用；应移到 seeds/",
    ("app.exports.samples", "seeds.demo"): "样例数据由演示数据生成；生成脚本应移到 seeds/",
    ("app.commands.documents", "app.exports.pdf"): "定稿时按 LibreOffice 生成的 PDF 填页数",
    ("app.commands.documents", "app.exports.records"): "逐次会议、逐次谈话的附件（8、9、10、14）的上下文由导出层按单条记录构建",
    ("app.commands.documents", "seeds"): "默认模板文件在 seeds/templates/；运行时应从 app/ 的资源目录读取",
    ("app.commands.feedback", "seeds.make_templates"): "运行时借用生成默认模板的 Form 类",
    ("app.exports.statistics", "seeds"): "通报模板文件在 seeds/templates/",
}
# arrows an import graph cannot see: module → (text that shows it, reason)
DYNAMIC: dict[str, tuple[str, str]] = {
    "jobs.exports": ("appbuilder.baseviews", "后台导出按类名重建界面并重放查询；导出任务应携带查询本身（第 1、5 项）"),
}
# backward by intent, kept
BY_DESIGN: dict[tuple[str, str], str] = {
    ("app.commands.setup", "seeds.loader"): "setup 的职责就是加载 seeds/ 的基础数据文件（STYLE.md：seeds 放数据文件与加载器）",
    ("jobs", "app"): "rq 任务在应用上下文之外运行时由入口创建应用",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def first_party_modules() -> dict[str, Path]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")] + [ROOT / "config.py"]
    return {module_name(p): p for p in files}


def layer_of(module: str) -> str:
    if module in WIRING:
        return WIRING[module]
    if module in BASE:
        return BASE[module]
    prefix = max((p for p in PREFIXES if module == p or module.startswith(p + ".")), key=len)
    return PREFIXES[prefix]


def imports_of(module: str, source: str, known: set[str], is_package: bool = False) -> set[str]:
    """First-party modules `module` imports (at any depth: a function-level import is an arrow too)."""

    def known_prefix(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found |= {m for m in map(known_prefix, names) if m and m != module}
    return found


def backward_arrows() -> dict[tuple[str, str], tuple[str, str]]:
    """(importer, imported) → (importer's layer, imported's layer) for every arrow the map does not allow."""
    modules = first_party_modules()
    out = {}
    for name, path in modules.items():
        for target in imports_of(name, path.read_text(encoding="utf-8"), set(modules), path.name == "__init__.py"):
            src, dst = layer_of(name), layer_of(target)
            if src != dst and dst not in ALLOWED[src]:
                out[(name, target)] = (src, dst)
    return out


def test_every_layer_is_in_the_map():
    assert set(ALLOWED) == set(WIRING.values()) | set(BASE.values()) | set(PREFIXES.values())
    assert all(targets <= set(ALLOWED) for targets in ALLOWED.values())
    assert {layer_of(m) for m in first_party_modules()} == set(ALLOWED)


def test_imports_follow_the_layer_map():
    listed = set(EXCEPTIONS) | set(BY_DESIGN)
    unexpected = {arrow: layers for arrow, layers in backward_arrows().items() if arrow not in listed}
    assert unexpected == {}, "逆向依赖（README 分层）：" + "；".join(
        f"{a} → {b}（{la} → {lb}）" for (a, b), (la, lb) in sorted(unexpected.items()))


def test_every_listed_exception_still_occurs():
    arrows = backward_arrows()
    fixed = sorted(arrow for arrow in [*EXCEPTIONS, *BY_DESIGN] if arrow not in arrows)
    assert fixed == [], f"已修正，请从 tests/test_layers.py 的例外中删除：{fixed}"
    modules = first_party_modules()
    for module, (text, _) in DYNAMIC.items():
        assert text in modules[module].read_text(encoding="utf-8"), f"{module} 已不再按类名重建界面，删除 DYNAMIC 中这一行"


@pytest.mark.parametrize(("module", "source", "arrow"), [
    ("app.commands.setup", "from views import menu_resources", ("commands", "wiring")),
    ("app.home", "def f():\n    from views.deadlines import my_deadlines", ("services", "views")),
    ("app.rules.routing", "from ..commands import CommandError", ("rules", "commands")),
])
def test_a_backward_import_is_seen(module, source, arrow):
    """The classifier sees the arrows this branch removed (setup → views, home → views) and a relative one."""
    known = set(first_party_modules())
    (target,) = imports_of(module, source, known)
    assert (layer_of(module), layer_of(target)) == arrow
    assert arrow[1] not in ALLOWED[arrow[0]]


def test_setup_reads_every_screen_from_the_registered_menu(tmp_path):
    """Role sync gets the menu from the AppBuilder (no views import) and finds exactly the screens views registers."""
    from app.commands.setup import menu_resources
    from tests.conftest import make_app
    from views import resource_of, screens

    app = make_app(f"sqlite:///{tmp_path / 'menu.db'}", str(tmp_path))
    with app.app_context():
        assert menu_resources(app.appbuilder) == {
            name: (resource_of(view), category) for view, name, category, _ in screens()}
        from app.extensions import db

        db.engine.dispose()
