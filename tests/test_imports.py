"""The core stays UI-free, and importing it stays cheap."""

import ast
import subprocess
import sys

from project import ROOT


def modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_statelab_never_imports_streamlit():
    every_module = (
        "import importlib, pkgutil, statelab; "
        "[importlib.import_module('statelab.' + m.name) for m in pkgutil.iter_modules(statelab.__path__)]"
    )
    loaded = modules_after(every_module)
    assert {"statelab.training", "statelab.jobs", "statelab.layout"} <= loaded
    assert not any(name == "streamlit" or name.startswith("streamlit.") for name in loaded)


def test_importing_statelab_does_not_load_tensorflow():
    loaded = modules_after(
        "import statelab; statelab.LabConfig(); statelab.batch_layout(statelab.LabConfig())"
    )
    assert "statelab" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded


def imported_modules(path) -> set[str]:
    """The modules a file imports (from its `import` and `from ... import` statements)."""
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return names | modules


def test_arrows_point_one_way_views_to_ui_to_statelab():
    """Pages use the UI layer, never the job layer; the UI layer never imports a page; the core no UI."""
    for page in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]:
        assert "statelab.jobs" not in imported_modules(page), f"{page.name} imports the job layer directly"
    for module in sorted((ROOT / "ui").glob("*.py")):
        assert not any(name.startswith("views") for name in imported_modules(module)), module.name
    for module in sorted((ROOT / "statelab").glob("*.py")):
        layers = {name.split(".")[0] for name in imported_modules(module)}
        assert not layers & {"ui", "views"}, module.name
