"""The house rules: the engine's layers import one way, the engine never imports the app, and the
pages live in ``views/``.

Read from the source (every ``import``, at any depth, including the ones inside functions), so a
lazy import cannot hide a wrong arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: the layers, lowest first: a module may import from its own layer and the ones before it
LAYERS: list[tuple[str, set[str]]] = [
    ("vocabulary", {"analytics.schema", "analytics.fmt", "analytics.filters", "analytics.settings"}),
    ("store", {"analytics.store"}),
    ("people", {"analytics.people", "analytics.periods"}),
    ("ingest", {"analytics.ingest"}),
    ("signals", {"analytics.signals"}),
    ("results", {"analytics.results"}),
    ("diagnosis", {"analytics.diagnosis"}),
    ("outputs", {"analytics.outputs"}),
]
#: layers that sit side by side and must not import each other
SIDE_BY_SIDE = {("ingest", "signals"), ("signals", "ingest")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            out += [(node.lineno, base)]
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]  # `from analytics import settings`
    return out


def layer_of(module: str) -> int | None:
    for i, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    return None


def engine_files() -> list[Path]:
    return sorted((ROOT / "analytics").rglob("*.py"))


def violations() -> list[str]:
    found = []
    for path in engine_files():
        me = module_name(path)
        mine = layer_of(me)
        for line, target in imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            top = target.split(".")[0]
            if top in ("streamlit", "ui", "views", "app", "tools", "benchmarks", "tests"):
                found.append(f"{where}: the engine imports {target} (it never imports the app or its tools)")
                continue
            theirs = layer_of(target)
            if mine is None or theirs is None:
                continue  # the package itself (analytics) or a third-party module
            if theirs > mine:
                found.append(f"{where}: {me} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]}), "
                             "a layer above it")
            elif (LAYERS[mine][0], LAYERS[theirs][0]) in SIDE_BY_SIDE:
                found.append(f"{where}: {me} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]}); "
                             "the two sit side by side")
    return sorted(set(found))


def test_every_engine_module_belongs_to_a_layer():
    lost = [module_name(p) for p in engine_files() if module_name(p) != "analytics" and layer_of(module_name(p)) is None]
    assert not lost, f"modules in no layer (add them to a package or to LAYERS): {lost}"


def test_each_layer_imports_only_from_the_layers_below_it():
    assert not violations(), "wrong-way imports:\n" + "\n".join(violations())


def test_the_rule_sees_a_wrong_way_import(tmp_path):
    """The checker itself: a signal that imports a diagnosis and an engine module that imports
    streamlit are both named."""
    fake = tmp_path / "analytics" / "signals"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from analytics.diagnosis.dials import diagnosis\n\ndef f():\n    import streamlit\n")
    globals()["ROOT"] = tmp_path
    try:
        found = violations()
    finally:
        globals()["ROOT"] = ROOT_REAL
    assert any("analytics/signals/bad.py:1" in f and "a layer above it" in f for f in found), found
    assert any("analytics/signals/bad.py:4" in f and "streamlit" in f for f in found), found


ROOT_REAL = ROOT


def test_no_import_circles():
    """No two modules of the engine, the app's helpers or the benchmarks import each other, at any
    distance (counting imports inside functions too)."""
    files = [*engine_files(), *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "benchmarks").glob("*.py")),
             *sorted((ROOT / "tools").glob("*.py"))]
    names = {module_name(p): p for p in files}
    graph = {}
    for name, path in names.items():
        deps = set()
        for _, target in imports(path):
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):  # a package's own __init__
                deps.add(target)
        graph[name] = deps
    circles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]) if nxt in stack else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_pages_live_in_views_not_pages():
    assert not (ROOT / "pages").exists(), (
        "a pages/ folder beside app.py: with Streamlit 1.36-1.67 it starts the server in legacy "
        "multipage mode until some session runs st.navigation, so the first deep link after a restart "
        "runs that page without app.py (no sign-in gate, page config or sidebar). Pages live in views/.")
