"""Write the tiny competition notebooks used by tests/test_compete.py (from the repository root).

    .venv/bin/python tests/compete/make_fixtures.py && .venv/bin/ruff format tests/compete

Each notebook has the six required sections and a ``parameters`` cell, so that it fails (or
passes) only for the reason its name gives. Cell numbers asserted in the tests:

- good.ipynb    passes: one SQL rule, writes a clue file (cell 9);
- leaky.ipynb   refused before running: an absolute path (cell 2), ``import requests`` and
                ``!pip`` (cell 3), a raw resident ID number in a stored output (cell 4);
- slow.ipynb    stopped at the time limit in cell 4 (it sleeps);
- broken.ipynb  cell 3 raises KitError (it loads a dataset by name instead of data_dir);
- sneaky.ipynb  passes the static scan, then in the run shows a raw ID number (cell 4) and
                tries to connect out (cell 5, the error caught by the notebook);
- slow.ipynb    also leaves a ``sleep 317`` (own session) and a ``python -S`` child behind;
- probe.ipynb   looks for the organiser's folders as an attacker would: its own and its
                parent's command line, environment and working directory in /proc, the
                ``--data`` of any ancestor, then ``../truth/truth.csv`` and ``*.seed`` files
                there; prints what it found as JSON (cell 4), starts ``sleep 311`` and
                ``sleep 313`` (own session) and passes otherwise;
- stored.ipynb  stored outputs only (not run): an IPython traceback in colour naming
                /home/alice/... (cell 4), a file:// URL (cell 5), a /proc path (cell 6), a raw ID
                number inside an SVG image (cell 7).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

HERE = Path(__file__).parent
SECTIONS = (
    "## 1. Background and need (背景与需求)\n## 2. Legal basis (法律依据)\n## 3. Data (数据)\n"
    "## 4. Rules (规则)\n## 5. Evaluation (评估)\n## 6. Value for promotion (推广价值)"
)
WRITE = (
    'import pandas as pd\n\npd.DataFrame({"subject_id": ["A1"], "pattern": ["pension_after_death"], '
    '"amount_involved": [1.0]}).to_csv(clues_path, index=False)'
)


def _params(data_dir: str = "../../datasets/social_security") -> nbformat.NotebookNode:
    cell = new_code_cell(f'data_dir = "{data_dir}"\nclues_path = "clues.csv"\ncapacity = 20')
    cell.metadata["tags"] = ["parameters"]
    return cell


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    return nb


PROBE = r"""import json
import os
import subprocess
from pathlib import Path


def _proc(pid):
    seen = {}
    for part in ("cmdline", "environ"):
        try:
            seen[part] = Path(f"/proc/{pid}/{part}").read_bytes().decode(errors="replace")
        except OSError as exc:
            seen[part] = type(exc).__name__
    try:
        seen["cwd"] = os.readlink(f"/proc/{pid}/cwd")
    except OSError as exc:
        seen["cwd"] = type(exc).__name__
    return seen


def _parent(pid):
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


probe = {"kernel": _proc(os.getpid()), "parent": _proc(os.getppid()), "truth": [], "seeds": []}
pid = os.getppid()
while pid > 1:
    args = _proc(pid)["cmdline"].split("\0")
    if "--data" in args:
        data = Path(args[args.index("--data") + 1])
        for place in (data / "truth" / "truth.csv", data.parent / "truth" / "truth.csv"):
            try:
                probe["truth"].append(len(place.read_text()))
            except OSError as exc:
                probe["truth"].append(type(exc).__name__)
        for seed in data.parent.parent.glob("*.seed"):
            try:
                probe["seeds"].append(seed.read_text().strip())
            except OSError as exc:
                probe["seeds"].append(type(exc).__name__)
    pid = _parent(pid)
subprocess.Popen(["sleep", "311"])
subprocess.Popen(["sleep", "313"], start_new_session=True)
print(json.dumps(probe))"""
ANSI_TRACEBACK = [
    "\x1b[0;31m----------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m                 Traceback (most recent call last)",
    "File \x1b[0;32m/home/alice/project/helper.py:3\x1b[0m, in \x1b[0;36mrun\x1b[0;34m()\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="20">'
    '<text x="0" y="15">11010519491231002X</text></svg>'
)


def main() -> None:
    """Write the notebooks next to this script."""
    traceback = new_code_cell("import helper\n\nhelper.run()")
    traceback.outputs = [
        new_output(
            "error", ename="ZeroDivisionError", evalue="division by zero", traceback=ANSI_TRACEBACK
        )
    ]
    file_url = new_code_cell(
        'from pathlib import Path\n\nprint(Path("data.csv").resolve().as_uri())'
    )
    file_url.outputs = [new_output("stream", name="stdout", text="file:///home/alice/data.csv\n")]
    svg = new_code_cell('from IPython.display import SVG, display\n\ndisplay(SVG("picture.svg"))')
    svg.outputs = [new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<SVG>"})]
    leak = new_code_cell(
        'with open(f"{data_dir}/deaths.csv", encoding="utf-8") as f:\n'
        '    print("first death record:", f.readlines()[1].split(",")[2])'
    )
    leak.outputs = [
        new_output("stream", name="stdout", text="first death record: 11010519491231002X\n")
    ]
    notebooks = {
        "good": [
            new_markdown_cell("# Good"), _params(), new_markdown_cell(SECTIONS),
            new_code_cell("import kit\n\nds = kit.datasets.load(data_dir)"),
            new_markdown_cell("The rule:"),
            new_code_cell(
                'clues = kit.sql("""\n'
                "SELECT p.id_number AS subject_id, 'pension_after_death' AS pattern,\n"
                "       round(sum(p.amount), 2) AS amount_involved\n"
                "FROM pension_payments AS p JOIN deaths AS d ON d.id_number = p.id_number\n"
                "WHERE p.payment_type = 'monthly' AND p.pay_date > d.death_date + INTERVAL 90 DAY\n"
                "GROUP BY p.id_number ORDER BY amount_involved DESC, subject_id\n"
                '""", ds)'
            ),
            new_markdown_cell("Masked:"),
            new_code_cell('kit.mask.mask_frame(clues.head(2), {"subject_id": "id"})'),
            new_code_cell('clues.to_csv(clues_path, index=False)\nprint(len(clues), "clues")'),
        ],
        "leaky": [
            new_markdown_cell("# Leaky"), _params("/home/alice/hidden/social_security"),
            new_code_cell("import requests\n\n!pip install xgboost\nsession = requests.Session()"), leak,
            new_markdown_cell(SECTIONS), new_code_cell(WRITE),
        ],
        "slow": [
            new_markdown_cell("# Slow"), _params(), new_markdown_cell(SECTIONS),
            new_code_cell(
                "import subprocess\nimport sys\nimport time\n\n"
                'subprocess.Popen(["sleep", "317"], start_new_session=True)\n'
                'subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(318)"])\n'
                "time.sleep(120)"
            ),
            new_code_cell(WRITE),
        ],
        "probe": [
            new_markdown_cell("# Probe"), _params(), new_markdown_cell(SECTIONS),
            new_code_cell(PROBE), new_code_cell(WRITE),
        ],
        "stored": [
            new_markdown_cell("# Stored"), _params(), new_markdown_cell(SECTIONS),
            traceback, file_url, new_code_cell('x = "/proc/self/environ"'), svg,
            new_code_cell(WRITE),
        ],
        "broken": [
            new_markdown_cell("# Broken"), _params(),
            new_code_cell('import kit\n\nds = kit.datasets.load("social_security")'),
            new_markdown_cell(SECTIONS), new_code_cell(WRITE),
        ],
        "sneaky": [
            new_markdown_cell("# Sneaky"), _params(), new_markdown_cell(SECTIONS),
            new_code_cell(
                'import os\n\nimport pandas as pd\n\nprint("truth" in os.listdir(data_dir))\n'
                'deaths = pd.read_csv(os.path.join(data_dir, "deaths.csv"), dtype=str)\n'
                'print(deaths["id_number"].dropna().iloc[0])'
            ),
            new_code_cell(
                'net = __import__("so" + "cket")\ntry:\n'
                '    net.create_connection(("203.0.113.5", 80), timeout=1)\n'
                "except OSError as exc:\n    print(type(exc).__name__)"
            ),
            new_code_cell(WRITE),
        ],
    }  # fmt: skip
    for name, cells in notebooks.items():
        nbformat.write(_notebook(*cells), HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
