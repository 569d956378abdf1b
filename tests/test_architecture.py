"""The tree is the architecture: imports point down, Streamlit stays in the UI, modules stay small.

Layers, from the top: ``app.py`` → ``layers.ui`` → the subsystems → ``geo``. Read from
the source (every ``import``, also those inside functions), so a lazy import cannot
hide an upward arrow.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Rank of each package: a module may import only its own package and lower ranks.
#: Subsystems of the same rank never import each other.
RANKS = {
    "geo": 0,
    "layers.text": 1,
    "layers.catalogue": 2,
    "layers.analysis": 3,
    "layers.styling": 3,
    "layers.webmap": 4,
    "layers.io": 4,
    "layers.coverage": 5,
    "layers.tracing": 5,
    "layers.printing": 6,
    "layers": 7,  # layers/__init__.py (the catalogue's API) and layers/__main__.py (the CLI)
    "layers.ui": 8,
    "app": 9,
}
#: Only these import streamlit (or streamlit_folium).
STREAMLIT_OK = ("app", "layers.ui")
#: "About 400 lines": the largest module allowed.
MAX_LINES = 420


def _modules() -> list[tuple[str, Path]]:
    out = [("app", ROOT / "app.py")]
    for top in ("geo", "layers"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.append((".".join(parts), path))
    return out


MODULES = _modules()


def _package(module: str) -> str:
    """The ranked package a module belongs to (longest prefix in RANKS)."""
    best = ""
    for name in RANKS:
        if (module == name or module.startswith(name + ".")) and len(name) > len(best):
            best = name
    return best


def _imports(path: Path, module: str) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) of every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".") if is_pkg else module.split(".")[:-1]
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out.append((node.lineno, base, [a.name for a in node.names]))
    return out


def _project_target(imported: str, names: list[str]) -> list[str]:
    """The project modules an import reaches (``from layers.io import export`` → layers.io.export)."""
    if not (imported == "app" or imported.split(".")[0] in ("geo", "layers")):
        return []
    known = {m for m, _ in MODULES}
    return [f"{imported}.{n}" if f"{imported}.{n}" in known else imported for n in names] or [imported]


def test_module_list_is_complete():
    assert len(MODULES) > 60, "expected the whole tree"
    assert {m for m, _ in MODULES if _package(m) == ""} == set(), "every module belongs to a ranked package"


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down(module, path):
    own = _package(module)
    bad = []
    for line, imported, names in _imports(path, module):
        for target in _project_target(imported, names):
            pkg = _package(target)
            if pkg == own or not pkg:
                continue
            if RANKS[pkg] >= RANKS[own]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target} ({pkg}, rank {RANKS[pkg]} "
                           f"≥ {own}'s {RANKS[own]})")
    assert not bad, "imports must point down (app → ui → subsystems → geo):\n" + "\n".join(bad)


def test_geo_never_imports_layers():
    bad = [f"{p.relative_to(ROOT)}:{line} {imported}" for m, p in MODULES if m.startswith("geo")
           for line, imported, _ in _imports(p, m) if imported.split(".")[0] in ("layers", "app", "streamlit")]
    assert not bad, bad


def test_only_the_ui_imports_streamlit():
    bad = []
    for module, path in MODULES:
        if any(module == ok or module.startswith(ok + ".") for ok in STREAMLIT_OK):
            continue
        for line, imported, _ in _imports(path, module):
            if imported.split(".")[0] in ("streamlit", "streamlit_folium"):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not bad, "streamlit belongs to app.py and layers/ui only:\n" + "\n".join(bad)


def test_no_private_names_across_packages():
    bad = []
    for module, path in MODULES:
        own = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
        for line, imported, names in _imports(path, module):
            if imported.split(".")[0] not in ("geo", "layers"):
                continue
            other = imported if imported in {m for m, _ in MODULES if (ROOT / (m.replace(".", "/"))).is_dir()} \
                else imported.rsplit(".", 1)[0]
            for n in names:
                if n.startswith("_") and not n.startswith("__") and other != own:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports private {imported}.{n}")
    assert not bad, "private helpers stay in their package:\n" + "\n".join(bad)


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_module_size(module, path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(ROOT)} has {n} lines (about 400 at most: split it by idea)"


@pytest.mark.parametrize("module,path", [(m, p) for m, p in MODULES if m != "app" and not m.endswith("__main__")],
                         ids=[m for m, p in MODULES if m != "app" and not m.endswith("__main__")])
def test_public_names_listed(module, path):
    """Every library module with functions or classes says what it offers in ``__all__``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
             if isinstance(t, ast.Name)}
    names |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)
              and isinstance(node.target, ast.Name)}
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]
    if not defs:
        return  # a table of constants (a settings or text section) or a package docstring
    assert "__all__" in names, f"{path.relative_to(ROOT)} has no __all__"


def _layout_rows(heading: str) -> dict[str, str]:
    """The README's layout table under ``heading``: path → the rest of the row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = line.split("|")
        if len(cells) > 3 and cells[1].strip().startswith("`"):
            rows[cells[1].strip().split("`")[1]] = cells[2]
    return rows


@pytest.mark.parametrize("heading", ["### Layout\n", "### 目录结构\n"])
def test_readme_layout_matches_the_tree(heading):
    """One row per package, and every module a row names exists in that package."""
    rows = _layout_rows(heading)
    packages = sorted(str(p.parent.relative_to(ROOT)) + "/" for p in ROOT.glob("*/**/__init__.py")
                      if p.parent.parts[len(ROOT.parts)] in ("geo", "layers"))
    assert [p for p in packages if p not in rows] == [], "packages missing from the README's layout table"
    for path, what in rows.items():
        if not path.endswith("/"):
            continue
        assert (ROOT / path).is_dir(), path
        for name in re.findall(r"`([a-z_]+\.py)`", what):
            assert (ROOT / path / name).exists(), f"README names {path}{name}, which does not exist"
