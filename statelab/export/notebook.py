"""Jupyter notebooks to take home: a Lab run's, and a lesson's code, written with nbformat.

A run's notebook holds the exported script's steps (statelab/export/script.py): each step's explanation
in a Markdown cell, its code in the next cell, so the notebook and the script run the same code.
"""

from __future__ import annotations

import ast
from pathlib import Path
from string import Template

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from statelab.engine.config import LabConfig
from statelab.engine.python_source import parse
from statelab.engine.tasks import task_spec
from statelab.export.script import (
    data_file_name,
    export_steps,
    keras_script_filename,
    metric_name,
    reproduction_note,
)
from statelab.export.script_steps import DATA_FILE_NOTES, NOTEBOOK_INTRO
from statelab.teaching.lesson_text import CODE_DIR, lesson_texts

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
TRY_DIR = CODE_DIR / "try"  # lessons/code/try/FILE.py: what a lesson code notebook runs after the code


def keras_notebook(config: LabConfig) -> NotebookNode:
    """The config's run as a notebook: what each step does, then its code, from data to held-out score."""
    spec = task_spec(config.task, config.series)
    intro = NOTEBOOK_INTRO.substitute(
        title=spec.title,
        description=spec.description,
        reproduction=reproduction_note().replace("This script", "This notebook"),
        data_file_note=Template(DATA_FILE_NOTES.get(config.task, "")).substitute(
            csv_name=data_file_name(config)
        ),
        metric=metric_name(spec),
    )
    cells = [new_markdown_cell(intro)]
    for step in export_steps(config, notebook=True):
        cells += [new_markdown_cell(f"## {step.title}\n\n{step.text}"), new_code_cell(step.code)]
    return _notebook(cells)


def keras_notebook_filename(config: LabConfig) -> str:
    """The notebook's file name: the script's, ending in .ipynb."""
    return keras_script_filename(config).removesuffix(".py") + ".ipynb"


def notebook_text(notebook: NotebookNode) -> str:
    """A notebook as the JSON text of an .ipynb file (validated against the nbformat schema)."""
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


def lesson_code_notebook(filename: str) -> NotebookNode:
    """A file of lessons/code/ as a notebook: the lesson files it imports, the file, then a run of it."""
    path = _code_file(filename)
    cells = [new_markdown_cell(_lesson_code_intro(path))]
    for imported in _sibling_imports(path.read_text()):
        cells += _code_cells(_code_file(f"{imported}.py"))
    cells += _code_cells(path)
    try_path = TRY_DIR / f"{path.stem}_try.py"
    if try_path.is_file():
        source = try_path.read_text()
        text = ast.get_docstring(parse(source)) or ""
        cells += [new_markdown_cell(f"## Try it\n\n{text}"), new_code_cell(_notebook_code(source))]
    return _notebook(cells)


def lesson_code_notebook_filename(filename: str) -> str:
    """The notebook's file name for a lesson code file, e.g. "stateful_resets.ipynb"."""
    return _code_file(filename).stem + ".ipynb"


def _notebook(cells: list[NotebookNode]) -> NotebookNode:
    """A notebook of these cells for a Python 3 kernel."""
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})


def _code_file(filename: str) -> Path:
    """The path of a file of lessons/code/ (a `#NAME` suffix picks the whole file)."""
    path = CODE_DIR / filename.partition("#")[0]
    if path.suffix != ".py" or not path.is_file():
        raise ValueError(f"No lesson code file {filename!r} in {CODE_DIR}.")
    return path


def _lessons_showing(path: Path) -> list[str]:
    """ "lesson N (title)" for every lesson that shows this code file."""
    shown = []
    for item in lesson_texts():
        names = [part.partition("#")[0] for kind, part in item.parts if kind == "code"]
        if path.name in names:
            shown.append(f"lesson {item.number} ({item.title})")
    return shown


def _lesson_code_intro(path: Path) -> str:
    """The title cell of a lesson code notebook: which lessons show the file, and how it is tested."""
    where = " and ".join(_lessons_showing(path)) or "a lesson"
    return (
        f"# `{path.name}`, from the Stateful LSTM Lab\n\n"
        f"The code that {where} shows, exactly as the Lab's tests run it on the installed Keras. It needs "
        "Keras 3 (TensorFlow backend) and NumPy. Run the cells from top to bottom."
    )


def _sibling_imports(source: str) -> list[str]:
    """The lesson code files a file imports by module name (`from stateful_resets import ...`)."""
    tree = parse(source)
    modules = [node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module]
    return [module for module in modules if (CODE_DIR / f"{module}.py").is_file()]


def _notebook_code(source: str) -> str:
    """A lesson code file's code for a cell: no module docstring, no imports of the files in cells above."""
    tree = parse(source)
    lines = source.splitlines()
    if ast.get_docstring(tree):
        lines = lines[tree.body[0].end_lineno :]
    siblings = tuple(f"from {module} import " for module in _sibling_imports(source))
    return "\n".join(line for line in lines if not line.startswith(siblings)).strip()


def _code_cells(path: Path) -> list[NotebookNode]:
    """A lesson code file's cells: a heading, then its code."""
    source = path.read_text()
    note = " (it imports the lesson files in the cells above)" if _sibling_imports(source) else ""
    return [new_markdown_cell(f"## `{path.name}`{note}"), new_code_cell(_notebook_code(source))]
