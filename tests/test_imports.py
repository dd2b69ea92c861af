"""The core stays UI-free, importing it stays cheap, and arrows run one way: views -> ui -> statelab, and
inside statelab from folder to folder as the README's "How the code is laid out" draws them."""

import ast
import os
import subprocess
import sys

import pytest
from forked import preloaded
from project import ROOT

CORE = ROOT / "statelab"
MAY_IMPORT = {  # a folder of the core -> the other folders its modules may import
    "engine": set(),
    "charts": {"engine"},
    "teaching": {"engine"},
    "export": {"teaching", "engine"},
    "server": {"teaching", "engine"},
}


def modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.training
def test_statelab_never_imports_streamlit(imported):
    loaded = imported["every module"]
    assert {"statelab.engine.training", "statelab.server.jobs", "statelab.engine.layout"} <= loaded
    assert not any(name == "streamlit" or name.startswith("streamlit.") for name in loaded)


def test_importing_statelab_does_not_load_tensorflow():
    loaded = modules_after(
        "import statelab; statelab.LabConfig(); statelab.batch_layout(statelab.LabConfig())"
    )
    assert "statelab" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded


def imported_modules(path) -> set[str]:
    """The modules a file imports (from its `import` and `from ... import` statements, nested ones too);
    `from statelab import x` and `from statelab.charts import lab` name the module they take as well."""
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def folder_of(module: str) -> str | None:
    """The core folder a dotted module name lies in (None outside the folders: statelab itself, ui, ...)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "statelab" and len(parts) > 1 and parts[1] in MAY_IMPORT else None


def test_the_core_is_in_its_folders():
    assert {path.name for path in CORE.glob("*.py")} == {"__init__.py"}
    assert {folder.name for folder in CORE.iterdir() if (folder / "__init__.py").exists()} == set(MAY_IMPORT)


def test_arrows_run_one_way_between_the_core_folders_as_written():
    """Every import statement of the core (inside functions too) goes down the folders, never up."""
    wrong = []
    for path in sorted(CORE.rglob("*.py")):
        source = folder_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in imported_modules(path):
            target = folder_of(module)
            if source and target and target != source and target not in MAY_IMPORT[source]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module} ({source} -> {target})")
    assert not wrong, "\n".join(wrong)


ALL_OF = """
import importlib, pkgutil, sys
import {package} as package
for module in pkgutil.walk_packages(package.__path__, "{package}."):
    importlib.import_module(module.name)
print(" ".join(sys.modules))
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, set[str]]:
    """The modules loaded by importing every module of each core folder, and of the whole core, each in a
    process of its own (forked from one that imported TensorFlow, Keras and NumPy, which name no module of
    statelab or streamlit: tests/forked.py)."""
    folder = tmp_path_factory.mktemp("imports")
    programs = {name: ALL_OF.format(package=f"statelab.{name}") for name in MAY_IMPORT}
    programs["every module"] = ALL_OF.format(package="statelab")
    paths = {name: folder / f"import_{index}.py" for index, name in enumerate(programs)}
    for name, path in paths.items():
        path.write_text(programs[name])
    with preloaded(["tensorflow", "keras", "numpy"]) as process:
        started = {name: process.start(path, [], os.environ, ROOT) for name, path in paths.items()}
        outcomes = {name: process.outcome(number) for name, number in started.items()}
    for name, ended in outcomes.items():
        assert ended.code == 0, f"importing {name}: {ended.stderr[-2000:]}"
    return {name: set(ended.stdout.split()) for name, ended in outcomes.items()}


@pytest.mark.training
def test_arrows_run_one_way_between_the_core_folders_when_imported(imported):
    """Importing every module of a folder, and only that, loads no folder it may not import."""
    for folder, allowed in MAY_IMPORT.items():
        loaded = {name.split(".")[1] for name in imported[folder] if name.startswith("statelab.")}
        assert loaded - {folder} - allowed == set(), f"importing statelab/{folder}/ loaded {sorted(loaded)}"


def test_arrows_point_one_way_views_to_ui_to_statelab():
    """Pages use the UI layer, never the job layer; the UI layer never imports a page; the core no UI."""
    for page in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]:
        assert "statelab.server.jobs" not in imported_modules(page), f"{page.name} imports the job pool"
    for module in sorted((ROOT / "ui").rglob("*.py")):
        assert not any(name.startswith("views") for name in imported_modules(module)), module.name
    for module in sorted(CORE.rglob("*.py")):
        layers = {name.split(".")[0] for name in imported_modules(module)}
        assert not layers & {"ui", "views"}, module.name
