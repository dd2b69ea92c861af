"""The core stays UI-free, and importing it stays cheap."""

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
