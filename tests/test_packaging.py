"""Every package the code imports is declared in pyproject.toml, and constraints.txt pins each declared one."""

from __future__ import annotations

import ast
import sys
import tomllib
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
