"""Check that the requirements install on every supported platform, markers evaluated for each one.

    .venv/bin/python tools/check_platforms.py [--platform linux-x86_64 macos-arm64] [--python 3.11 3.12]

pip evaluates environment markers for the machine it runs on, even with `--platform` (its report's
"environment" is this machine's), so for each target this script evaluates them itself with
`packaging`, then asks pip (`install --dry-run --ignore-installed --only-binary=:all: --platform ...
--python-version ...`):
1. the top-level requirements of pyproject.toml that apply to the target resolve, wheels only;
2. every pin of the test lock (requirements-test.txt, a superset of requirements.txt) that applies
   to the target has a wheel for it (`--no-deps`), and the pins of each lock satisfy every
   dependency of every pinned package, with markers and extras evaluated for the target.
Each platform stands for its oldest supported release (glibc 2.28, macOS 12): pip may pick only
wheels that run there. One line per target, with the newest of those the chosen wheels need; exit
status 1 if any target fails. Needs PyPI; 15 to 40 s per target.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
# Each lock and the extras of pyproject.toml it was compiled with (see `make lock`).
LOCKS = {"requirements.txt": ("app",), "requirements-test.txt": ("app", "test")}
PYTHONS = ("3.11", "3.12", "3.13")


@dataclass(frozen=True)
class Platform:
    """An operating system and CPU: pip's wheel tags for it and its marker values."""

    name: str
    tags: tuple[str, ...]
    markers: dict[str, str]


def _manylinux(machine: str) -> tuple[str, ...]:
    """The manylinux tags of glibc 2.17 to 2.28 for `machine` (pip does not expand perennial tags)."""
    return (f"manylinux2014_{machine}", *(f"manylinux_2_{minor}_{machine}" for minor in range(17, 29)))


def _posix(system: str, machine: str) -> dict[str, str]:
    return {"sys_platform": system.lower(), "platform_system": system, "platform_machine": machine}


PLATFORMS = {
    "linux-x86_64": Platform("Linux x86_64", _manylinux("x86_64"), _posix("Linux", "x86_64")),
    "linux-aarch64": Platform("Linux aarch64", _manylinux("aarch64"), _posix("Linux", "aarch64")),
    # pip expands a macOS tag to every older macOS version; TensorFlow 2.21 needs macOS 12.
    "macos-arm64": Platform("macOS arm64", ("macosx_12_0_arm64",), _posix("Darwin", "arm64")),
    "windows-amd64": Platform(
        "Windows x86_64",
        ("win_amd64",),
        {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64", "os_name": "nt"},
    ),
}


def marker_environment(platform: Platform, python: str) -> dict[str, str]:
    """The values of PEP 508 environment markers on `platform` under CPython `python` ("3.12")."""
    full_version = f"{python}.0"
    return {
        "os_name": "posix",
        "platform_release": "",
        "platform_version": "",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": full_version,
        "python_version": python,
        "python_full_version": full_version,
        "extra": "",
        **platform.markers,
    }


def applies(requirement: Requirement, environment: dict[str, str], extras: tuple[str, ...] = ("",)) -> bool:
    """Whether `requirement`'s marker holds in `environment` for any of the requested `extras`."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras)


def without_marker(requirement: Requirement) -> str:
    """The requirement as pip takes it once its marker has been evaluated: "name[extras]specifier"."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def top_level(extras: tuple[str, ...], pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    """The requirements of pyproject.toml: its dependencies and those of the given extras."""
    project = tomllib.loads(pyproject.read_text())["project"]
    lines = [
        *project["dependencies"],
        *(line for extra in extras for line in project["optional-dependencies"][extra]),
    ]
    return [Requirement(line) for line in lines]


def read_lock(path: Path) -> list[Requirement]:
    """The pins of a lock file written by `uv pip compile` (comments and options skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def pins_for(lock: list[Requirement], environment: dict[str, str]) -> dict[str, str]:
    """{canonical name: version} of the pins that apply in `environment`."""
    pins = {}
    for requirement in lock:
        if applies(requirement, environment):
            specifiers = list(requirement.specifier)
            if len(specifiers) != 1 or specifiers[0].operator != "==":
                raise ValueError(f"{requirement} is not pinned with '=='")
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


@dataclass(frozen=True)
class Package:
    """What the check needs of one distribution's metadata."""

    version: str
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None


def closure_problems(
    roots: list[Requirement], pins: dict[str, str], packages: dict[str, Package], environment: dict[str, str]
) -> list[str]:
    """What keeps `pins` from being a complete, consistent install of `roots` in `environment`.

    Follows every dependency from the roots, markers and extras evaluated for the environment: each
    must be pinned, at a version its specifier allows, and no pin may be left unreached.
    """
    problems, reached = [], set()
    pending = [(root, "pyproject.toml") for root in roots if applies(root, environment)]
    seen = set()
    while pending:
        requirement, wanted_by = pending.pop()
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{name} (wanted by {wanted_by}) is not locked")
            continue
        if not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{name}=={pins[name]} does not meet {wanted_by}'s '{requirement}'")
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        reached.add(name)
        package = packages[name]
        python = environment["python_full_version"]
        if package.requires_python and not SpecifierSet(package.requires_python).contains(python):
            problems.append(f"{name}=={package.version} requires Python {package.requires_python}")
        extras = ("", *requirement.extras)
        for line in package.requires_dist:
            dependency = Requirement(line)
            if applies(dependency, environment, extras):
                pending.append((dependency, name))
    problems += [
        f"{name}=={pins[name]} is locked but nothing needs it" for name in sorted(set(pins) - reached)
    ]
    return problems


def pip_dry_run(requirements: list[str], platform: Platform, python: str, *options: str) -> dict:
    """pip's installation report for `requirements` on `platform` and `python`, wheels only."""
    with tempfile.TemporaryDirectory(prefix="check-platforms-") as folder:
        report = Path(folder) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        command += ["--only-binary=:all:", "--python-version", python, "--report", str(report), *options]
        command += [f"--platform={tag}" for tag in platform.tags]
        done = subprocess.run(command + requirements, capture_output=True, text=True)
        if done.returncode:
            errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            raise RuntimeError("; ".join(errors) or done.stderr[-500:])
        return json.loads(report.read_text())


def packages_in(report: dict) -> dict[str, Package]:
    """{canonical name: Package} from a pip installation report."""
    packages = {}
    for item in report["install"]:
        metadata = item["metadata"]
        packages[canonicalize_name(metadata["name"])] = Package(
            metadata["version"], tuple(metadata.get("requires_dist") or ()), metadata.get("requires_python")
        )
    return packages


LEGACY_MANYLINUX = {"manylinux2014": (2, 17), "manylinux2010": (2, 12), "manylinux1": (2, 5)}


def _system_version(tag: str) -> tuple[str, tuple[int, int]] | None:
    """("glibc" or "macOS", (major, minor)) that a wheel's platform tag needs; None for others."""
    prefix = tag.rsplit("_", 1)[0]
    if prefix in LEGACY_MANYLINUX:
        return "glibc", LEGACY_MANYLINUX[prefix]
    for system, start in (("glibc", "manylinux_"), ("macOS", "macosx_")):
        if tag.startswith(start):
            major, minor = tag[len(start) :].split("_")[:2]
            return system, (int(major), int(minor))
    return None


def oldest_system(report: dict) -> str:
    """The oldest glibc or macOS release that every chosen wheel supports ("" when none applies)."""
    needs: dict[str, tuple[int, int]] = {}
    for item in report["install"]:
        _, _, _, tags = parse_wheel_filename(item["download_info"]["url"].rsplit("/", 1)[-1])
        wheel_needs: dict[str, tuple[int, int]] = {}
        for system, version in filter(None, (_system_version(tag.platform) for tag in tags)):
            wheel_needs[system] = min(version, wheel_needs.get(system, version))
        for system, version in wheel_needs.items():
            needs[system] = max(version, needs.get(system, version))
    return ", ".join(f"{system} {major}.{minor}+" for system, (major, minor) in sorted(needs.items()))


def check(platform: Platform, python: str) -> tuple[bool, str]:
    """(passed, one line to print) for one target."""
    environment = marker_environment(platform, python)
    wanted = [without_marker(r) for r in top_level(LOCKS["requirements-test.txt"]) if applies(r, environment)]
    try:
        resolved = pip_dry_run(wanted, platform, python)
        test_pins = pins_for(read_lock(ROOT / "requirements-test.txt"), environment)
        locked = pip_dry_run(
            [f"{name}=={version}" for name, version in test_pins.items()], platform, python, "--no-deps"
        )
    except RuntimeError as error:
        return False, f"pip: {error}"
    packages = packages_in(locked)
    problems = []
    for lock, extras in LOCKS.items():
        pins = pins_for(read_lock(ROOT / lock), environment)
        differ = [
            f"{lock}: {name} differs from the test lock" for name in pins if pins[name] != test_pins.get(name)
        ]
        closure = [] if differ else closure_problems(top_level(extras), pins, packages, environment)
        problems += differ + [f"{lock}: {problem}" for problem in closure]
    if problems:
        return False, "; ".join(problems)
    oldest = oldest_system(locked) or "no particular release"
    return True, (
        f"top level resolves ({len(resolved['install'])} packages); {len(test_pins)} locked pins, each with "
        f"a wheel, every dependency locked; the wheels need {oldest}"
    )


def main() -> int:
    """Check the chosen targets and print one line each; 1 if any failed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--platform", nargs="+", choices=sorted(PLATFORMS), default=sorted(PLATFORMS))
    parser.add_argument("--python", nargs="+", choices=PYTHONS, default=PYTHONS)
    args = parser.parse_args()
    failed = False
    for key in args.platform:
        for python in args.python:
            passed, line = check(PLATFORMS[key], python)
            failed |= not passed
            print(
                f"{'ok  ' if passed else 'FAIL'} {PLATFORMS[key].name}, Python {python}: {line}", flush=True
            )
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
