"""The house rules that keep the layers apart (docs/DESIGN.md): imports flow
webapp -> tasks -> pipelines, and only tasks/schedule.py decides *when*."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "pipelines": {"flask", "huey", "peewee", "playhouse", "models", "settings", "tasks", "webapp"},
    "tasks": {"flask", "webapp"},
}
TIMING = re.compile(r"time\.sleep\(|threading\.Timer|periodic_task|crontab\(|\.schedule\("
                    r"|[^_a-z]eta=|[^_a-z]delay=")


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    offenders = {str(p.relative_to(ROOT)): sorted(imported_roots(p) & FORBIDDEN[package])
                 for p in modules(package)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_scheduler_decides_when():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for package in ("webapp", "tasks", "pipelines")
                 for p in modules(package) if p != ROOT / "tasks" / "schedule.py"
                 for n, line in enumerate(p.read_text().splitlines(), 1) if TIMING.search(line)]
    assert offenders == []
