"""Notebook competitions (kit compete): checks that refuse with clear reasons, fair scores, leaderboard.

The worked example of docs/competition.md is reproduced with literal, hand-computed numbers.
Tests that start a Jupyter kernel share the xdist group ``compete``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kit.compete import (
    HashSplit,
    ScoreRules,
    TimeSplit,
    check_notebook,
    leaderboard,
    prepare,
    read_clues,
    score_clues,
)
from kit.compete.cli import main
from kit.compete.guard import write_guard
from kit.compete.split import apportion
from kit.errors import DataError, KitError

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "compete"
DATA = ROOT / "datasets" / "social_security"
KIT = ROOT / "competition" / "starting_kit.ipynb"
EXAMPLE = ScoreRules(capacity=5, weight=0.5, split=HashSplit(seed=213, public_share=0.3))
kernel = pytest.mark.xdist_group("compete")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


# --- the metric: the worked example of docs/competition.md ---------------------------------


def test_worked_example_equals_the_hand_computed_scores() -> None:
    result = score_clues(HERE / "example_clues.csv", HERE / "example_truth.csv", EXAMPLE)
    pub, priv, every = result.public, result.private, result.all
    # public: S02, S05, S07 (3 of 8 truth rows) -> k = floor(5 * 3/8 + 0.5) = 2
    assert (pub.capacity, pub.cases_found, pub.cases) == (2, 1, 2)
    assert pub.precision_at_k == pytest.approx(1 / 2)
    assert (pub.amount_found, pub.amount_total) == (3000.0, 3500.0)
    assert pub.amount_recall_at_k == pytest.approx(0.857143, abs=1e-6)
    assert pub.score == pytest.approx(0.678571, abs=1e-6)
    # private: k = 3; S04 (case), then S08 before S09 (same score, larger amount)
    assert (priv.capacity, priv.cases_found, priv.cases) == (3, 1, 4)
    assert priv.precision_at_k == pytest.approx(1 / 3)
    assert (priv.amount_found, priv.amount_total) == (4000.0, 8500.0)
    assert priv.amount_recall_at_k == pytest.approx(0.470588, abs=1e-6)
    assert priv.score == pytest.approx(0.401961, abs=1e-6)
    # whole data, k = 5: S04, S02, S07, S08, S09
    assert (every.cases_found, every.amount_found, every.amount_total) == (2, 7000.0, 12000.0)
    assert every.precision_at_k == pytest.approx(0.4)
    assert every.score == pytest.approx(0.491667, abs=1e-6)
    assert (result.clues, result.duplicates) == (9, 1)


def test_review_order_and_split_of_the_worked_example() -> None:
    result = score_clues(HERE / "example_clues.csv", HERE / "example_truth.csv", EXAMPLE)
    order = result.detail[["subject_id", "split", "reviewed"]].values.tolist()
    assert order == [
        ["S04", "private", True],
        ["S02", "public", True],
        ["S07", "public", True],
        ["S08", "private", True],
        ["S09", "private", True],
        ["S05", "public", False],
        ["S03", "private", False],
        ["S01", "private", False],  # no score: after every scored clue
    ]


def test_score_ignores_row_order_and_repeats_count_once() -> None:
    clues = read_clues(HERE / "example_clues.csv")
    shuffled = clues.sample(frac=1.0, random_state=3).reset_index(drop=True)
    repeated = pd.concat([clues, clues[clues["subject_id"] == "S02"]], ignore_index=True)
    base = score_clues(clues, HERE / "example_truth.csv", EXAMPLE).to_dict()
    assert score_clues(shuffled, HERE / "example_truth.csv", EXAMPLE).to_dict() == base
    again = score_clues(repeated, HERE / "example_truth.csv", EXAMPLE)
    assert again.public.to_dict() == base["public"] and again.duplicates == 2


def test_unused_capacity_counts_as_misses() -> None:
    one = pd.DataFrame({"subject_id": ["S04"], "pattern": "pension_after_death",
                        "amount_involved": [1.0], "score": [1.0]})  # fmt: skip
    result = score_clues(one, HERE / "example_truth.csv", EXAMPLE)
    assert result.private.precision_at_k == pytest.approx(1 / 3)  # 1 case, 3 review slots


def test_split_is_fixed_by_the_seed_and_apportions_capacity() -> None:
    truth = pd.read_csv(HERE / "example_truth.csv", dtype={"subject_id": str})
    a = HashSplit(seed=213).assign(truth).tolist()
    assert a == HashSplit(seed=213).assign(truth.iloc[::-1]).tolist()[::-1]
    assert a != HashSplit(seed=214).assign(truth).tolist()
    assert [s for s, v in zip(truth["subject_id"], a, strict=True) if v == "public"] == [
        "S02", "S05", "S07"
    ]  # fmt: skip
    assert apportion(50, 30, 100) == (15, 35)


def test_time_split_puts_earlier_cases_on_the_public_board() -> None:
    truth = pd.read_csv(HERE / "example_truth.csv", dtype={"subject_id": str})
    truth["death_date"] = ["2023-03-01"] * 3 + ["2024-05-01"] * 5
    rules = ScoreRules(capacity=4, split=TimeSplit("death_date", "2024-01-01"))
    truth = truth.assign(is_case=truth["is_case"].astype(bool))
    result = score_clues(HERE / "example_clues.csv", truth, rules)
    assert (result.public.cases, result.private.cases) == (3, 3)
    assert result.public.capacity == 2  # floor(4 * 3/8 + 0.5)


# --- the clue file ------------------------------------------------------------------------


def test_clue_file_problems_name_row_column_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "clues.csv"
    path.write_text(
        "subject_id,pattern,amount_involved,score\n"
        "342401********5396,SS01,10,1\nS02,,abc,\nS03,pension_after_death,5,high\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_clues(path)
    text = str(err.value)
    assert "clues.csv row 1 (line 2), column subject_id: '342401********5396' is masked." in text
    assert "masked=False" in text
    assert "row 2 (line 3), column pattern: is empty." in text
    assert "row 2 (line 3), column amount_involved: 'abc' is not a number of yuan" in text
    assert "row 3 (line 4), column score: 'high' is not a number." in text
    path.write_text("id,amount\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="subject_id, pattern, amount_involved"):
        read_clues(path)


def test_model_id_is_accepted_as_pattern(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("subject_id,pattern,amount_involved\nS04,SS01,4000\n", encoding="utf-8")
    assert read_clues(path)["pattern"].tolist() == ["pension_after_death"]


# --- check: static refusals ---------------------------------------------------------------


def test_leaky_notebook_is_refused_with_every_reason_and_not_run() -> None:
    report = check_notebook(HERE / "leaky.ipynb", DATA, time_limit=10)
    assert not report.passed and not report.executed
    found = {(p.check, p.cell) for p in report.problems}
    assert found == {("network", 3), ("path", 2), ("identifier", 4)}
    network, path, ident = (
        report.by_check(c)[0].message for c in ("network", "path", "identifier")
    )
    assert "network access is not allowed" in network and "imports requests" in network
    assert "runs the shell command 'pip'" in network
    assert "'/home/alice/hidden/social_security'" in path
    assert "110105********002X" in ident and "11010519491231002X" not in ident
    assert report.notes[-1] == "not run, because of the network problem(s) above."
    assert all(p.fix for p in report.problems)


def test_missing_sections_and_parameters_are_named(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 标题 大数据法律监督\n## 背景与需求\n## Data\n## 规则"),
            nbformat.v4.new_code_cell("x = 1"),
        ]
    )
    path = tmp_path / "bare.ipynb"
    nbformat.write(nb, path)
    report = check_notebook(path, run=False)
    sections, params = report.by_check("sections")[0], report.by_check("parameters")[0]
    assert "3 of 6 required sections are missing" in sections.message
    assert (
        "Legal basis (法律依据); Evaluation (评估); Value for promotion (推广价值)"
        in sections.message
    )
    assert "no code cell is tagged 'parameters'" in params.message


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("%pip install lightgbm", "runs the shell command 'pip'"),
        ("!curl -O http://x.org/a.csv", "runs the shell command 'curl'"),
        ("import os, socket", "imports socket"),
        ("m = __import__('urllib.request')", "imports urllib.request dynamically"),
        ("df = pd.read_csv('https://example.com/d.csv')", "names the URL https://example.com"),
        ("%%bash\nls", "is a %%bash cell"),
    ],
)
def test_static_scan_names_each_kind_of_network_use(source: str, reason: str) -> None:
    from kit.compete.guard import scan_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    problems = scan_notebook(nb)
    assert [p.check for p in problems] == ["network"] and reason in problems[0].message


def test_static_scan_lets_harmless_code_pass() -> None:
    from kit.compete.guard import scan_notebook

    code = 'from urllib.parse import quote\npath = "../datasets/x"  # not /home/me\nr = 3 / 2'
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("stream", text="342401********5396 张*明\n")]
    assert scan_notebook(nbformat.v4.new_notebook(cells=[cell])) == []


def test_network_guard_refuses_outside_and_allows_loopback(tmp_path: Path) -> None:
    guard = write_guard(tmp_path / "guard")
    code = (
        "import socket\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()\n"
        "socket.create_connection(server.getsockname(), timeout=2).close(); print('loopback ok')\n"
        "try:\n    socket.create_connection(('203.0.113.5', 80), timeout=2)\n"
        "except PermissionError as exc:\n    print(type(exc).__name__, exc)\n"
        "try:\n    socket.getaddrinfo('example.com', 80)\n"
        "except PermissionError as exc:\n    print(type(exc).__name__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(guard), "KIT_COMPETE_GUARD_LOG": str(tmp_path / "log")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "loopback ok"
    assert lines[1].startswith("NetworkAccessRefused network access is not allowed")
    assert "connect to 203.0.113.5:80" in lines[1] and lines[2] == "NetworkAccessRefused"
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "connect to 203.0.113.5:80" in log and "look up example.com" in log


# --- check: runs with a kernel ------------------------------------------------------------


@kernel
def test_broken_notebook_is_refused_with_cell_and_exception(capsys) -> None:
    code, out = _cli(capsys, "check", str(HERE / "broken.ipynb"), "--data", str(DATA), "--json")
    report = json.loads(out)
    assert code == 1 and report["executed"] and not report["passed"]
    (problem,) = report["problems"]
    assert (problem["check"], problem["cell"]) == ("execution", 3)
    assert problem["message"].startswith("the cell raised KitError: No dataset 'social_security'")
    assert "data_dir" in problem["fix"]


def _running(*commands: str) -> list[str]:
    """Command lines of live processes that are exactly one of ``commands``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(line.endswith(c) for c in commands):
            found.append(line)
    return found


@kernel
def test_slow_notebook_is_stopped_at_the_time_limit() -> None:
    report = check_notebook(HERE / "slow.ipynb", DATA, time_limit=10)
    (problem,) = report.problems
    assert (problem.check, problem.cell) == ("time_limit", 4)
    assert problem.message == "the run exceeded the time limit of 10 s at cell 4 and was stopped."
    assert report.seconds < 30
    if sys.platform.startswith("linux"):  # the cell's own-session sleep and python -S are gone
        assert _running("sleep 317", "time.sleep(318)") == []


@kernel
def test_run_time_network_and_identifier_leaks_are_caught(tmp_path: Path) -> None:
    executed, kept = tmp_path / "executed.ipynb", tmp_path / "kept_clues.csv"
    report = check_notebook(HERE / "sneaky.ipynb", DATA, time_limit=60, executed_out=executed,
                            clues_out=kept)  # fmt: skip
    assert {(p.check, p.cell) for p in report.problems} == {("network", 5), ("identifier", 4)}
    assert not kept.exists() and report.clue_file is None  # refused: its clue file is not kept
    net, ident = report.by_check("network")[0], report.by_check("identifier")[0]
    assert "connect to 203.0.113.5:80" in net.message and "refused" in net.message
    assert ident.message.startswith("in the run on the given data, the output shows 1 unmasked")
    outputs = nbformat.read(executed, as_version=4).cells
    shown = [o.get("text", "") for c in outputs if c.cell_type == "code" for o in c.outputs]
    assert shown[0].startswith("False\n")  # the notebook never sees truth/
    assert "NetworkAccessRefused\n" in shown  # the notebook caught it; the log still tells


@kernel
def test_starting_kit_passes_the_check_and_is_scored(tmp_path: Path, capsys) -> None:
    clues = tmp_path / "clues.csv"
    code, out = _cli(capsys, "check", str(KIT), "--data", str(DATA), "--capacity", "20",
                     "--time-limit", "120", "--clues-out", str(clues))  # fmt: skip
    assert code == 0 and out.startswith(f"{KIT}: passed (ran in"), out
    assert len(read_clues(clues)) > 20
    code, out = _cli(capsys, "score", str(clues), "--truth", str(DATA / "truth"),
                     "--pattern", "pension_after_death", "--capacity", "20", "--json")  # fmt: skip
    rules = ScoreRules(capacity=20, patterns=("pension_after_death",))
    result = score_clues(clues, DATA / "truth", rules)
    assert code == 0 and json.loads(out) == result.to_dict()
    assert (result.public.capacity, result.private.capacity) == (5, 15)
    assert result.public.cases_found >= 1 and result.private.cases_found >= 5
    assert 0.3 < result.private.score <= 1.0


def test_good_fixture_and_the_committed_starting_kit_pass_the_static_checks() -> None:
    for notebook in (HERE / "good.ipynb", KIT):
        report = check_notebook(notebook, DATA, run=False)
        assert report.passed and not report.executed, str(report)


# --- command line without a kernel --------------------------------------------------------


def test_cli_json_equals_the_library(capsys) -> None:
    code, out = _cli(capsys, "check", str(HERE / "leaky.ipynb"), "--static-only", "--json")
    expected = check_notebook(HERE / "leaky.ipynb", run=False).to_dict()
    assert code == 1 and json.loads(out) == expected
    args = [str(HERE / "example_clues.csv"), "--truth", str(HERE / "example_truth.csv")]
    code, out = _cli(capsys, "score", *args, "--capacity", "5", "--split-seed", "213", "--json")
    assert code == 0 and json.loads(out) == score_clues(args[0], args[2], EXAMPLE).to_dict()
    code, out = _cli(capsys, "score", *args, "--capacity", "5", "--split-seed", "213")
    assert "public       2   1/2         0.5000           0.8571   0.6786" in out


# --- leaderboard --------------------------------------------------------------------------

PUBLIC_PERFECT = "subject_id,pattern,amount_involved,score\nS02,SS01,1,1\nS05,SS01,1,0.9\n"
PRIVATE_GOOD = (
    "subject_id,pattern,amount_involved,score\nS04,SS01,1,3\nS03,SS01,1,2\nS06,SS01,1,1\n"
)


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    """alpha: example, private-good, (over cap) public-perfect; gamma: public-perfect, example;
    delta: example, earlier than alpha's; beta: an invalid file."""
    example = (HERE / "example_clues.csv").read_text(encoding="utf-8")
    files = {
        "alpha/2024-06-01T10-00-00_clues.csv": example,
        "alpha/2024-06-02T10-00-00_clues.csv": PRIVATE_GOOD,
        "alpha/2024-06-03T10-00-00_clues.csv": PUBLIC_PERFECT,
        "gamma/20240601-090000_clues.csv": PUBLIC_PERFECT,
        "gamma/20240604-090000_clues.csv": example,
        "delta/2024-06-01T08-00-00_clues.csv": example,
        "beta/2024-06-01T12-00-00_clues.csv": "id,amount\n1,2\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _board_csv(folder: Path) -> list[list[str]]:
    frame = pd.read_csv(folder / "leaderboard.csv", dtype=str, keep_default_na=False)
    return frame[["rank", "team", *[c for c in frame if c.endswith("_score")]]].values.tolist()


def test_public_board_ranks_best_public_score_and_hides_private(submissions: Path) -> None:
    board = leaderboard(submissions, HERE / "example_truth.csv", EXAMPLE, cap=2, out=submissions)
    assert _board_csv(submissions) == [
        ["1", "gamma", "1.0000"],
        ["2", "delta", "0.6786"],  # ties alpha: submitted earlier
        ["3", "alpha", "0.6786"],
        ["", "beta", ""],
    ]
    subs = board.submissions.set_index("file")
    assert subs.loc["alpha/2024-06-03T10-00-00_clues.csv", "status"] == "over cap"
    assert subs.loc["beta/2024-06-01T12-00-00_clues.csv", "status"] == "invalid"
    assert "private_score" not in subs.columns
    html = (submissions / "leaderboard.html").read_text(encoding="utf-8")
    assert "Public score 公开榜得分" in html and "私有榜" not in html
    assert "http" not in html and "<script" not in html


@pytest.mark.parametrize(
    ("best_of", "expected"),
    [
        # best of 1: alpha and delta both keep the example (private 0.4020); delta sent it first
        (1, [["1", "delta", "0.6786", "0.4020"], ["2", "alpha", "0.6786", "0.4020"],
             ["3", "gamma", "1.0000", "0.0000"], ["", "beta", "", ""]]),
        (2, [["1", "alpha", "0.6786", "0.9412"], ["2", "delta", "0.6786", "0.4020"],
             ["3", "gamma", "1.0000", "0.4020"], ["", "beta", "", ""]]),
    ],
)  # fmt: skip
def test_final_board_takes_the_best_private_of_the_best_public(
    submissions: Path, best_of: int, expected: list[list[str]]
) -> None:
    out = submissions / "board"
    board = leaderboard(
        submissions,
        HERE / "example_truth.csv",
        EXAMPLE,
        cap=2,
        best_of=best_of,
        final=True,
        out=out,
    )
    assert _board_csv(out) == expected
    chosen = board.submissions[board.submissions["selected"]]
    assert len(chosen[chosen["team"] == "alpha"]) == best_of
    assert {p.name for p in board.written} == {
        "leaderboard.csv", "leaderboard_submissions.csv", "leaderboard.html"
    }  # fmt: skip


def test_leaderboard_command_prints_the_library_result(submissions: Path, capsys) -> None:
    args = ["--truth", str(HERE / "example_truth.csv"), "--capacity", "5", "--split-seed", "213"]
    code, out = _cli(capsys, "leaderboard", str(submissions), *args, "--final", "--json")
    expected = leaderboard(submissions, HERE / "example_truth.csv", EXAMPLE, final=True)
    printed = json.loads(out)
    assert code == 0 and len(printed.pop("written")) == 3
    assert printed == {k: v for k, v in expected.to_dict().items() if k != "written"}


def test_a_manifest_lists_submissions_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(PUBLIC_PERFECT, encoding="utf-8")
    manifest = "team,submitted_at,file\nomega,2024-06-01 09:00:00,e.csv\nomega,yesterday,f.csv\n"
    (tmp_path / "submissions.csv").write_text(manifest, encoding="utf-8")
    with pytest.raises(DataError) as err:
        leaderboard(tmp_path, HERE / "example_truth.csv", EXAMPLE)
    text = str(err.value)
    assert "submissions.csv row 2 (line 3), column submitted_at: 'yesterday' is not a time." in text
    assert "column file: 'f.csv' does not exist." in text
    first_row = "\n".join(manifest.splitlines()[:2]) + "\n"
    (tmp_path / "submissions.csv").write_text(first_row, encoding="utf-8")
    board = leaderboard(tmp_path, HERE / "example_truth.csv", EXAMPLE)
    assert board.teams[["rank", "team", "public_score"]].values.tolist() == [[1, "omega", 1.0]]


def test_submission_names_must_carry_the_time(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "final.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(DataError, match="team/final.csv: the name does not start with the time"):
        leaderboard(tmp_path, HERE / "example_truth.csv", EXAMPLE)


# --- hidden data --------------------------------------------------------------------------


def test_prepare_keeps_truth_apart_and_never_shows_the_seed(tmp_path: Path, capsys) -> None:
    seed_file, out = tmp_path / "secret.seed", tmp_path / "hidden"
    code, printed = _cli(capsys, "prepare", "social_security", "--seed-file", str(seed_file),
                         "--new-seed", "--out", str(out))  # fmt: skip
    seed = seed_file.read_text(encoding="utf-8").strip()
    assert code == 0 and seed not in printed and len(seed) >= 10
    assert sorted(p.name for p in out.iterdir()) == [".gitignore", "README.md", "data", "truth"]
    assert not (out / "data" / "truth").exists() and (out / "truth" / "truth.csv").is_file()
    assert (out / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    for folder in ("data", "truth"):
        text = (out / folder / "datapackage.json").read_text(encoding="utf-8")
        assert "kit:seed" not in text and seed not in text
    mode = lambda p: p.stat().st_mode & 0o777  # noqa: E731
    assert mode(out / "truth") == 0o700 and mode(seed_file) == 0o600
    assert {mode(p) for p in (out / "truth").rglob("*")} == {0o400}
    assert {mode(p) for p in (out / "data").rglob("*") if p.is_file()} == {0o444}
    import kit

    ds = kit.datasets.load(out / "data")
    assert ds.truth is None and ds.rows("persons") == 10_000
    committed = pd.read_csv(DATA / "truth" / "truth.csv", dtype=str)
    hidden = pd.read_csv(out / "truth" / "truth.csv", dtype=str)
    assert not hidden.equals(committed)  # another world: the committed truth does not help


def test_prepare_refuses_public_or_short_seeds_and_used_folders(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    seed.write_text("20240511\n", encoding="utf-8")
    with pytest.raises(KitError, match="committed sample's seed"):
        prepare("social_security", seed, tmp_path / "a")
    seed.write_text("12345\n", encoding="utf-8")
    with pytest.raises(KitError, match="too short to stay secret"):
        prepare("social_security", seed, tmp_path / "b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "old.csv").write_text("x", encoding="utf-8")
    with pytest.raises(KitError, match="is not empty"):
        prepare("social_security", seed, tmp_path / "c")


# --- review fixes: the organiser's folders, leftovers, leaks ---------------------------------


def _organiser(tmp: Path) -> tuple[Path, Path, Path]:
    """An organiser's folder as `kit compete prepare` leaves it (sample data, locked truth and
    seed), in a folder every user can enter, so only the permissions protect the answers."""
    import shutil

    from kit.compete.hidden import lock

    org = tmp / "organiser"
    (org / "hidden").mkdir(parents=True)
    for folder in (tmp, org, org / "hidden"):
        folder.chmod(0o755)
    shutil.copytree(DATA, org / "hidden" / "data", ignore=shutil.ignore_patterns("truth"))
    shutil.copytree(DATA / "truth", org / "hidden" / "truth")
    seed = org / "data.seed"
    seed.write_text("4242424242424\n", encoding="utf-8")
    lock(org / "hidden", seed)
    return org, org / "hidden" / "data", seed


@kernel
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_run_does_not_hand_the_notebook_the_organisers_folders(tmp_path: Path) -> None:
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="kit-organiser-", dir="/tmp"))
    try:
        org, data, seed = _organiser(tmp)
        assert (data.parent / "truth").stat().st_mode & 0o777 == 0o700
        assert (data.parent / "truth" / "truth.csv").stat().st_mode & 0o777 == 0o400
        assert seed.stat().st_mode & 0o777 == 0o600
        executed = tmp_path / "executed.ipynb"
        argv = [sys.executable, "-m", "kit.compete.cli", "check", str(HERE / "probe.ipynb"),
                "--data", str(data), "--capacity", "20", "--time-limit", "120",
                "--executed-out", str(executed), "--json"]  # fmt: skip
        env = {**os.environ, "PWD": str(org), "OLDPWD": str(org), "KIT_ORGANISER": str(org)}
        done = subprocess.run(argv, cwd=org, env=env, capture_output=True, text=True, timeout=200)
        assert done.stdout, done.stderr[-3000:]
        report = json.loads(done.stdout)
        assert report["executed"], report
        assert {p["check"] for p in report["problems"]} <= {"path"}, report["problems"]
        cells = nbformat.read(executed, as_version=4).cells
        (cell,) = [c for c in cells if c.metadata.get("kit_cell") == 4]
        probe = json.loads(cell.outputs[0]["text"])
        for process in ("kernel", "parent"):
            for part in ("cmdline", "environ", "cwd"):
                assert str(org) not in probe[process][part], (process, part)
                assert str(ROOT / "tests") not in probe[process][part], (process, part)
        # the same user reads the checker's --data in /proc: only another user is kept out
        assert probe["truth"] and probe["seeds"]
        assert _running("sleep 311", "sleep 313") == []  # left by a notebook that passed
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_run_as_keeps_another_user_out_of_the_truth_and_seed(tmp_path: Path) -> None:
    import tempfile

    from kit.compete.execute import _user

    tmp = Path(tempfile.mkdtemp(prefix="kit-organiser-", dir="/tmp"))
    try:
        _org, data, seed = _organiser(tmp)
        nobody = {"user": "nobody", "group": "nogroup", "extra_groups": []}
        for locked in (data.parent / "truth" / "truth.csv", seed):
            read = subprocess.run(["cat", str(locked)], capture_output=True, **nobody)
            assert read.returncode != 0 and b"Permission denied" in read.stderr
        read = subprocess.run(
            ["cat", str(data / "datapackage.json")], capture_output=True, **nobody
        )
        assert read.returncode == 0
        try:
            uid, _gid = _user("nobody")
        except KitError as exc:  # this machine's Python is not usable by nobody (under /root)
            assert "cannot run this Python" in str(exc)
            return
        assert uid != 0
        report = check_notebook(HERE / "good.ipynb", data, time_limit=120, run_as="nobody")
        assert report.passed, str(report)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def test_run_errors_quoting_the_data_are_masked_in_the_report(monkeypatch, tmp_path) -> None:
    from kit.compete import check as check_module
    from kit.compete.execute import Execution

    def failing(nb, data_dir, work, **_kwargs):
        return Execution("error", 1.0, 4, "ValueError", "unexpected subject 11010519491231002X",
                         workdir=Path(work))  # fmt: skip

    monkeypatch.setattr(check_module, "execute", failing)
    report = check_notebook(HERE / "good.ipynb", DATA, time_limit=10)
    (problem,) = report.problems
    assert problem.check == "execution"
    assert "110105********002X" in problem.message
    assert "11010519491231002X" not in str(report) + json.dumps(report.to_dict())


def test_stored_colour_tracebacks_file_urls_proc_paths_and_svg_are_caught() -> None:
    report = check_notebook(HERE / "stored.ipynb", run=False)
    found = {(p.check, p.cell): p.message for p in report.problems}
    assert set(found) == {("path", 4), ("path", 5), ("path", 6), ("identifier", 7)}
    assert "'/home/alice/project/helper.py'" in found["path", 4]
    assert "'file:///home/alice/data.csv'" in found["path", 5]
    assert "'/proc/self/environ'" in found["path", 6]
    assert "110105********002X" in found["identifier", 7]


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("import _socket", True),
        ('ns = "http://www.w3.org/2000/svg"', False),
        ('url = "http://www.example.org/a.csv"', True),
    ],
)
def test_network_scan_knows_low_level_sockets_and_xml_namespaces(
    source: str, flagged: bool
) -> None:
    from kit.compete.guard import scan_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    assert bool(scan_notebook(nb)) is flagged


def test_each_section_needs_a_heading_of_its_own() -> None:
    from kit.compete.sections import check_sections

    one = "## Background, legal basis, data, rules, evaluation and promotion"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(one)])
    (problem,) = check_sections(nb)
    assert problem.message.startswith("5 of 6 required sections are missing")
    six = "\n".join(
        f"## {w}" for w in ("背景", "法律依据", "Data", "规则", "Evaluation on the data", "推广")
    )
    assert (
        check_sections(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(six)])) == []
    )


# --- review fixes: scoring -------------------------------------------------------------------

DATED = ["2023-03-01"] * 3 + ["2024-05-01"] * 5  # S01-S03 public, S04-S08 private


def _dated_truth(tmp_path: Path) -> Path:
    truth = pd.read_csv(HERE / "example_truth.csv", dtype=str, keep_default_na=False)
    truth["death_date"] = DATED
    path = tmp_path / "truth.csv"
    truth.to_csv(path, index=False)
    return path


def test_time_split_from_a_truth_file_and_the_command_line(tmp_path: Path, capsys) -> None:
    truth = _dated_truth(tmp_path)
    rules = ScoreRules(capacity=4, split=TimeSplit("death_date", "2024-01-01"))
    result = score_clues(HERE / "example_clues.csv", truth, rules)
    assert (result.public.cases, result.private.cases) == (3, 3)
    assert result.public.capacity == 2
    code, out = _cli(capsys, "score", str(HERE / "example_clues.csv"), "--truth", str(truth),
                     "--capacity", "4", "--time-split", "death_date:2024-01-01", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["public"] == result.public.to_dict()
    with pytest.raises(KitError, match="needs the column 'deathdate' in the truth table"):
        score_clues(HERE / "example_clues.csv", truth, ScoreRules(
            capacity=4, split=TimeSplit("deathdate", "2024-01-01")))  # fmt: skip


def test_dates_in_the_clue_file_change_no_split_and_no_score(tmp_path: Path) -> None:
    truth = _dated_truth(tmp_path)
    clues = read_clues(HERE / "example_clues.csv")
    rules = ScoreRules(capacity=4, split=TimeSplit("death_date", "2024-01-01"))
    scores = []
    for day in ("2020-01-01", "2030-01-01"):  # every clue, S09 (no truth row) too
        path = tmp_path / f"clues_{day}.csv"
        clues.assign(death_date=day).to_csv(path, index=False)
        result = score_clues(path, truth, rules)
        scores.append((result.to_dict(), result.detail["split"].tolist()))
    assert scores[0] == scores[1]
    detail = score_clues(HERE / "example_clues.csv", truth, rules).detail.set_index("subject_id")
    s09 = pd.DataFrame({"pattern": ["pension_after_death"], "subject_id": ["S09"]})
    assert detail.loc["S09", "split"] == HashSplit(seed=0).assign(s09)[0]  # its seeded hash


def test_a_row_with_an_extra_field_is_refused_not_shifted(tmp_path: Path) -> None:
    path = tmp_path / "clues.csv"
    path.write_text("subject_id,pattern,amount_involved\nS01,SS01,1,2\nS02,SS01,3\n", "utf-8")
    with pytest.raises(DataError) as err:
        read_clues(path)
    assert "clues.csv row 1 (line 2): has 4 fields but the header names 3 columns" in str(err.value)
    assert "quote values that contain commas" in str(err.value)


def test_unknown_pattern_and_unmatched_clues_are_explained(tmp_path: Path, capsys) -> None:
    args = [str(HERE / "example_clues.csv"), "--truth", str(HERE / "example_truth.csv")]
    code = main(["score", *args, "--capacity", "5", "--pattern", "pension_after_deth"])
    assert code == 1 and "name one of its patterns: pension_after_death" in capsys.readouterr().err
    with pytest.raises(KitError, match=r"'pension_after_deth' are not in the truth table.*"
                       r"name one of its patterns: pension_after_death"):  # fmt: skip
        score_clues(args[0], args[2], ScoreRules(capacity=5, patterns=("pension_after_deth",)))
    lower = tmp_path / "lower.csv"
    lower.write_text("subject_id,pattern,amount_involved\ns02,SS01,1\nS04,SS01,1\n", "utf-8")
    code, out = _cli(capsys, "score", str(lower), *args[1:], "--capacity", "5", "--split-seed", "1")
    assert code == 0 and "1 match no truth row" in out
    assert "1 of them have lowercase letters or spaces" in out
    assert score_clues(HERE / "example_clues.csv", args[2], EXAMPLE).unmatched == 1  # S09


def test_scoring_without_a_split_seed_warns_it_is_for_practice(capsys) -> None:
    args = [str(HERE / "example_clues.csv"), "--truth", str(HERE / "example_truth.csv")]
    assert main(["score", *args, "--capacity", "5"]) == 0
    assert "split seed 0 is used: fine for practice" in capsys.readouterr().err
    assert main(["score", *args, "--capacity", "5", "--split-seed", "213"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_leaderboard_output_inside_the_folder_impossible_dates_and_modes(
    submissions: Path,
) -> None:
    out = submissions / "board"
    leaderboard(submissions, HERE / "example_truth.csv", EXAMPLE, cap=2, out=out)
    board = leaderboard(submissions, HERE / "example_truth.csv", EXAMPLE, cap=2, out=out)
    assert "board" not in set(board.teams["team"])  # its own output is not a team
    assert {p.stat().st_mode & 0o777 for p in board.written} == {0o644}
    (submissions / "alpha" / "2024-02-30T10-00-00_clues.csv").write_text(PUBLIC_PERFECT, "utf-8")
    with pytest.raises(DataError, match=r"alpha/2024-02-30T10-00-00_clues.csv: the time in the "
                       r"name \(2024-02-30T10-00-00\) is not a real date"):  # fmt: skip
        leaderboard(submissions, HERE / "example_truth.csv", EXAMPLE)
