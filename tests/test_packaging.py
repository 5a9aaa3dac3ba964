"""Every package the code imports is declared in pyproject.toml, and constraints.txt pins each declared one."""

from __future__ import annotations

import ast
import glob
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"app", "views", "schema", "jobs", "seeds", "config"}
RUNTIME = [*(p for d in ("app", "views", "schema", "jobs", "seeds") for p in (ROOT / d).rglob("*.py")), ROOT / "config.py"]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared() -> dict[str, Requirement]:
    reqs = (Requirement(r) for r in _project()["dependencies"])
    return {canonicalize_name(r.name): r for r in reqs}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in a file (inside functions too: they run in production)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def undeclared_imports(declared: set[str]) -> dict[str, list[str]]:
    """Imported module → files importing it, for modules neither stdlib, first-party nor from a declared package."""
    dists = packages_distributions()
    undeclared = {}
    for path in RUNTIME:
        for name in imported_modules(path) - FIRST_PARTY - set(sys.stdlib_module_names):
            owners = {canonicalize_name(d) for d in dists.get(name, [name])}
            if not owners & declared:
                undeclared.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return undeclared


def test_every_import_is_stdlib_first_party_or_declared():
    undeclared = undeclared_imports(set(_declared()))
    assert undeclared == {}, f"在 pyproject.toml 的 dependencies 中声明：{undeclared}"


def test_the_check_names_a_package_that_only_arrives_through_another():
    # prison (app/web.py) and marshmallow-sqlalchemy (views/base.py) reach the venv through FAB's own requirements
    missing = undeclared_imports(set(_declared()) - {"prison", "marshmallow-sqlalchemy"})
    assert set(missing) == {"prison", "marshmallow_sqlalchemy"}
    assert "app/web.py" in missing["prison"]


def test_constraints_pin_every_declared_package_within_its_range():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt 只写精确版本：{line}"
            pins[canonicalize_name(name)] = version
    assert "xunchatong" not in pins
    requirements = [*_declared().values(), *(Requirement(r) for r in _project()["optional-dependencies"]["test"])]
    for req in requirements:
        name = canonicalize_name(req.name)
        assert name in pins, f"constraints.txt 缺少 {req.name}"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} 不满足 {req.specifier}"
    assert Requirement("sqlalchemy>=2.1").specifier.contains(pins["sqlalchemy"])


# ECharts is vendored in git (scripts/assets.sh refreshes it from npm): a `pip install .` or a wheel built anywhere
# carries it, with its licence, at the version package.json / package-lock.json pin.
VENDOR = ROOT / "views/static/xct/vendor"
VENDORED = ("echarts.min.js", "ECHARTS-LICENSE.txt", "ECHARTS-NOTICE.txt")


def _pinned_echarts() -> str:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pin = package["dependencies"]["echarts"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin), f"package.json 须锁定 ECharts 的精确版本：{pin}"
    assert lock["packages"][""]["dependencies"]["echarts"] == pin
    assert lock["packages"]["node_modules/echarts"]["version"] == pin
    return pin


def test_the_vendored_echarts_is_the_pinned_version_with_its_licence():
    pin = _pinned_echarts()
    script = (VENDOR / "echarts.min.js").read_text(encoding="utf-8")
    assert script.startswith("\n/*\n* Licensed to the Apache Software Foundation")
    assert set(re.findall(r'\bversion="([\d.]+)"', script)) == {pin}  # echarts.version, as the library reports it
    licence = (VENDOR / "ECHARTS-LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "Apache ECharts" in (VENDOR / "ECHARTS-NOTICE.txt").read_text(encoding="utf-8")


def test_the_vendored_files_are_in_git_and_package_data():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert not [line for line in ignored if "vendor" in line], ".gitignore 不得忽略 ECharts 的入库副本"
    # setuptools globs package-data recursively under the package's directory (build_py.find_data_files)
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["views"]
    shipped = {Path(p).resolve() for pattern in patterns for p in glob.glob(str(ROOT / "views" / pattern),
                                                                            recursive=True)}
    assert {VENDOR / name for name in VENDORED} <= shipped
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "2. `pip install .`" in readme and "assets.sh && pip install" not in readme  # no Node.js to deploy


def test_a_wheel_built_from_git_carries_what_a_production_install_needs(tmp_path):
    """README 生产部署 installs with `pip install .`, that is from a wheel: build one from the files in git (offline,
    with the test extras' setuptools, which builds wheels itself) and look inside for what the app loads at run time."""
    tree = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(tree)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("xunchatong-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [f"views/static/xct/vendor/{name}" for name in VENDORED] + [
        "views/static/xct/charts.js", "views/templates/appbuilder/baselayout.html", "views/templates/xct/document_row.html",
        "schema/migrations/env.py", "app/translations/zh/LC_MESSAGES/messages.mo", "config.py"]
    assert not [name for name in wanted if name not in names], sorted(n for n in names if "/" not in n)
    assert any(n.startswith("schema/migrations/versions/") and n.endswith(".py") for n in names)
    assert any(n.startswith("seeds/templates/") for n in names) and any(n.endswith(".csv") for n in names)


def test_assets_script_refreshes_the_copies_and_leaves_them_alone_without_npm(tmp_path):
    script = (ROOT / "scripts/assets.sh").read_text(encoding="utf-8")
    assert "package-lock.json" in script and "echarts/LICENSE" in script and "echarts/NOTICE" in script
    bin_without_npm = tmp_path / "bin"  # the tools the script uses, and no npm
    bin_without_npm.mkdir()
    for tool in ("dirname", "sed", "grep", "head", "mkdir", "cp"):
        (bin_without_npm / tool).symlink_to(shutil.which(tool))
    # Up to date: nothing to do, npm or not. A stale copy without npm is left in place, with a word on stderr.
    for stale in (False, True):
        copy = tmp_path / ("stale" if stale else "fresh")
        (copy / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "scripts/assets.sh", copy / "scripts/assets.sh")
        shutil.copy(ROOT / "package-lock.json", copy / "package-lock.json")
        shutil.copytree(VENDOR, copy / "views/static/xct/vendor")
        target = copy / "views/static/xct/vendor/echarts.min.js"
        if stale:
            target.write_text('echarts.version="0.0.1"', encoding="utf-8")
        before = target.read_bytes()
        ran = subprocess.run(["/bin/bash", str(copy / "scripts/assets.sh")], capture_output=True, text=True,
                             env={"PATH": str(bin_without_npm)}, check=False)
        assert ran.returncode == 0, ran.stderr
        assert target.read_bytes() == before
        assert ("未找到 npm" in ran.stderr) is stale
