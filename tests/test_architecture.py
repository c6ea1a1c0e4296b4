"""The package's shape, enforced: layers import only downwards, no cycles, reasons for late imports.

Data flows one way: base → spec → layout → intake → core → render → app → cli | gui.
Every import counts, including those inside functions (a late import still ties two modules).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tuoyu_excel"
NAME = "tuoyu_excel"

# Lower number = lower layer. A module may import its own layer and every layer below it.
LAYERS = {"base": 0, "spec": 1, "layout": 2, "intake": 3, "core": 4, "render": 5, "app": 6, "cli": 7, "gui": 7}
ALLOWED_SIDEWAYS = {("cli", "gui")}  # `tuoyu gui` opens the window; the window never calls the command line
MAX_TOP_LEVEL_MODULES = 6
MIN_SUBPACKAGES = 5
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] not in LAYERS:
        return "cli" if parts[-1] == "__main__" else "base"
    return parts[1]


def resolve(target: str) -> str | None:
    """The package module an import names (a name imported from a package resolves to its submodule)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def imports(module: str) -> list[tuple[str, ast.stmt, bool]]:
    """(imported module, statement, inside a function or class) for every import of the package."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name == NAME or name.startswith(NAME + "."):
                target = resolve(name)
                if target and target != module:
                    found.append((target, node, id(node) not in top))
    return found


GRAPH = {m: {t for t, _, _ in imports(m)} for m in MODULES}


def test_layers_import_only_downwards():
    wrong = []
    for module in MODULES:
        here = layer_of(module)
        for target in GRAPH[module]:
            there = layer_of(target)
            if LAYERS[there] > LAYERS[here] or (LAYERS[there] == LAYERS[here] and here != there
                                                 and (here, there) not in ALLOWED_SIDEWAYS):
                wrong.append(f"{module} ({here}) imports {target} ({there})")
    assert wrong == []


def test_kinds_of_evaluation_stay_apart():
    """The generic core (pipeline, scoring) knows no kind; the star and city cores do not know each other."""
    wrong = [f"{m} imports {t}" for m in MODULES for t in GRAPH[m]
             if (m.startswith(f"{NAME}.core.star") and t.startswith(f"{NAME}.core.city"))
             or (m.startswith(f"{NAME}.core.city") and t.startswith(f"{NAME}.core.star"))
             or (m in (f"{NAME}.core.pipeline", f"{NAME}.core.scoring")
                 and t.startswith((f"{NAME}.core.star", f"{NAME}.core.city")))]
    assert wrong == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_even_through_late_imports():
    # a package's __init__ that only documents it imports nothing; one that re-exports would tie
    # the package to its parts, so cycles through __init__ count too
    assert strongly_connected(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_late_import_says_why():
    """An import inside a function needs a one-line reason on its line (start-up time, optional library…)."""
    silent = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                text = " ".join(lines[node.lineno - 1:node.end_lineno])
                if "#" not in text:
                    silent.append(f"{module}:{node.lineno}")
    assert silent == []


def test_the_package_is_layered_not_flat():
    top_modules = [p.name for p in PACKAGE.glob("*.py")]
    subpackages = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    assert len(top_modules) <= MAX_TOP_LEVEL_MODULES, top_modules
    assert len(subpackages) >= MIN_SUBPACKAGES and set(LAYERS) - {"base"} <= set(subpackages)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    assert len(MODULES[module].read_text(encoding="utf-8").splitlines()) <= MAX_LINES


# `kind == "star"`, `rubric.city is None`, `if rubric.star:`, `x if rubric.city else y` (not `rubric.star.zones`)
KIND_BRANCH = re.compile(r"""\bkind\s*[!=]=\s*["'](star|city)["']"""
                         r"|\b(rubric|self)\.(star|city)\b(?!\.)\s*(is\b|else\b|:|and\b|or\b)"
                         r"|\bif\s+(not\s+)?(rubric|self)\.(star|city)\b(?!\.)")


def test_the_kind_branch_pattern_finds_branches():
    assert all(KIND_BRANCH.search(s) for s in ('if rubric.kind == "star":', "if rubric.city is None:",
                                               "x if rubric.star else y", "if not rubric.city:"))
    assert not any(KIND_BRANCH.search(s) for s in ("rubric.star.districts", "if rubric.city.city_counts_as_unit",
                                                   'if s.kind == "labels":', 'if row.kind == "section":'))


def test_no_kind_branches_outside_the_registries():
    """Differences between kinds of evaluation live in spec/kinds.py (data) and app/kinds.py (what runs)."""
    # and the model's one accessor that hides which of its two optional settings tables is set
    allowed = {f"{NAME}.spec.kinds", f"{NAME}.app.kinds", f"{NAME}.spec.model"}
    branches = []
    for module, path in MODULES.items():
        if module in allowed:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if KIND_BRANCH.search(line.split("#")[0]):
                branches.append(f"{module}:{n}: {line.strip()}")
    assert branches == []


def test_pyproject_lists_every_subpackage():
    """pyproject.toml lists the packages (tuoyu_excel.samples comes from samples/): a new folder must be added."""
    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
                 ["packages"])
    assert listed - {f"{NAME}.samples"} == {m for m, p in MODULES.items() if p.name == "__init__.py"}
