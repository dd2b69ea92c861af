"""Installing: environment markers per platform, the locks against pyproject.toml, the wheel.

The network half of the platform check (pip resolving for each target) is tools/check_platforms.py.
"""

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from project import ROOT

from tools.check_platforms import (
    LOCKS,
    PLATFORMS,
    PYTHONS,
    Package,
    applies,
    closure_problems,
    marker_environment,
    pins_for,
    read_lock,
    top_level,
)

TENSORFLOWS = {"tensorflow", "tensorflow-cpu"}
TARGETS = [(key, python) for key in PLATFORMS for python in PYTHONS]


def test_this_machine_is_one_of_the_platforms_with_the_same_marker_values():
    here = default_environment()
    (platform,) = (p for p in PLATFORMS.values() if p.markers.items() <= here.items())
    target = marker_environment(platform, here["python_version"])
    for key in ("sys_platform", "platform_system", "platform_machine", "os_name", "python_version"):
        assert target[key] == here[key], key


@pytest.mark.parametrize(("key", "python"), TARGETS)
def test_each_platform_gets_one_tensorflow(key, python):
    environment = marker_environment(PLATFORMS[key], python)
    chosen = {canonicalize_name(r.name) for r in top_level(("app", "test")) if applies(r, environment)}
    expected = "tensorflow-cpu" if key == "linux-x86_64" else "tensorflow"
    assert chosen & TENSORFLOWS == {expected}
    assert {"keras", "numpy", "plotly", "streamlit"} <= chosen


@pytest.mark.parametrize(("key", "python"), TARGETS)
def test_the_locks_pin_the_top_level_requirements(key, python):
    environment = marker_environment(PLATFORMS[key], python)
    test_pins = pins_for(read_lock(ROOT / "requirements-test.txt"), environment)
    for lock, extras in LOCKS.items():
        pins = pins_for(read_lock(ROOT / lock), environment)
        assert {name: test_pins.get(name) for name in pins} == pins, f"{lock} disagrees with the test lock"
        for requirement in top_level(extras):
            if applies(requirement, environment):
                name = canonicalize_name(requirement.name)
                assert requirement.specifier.contains(pins.get(name, "0")), (
                    f"{lock}: {requirement} (run make lock)"
                )


def test_the_locks_were_compiled_with_the_extras_the_check_expects():
    for lock, extras in LOCKS.items():
        header = (ROOT / lock).read_text().splitlines()[1]
        assert "uv pip compile pyproject.toml --universal" in header
        assert tuple(re.findall(r"--extra (\w+)", header)) == extras


def test_the_closure_check_follows_markers_and_extras():
    packages = {
        "app": Package("1.0", ("watchdog>=2; platform_system != 'Darwin'", "rich[jupyter]>=13")),
        "watchdog": Package("7.0"),
        "rich": Package("13.0", ("ipywidgets; extra == 'jupyter'", "colorama; sys_platform == 'win32'")),
        "ipywidgets": Package("8.0", requires_python=">=3.12"),
    }
    every = {name: package.version for name, package in packages.items()}

    def problems(key: str, python: str, **changes: str | None) -> list[str]:
        pins = {name: version for name, version in {**every, **changes}.items() if version}
        environment = marker_environment(PLATFORMS[key], python)
        return closure_problems([Requirement("app==1.0")], pins, packages, environment)

    assert problems("linux-x86_64", "3.12") == []
    assert problems("macos-arm64", "3.12", watchdog=None) == []
    assert problems("linux-x86_64", "3.11") == ["ipywidgets==8.0 requires Python >=3.12"]
    assert problems("macos-arm64", "3.12") == ["watchdog==7.0 is locked but nothing needs it"]
    assert problems("linux-x86_64", "3.12", watchdog=None) == ["watchdog (wanted by app) is not locked"]
    assert problems("linux-x86_64", "3.12", ipywidgets=None) == ["ipywidgets (wanted by rich) is not locked"]
    assert problems("linux-x86_64", "3.12", rich="12.0") == [
        "rich==12.0 does not meet app's 'rich[jupyter]>=13'"
    ]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The project's wheel, built from a copy of its sources (so no build/ or egg-info is left here)."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    shutil.copytree(ROOT / "statelab", source / "statelab", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet"]
    subprocess.run(
        [*build, "--wheel-dir", str(folder / "dist"), str(source)], check=True, capture_output=True
    )
    (built,) = (folder / "dist").glob("*.whl")
    return built


@pytest.mark.build
def test_the_wheel_holds_statelab_its_data_and_its_requirements(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = (name for name in names if name.endswith(".dist-info/METADATA"))
        fields = Parser().parsestr(archive.read(metadata).decode())
    assert {name.split("/")[0] for name in names} == {"statelab", metadata.split("/")[0]}
    sources = {f"statelab/{path.name}" for path in (ROOT / "statelab").glob("*.py")}
    assert sources <= names
    assert {f"statelab/data/{path.name}" for path in (ROOT / "statelab" / "data").glob("*.csv")} <= names
    requires = {str(Requirement(line)) for line in fields.get_all("Requires-Dist")}
    assert {str(requirement) for requirement in top_level(())} <= requires
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(fields["Requires-Python"]) == SpecifierSet(project["requires-python"])


@pytest.mark.build
def test_the_installed_wheel_imports_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet"]
    subprocess.run([*install, "--target", str(site), str(wheel)], check=True, capture_output=True)
    code = (
        "import numpy, statelab, statelab.engine.tasks\n"
        "print(statelab.__file__)\n"
        "print(statelab.batch_layout(statelab.LabConfig()).continuity_score)\n"
        "co2 = statelab.engine.tasks.make_task('forecast', n_streams=2, length=40, timesteps=5, seed=0)\n"
        "print(bool(numpy.isfinite(co2.inputs).all()) and co2.inputs.shape[0] == 2)\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    where, score, finite = done.stdout.split()
    assert where.startswith(str(site))
    assert float(score) == 1.0
    assert finite == "True"  # the CO2 series was read from the installed statelab/data/
