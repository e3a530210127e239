"""pyproject.toml and environment.yml must declare the same core dependencies (核心依赖).

The two set-up routes, pip (``make demo`` / ``make test``) and conda (``environment.yml``),
must give the same kit. These tests compare the core dependency lists of both files, names
normalised and version floors (最低版本) included, and fail naming the package when they drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import InvalidVersion, Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only (tomli comes with the dev extra there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI name (after normalisation). Keep this table small
# and explicit: add a row only when conda-forge really publishes the package under another name.
CONDA_TO_PYPI: dict[str, str] = {
    "python-duckdb": "duckdb",
}

# Entries of environment.yml that are not dependencies of the kit itself.
CONDA_ONLY = {"python", "pip"}

_REQUIREMENT = re.compile(
    r"""^\s*
    (?:[\w.-]+::)?                 # optional conda channel prefix, e.g. conda-forge::
    (?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)
    \s*(?:\[[^\]]*\])?             # optional extras, e.g. psycopg[binary]
    \s*(?P<spec>[^;]*?)            # version specifiers (PEP 440 or conda match spec)
    \s*(?:;.*)?$                   # optional environment marker
    """,
    re.VERBOSE,
)


def normalise_name(name: str, *, conda: bool = False) -> str:
    """Return the comparable PyPI name of a dependency.

    Parameters
    ----------
    name : str
        Name as written in either file, extras allowed (``psycopg[binary]``).
    conda : bool
        True when the name comes from environment.yml (conda-forge), so that
        :data:`CONDA_TO_PYPI` applies.

    Returns
    -------
    str
        PEP 503 normalised name: lower case, runs of ``-_.`` replaced by ``-``, extras dropped.
    """
    base = re.sub(r"\[.*\]$", "", name.strip())
    base = re.sub(r"[-_.]+", "-", base).lower()
    if conda:
        base = CONDA_TO_PYPI.get(base, base)
    return base


def parse_requirement(text: str, *, conda: bool = False) -> tuple[str, str | None]:
    """Split one dependency line into its normalised name and its ``>=`` floor.

    Parameters
    ----------
    text : str
        A PEP 508 requirement (``"pandas>=2.2"``) or a conda match spec (``"pandas >=2.2"``).
    conda : bool
        True for lines from environment.yml.

    Returns
    -------
    tuple of (str, str or None)
        Normalised name and the version floor, ``None`` when the line has no ``>=``.

    Raises
    ------
    ValueError
        When the line cannot be read as a requirement.
    """
    match = _REQUIREMENT.match(text)
    if match is None:
        raise ValueError(f"cannot read dependency {text!r}: write it as NAME>=VERSION")
    floor = None
    for part in match["spec"].split(","):
        part = part.strip()
        if part.startswith(">="):
            floor = part[2:].strip()
    return normalise_name(match["name"], conda=conda), floor


def pyproject_core(text: str) -> dict[str, str | None]:
    """Core dependencies of a pyproject.toml text: ``{name: floor}``."""
    data = tomllib.loads(text)
    return dict(parse_requirement(line) for line in data["project"]["dependencies"])


def environment_core(text: str) -> dict[str, str | None]:
    """Conda dependencies of an environment.yml text, minus python/pip: ``{name: floor}``."""
    data = yaml.safe_load(text)
    deps: dict[str, str | None] = {}
    for entry in data["dependencies"]:
        if not isinstance(entry, str):  # the nested `pip:` list
            continue
        name, floor = parse_requirement(entry, conda=True)
        if name not in CONDA_ONLY:
            deps[name] = floor
    return deps


def _same_version(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    try:
        return Version(a) == Version(b)  # 6 == 6.0
    except InvalidVersion:
        return a == b


def dependency_differences(pyproject_text: str, environment_text: str) -> list[str]:
    """Describe every way the two files' core dependencies disagree.

    Parameters
    ----------
    pyproject_text, environment_text : str
        Contents of pyproject.toml and environment.yml.

    Returns
    -------
    list of str
        One sentence per difference, naming the package; empty when the files agree.
    """
    pip = pyproject_core(pyproject_text)
    conda = environment_core(environment_text)
    problems = []
    for name in sorted(pip.keys() - conda.keys()):
        problems.append(
            f"{name}: in pyproject.toml but missing from environment.yml "
            f"(add it under dependencies, conda-forge name; see CONDA_TO_PYPI)"
        )
    for name in sorted(conda.keys() - pip.keys()):
        problems.append(
            f"{name}: in environment.yml but missing from pyproject.toml [project] dependencies"
        )
    for name in sorted(pip.keys() & conda.keys()):
        if not _same_version(pip[name], conda[name]):
            problems.append(
                f"{name}: version floor differs, pyproject.toml >={pip[name]} "
                f"vs environment.yml >={conda[name]} (make them identical)"
            )
    return problems


# --- the real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pyproject_text() -> str:
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def environment_text() -> str:
    return (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_core_dependencies_agree(pyproject_text: str, environment_text: str) -> None:
    problems = dependency_differences(pyproject_text, environment_text)
    assert not problems, "pyproject.toml and environment.yml disagree:\n" + "\n".join(problems)


def test_every_dependency_has_a_floor(pyproject_text: str, environment_text: str) -> None:
    unpinned = [n for n, f in pyproject_core(pyproject_text).items() if f is None]
    unpinned += [n for n, f in environment_core(environment_text).items() if f is None]
    assert not unpinned, f"dependencies without a >= floor: {unpinned}"


def test_python_floor_agrees(pyproject_text: str, environment_text: str) -> None:
    requires = tomllib.loads(pyproject_text)["project"]["requires-python"]
    conda_python = [
        parse_requirement(e, conda=True)
        for e in yaml.safe_load(environment_text)["dependencies"]
        if isinstance(e, str) and parse_requirement(e, conda=True)[0] == "python"
    ]
    assert conda_python, "environment.yml does not pin python"
    assert requires.strip() == f">={conda_python[0][1]}"


def test_environment_is_conda_forge_and_installs_the_kit(environment_text: str) -> None:
    data = yaml.safe_load(environment_text)
    assert data["name"] == "supervision-kit"
    assert data["channels"] == ["conda-forge"]
    pip_lists = [e["pip"] for e in data["dependencies"] if isinstance(e, dict) and "pip" in e]
    assert pip_lists == [["-e .[dev]"]]


# --- the checker itself, on deliberately mismatched pairs -------------------------------------

PYPROJECT = """
[project]
name = "x"
requires-python = ">=3.10"
dependencies = ["pandas>=2.2", "duckdb>=1.1", "pyyaml>=6.0", "psycopg[binary]>=3.2"]
"""

ENVIRONMENT = """
name: x
channels: [conda-forge]
dependencies:
  - python>=3.10
  - pandas>=2.2
  - python-duckdb>=1.1
  - pyyaml >=6
  - psycopg>=3.2
  - pip
  - pip: ["-e .[dev]"]
"""


def test_matching_pair_has_no_differences() -> None:
    # python-duckdb maps to duckdb, psycopg[binary] to psycopg, 6 equals 6.0
    assert dependency_differences(PYPROJECT, ENVIRONMENT) == []


def test_package_missing_from_environment_is_named() -> None:
    env = ENVIRONMENT.replace("  - pandas>=2.2\n", "")
    problems = dependency_differences(PYPROJECT, env)
    assert len(problems) == 1
    assert problems[0].startswith("pandas:")
    assert "missing from environment.yml" in problems[0]


def test_package_missing_from_pyproject_is_named() -> None:
    env = ENVIRONMENT.replace("  - pip\n", "  - jinja2>=3.1\n  - pip\n")
    problems = dependency_differences(PYPROJECT, env)
    assert len(problems) == 1
    assert problems[0].startswith("jinja2:")
    assert "missing from pyproject.toml" in problems[0]


def test_different_floor_is_named() -> None:
    env = ENVIRONMENT.replace("python-duckdb>=1.1", "python-duckdb>=1.0")
    problems = dependency_differences(PYPROJECT, env)
    assert len(problems) == 1
    assert problems[0].startswith("duckdb:")
    assert ">=1.1" in problems[0] and ">=1.0" in problems[0]


@pytest.mark.parametrize(
    ("text", "conda", "expected"),
    [
        ("psycopg[binary]>=3.2", False, ("psycopg", "3.2")),
        ("scikit_learn>=1.5", False, ("scikit-learn", "1.5")),
        ("PyYAML>=6.0", False, ("pyyaml", "6.0")),
        ("tomli>=2.0; python_version < '3.11'", False, ("tomli", "2.0")),
        ("python-duckdb >=1.1", True, ("duckdb", "1.1")),
        ("conda-forge::pandas>=2.2,<4", True, ("pandas", "2.2")),
        ("pip", True, ("pip", None)),
    ],
)
def test_parse_requirement(text: str, conda: bool, expected: tuple[str, str | None]) -> None:
    assert parse_requirement(text, conda=conda) == expected
