"""The leaderboard (排行榜): every team's submissions scored under a cap, with a best-of choice.

Submissions live in a folder, one sub-folder per team, each clue file named by the time it was
submitted (``DIR/<team>/<YYYY-MM-DD>T<HH-MM-SS>_clues.csv``; ``YYYYMMDD-HHMMSS`` also works).
Alternatively ``DIR/submissions.csv`` lists ``team, submitted_at, file`` (file relative to DIR).

- **Cap (提交次数上限)**: only a team's first ``cap`` submissions (by time, then file name) count;
  later ones are listed as ``over cap`` and not scored. Invalid files count towards the cap.
- **Public board (公开榜)**, during the competition: each team's best public score. Private
  scores are not computed into the output at all.
- **Final board (最终排名, ``final=True``)**: each team's ``best_of`` submissions with the best
  public scores are its selected ones (Kaggle-style; ties: earlier first), and its final score
  is the best private score among them.
- **Ties** rank the team whose deciding submission came earlier first, then by team name.

:func:`leaderboard` writes ``leaderboard.csv`` (one row per team), ``leaderboard_submissions.csv``
(one row per submission) and a self-contained ``leaderboard.html`` (bilingual headers, no
external resources), each through a temporary file renamed into place.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from kit._files import write_text_atomic
from kit.compete.clue_file import read_truth
from kit.compete.score import ScoreRules, score_clues
from kit.errors import DataError, KitError, Problem

MANIFEST = "submissions.csv"
SCORED, OVER_CAP, INVALID = "scored", "over cap", "invalid"
_STAMP = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})[T_ -]?(\d{2})[:-]?(\d{2})(?:[:-]?(\d{2}))?")
#: English and Chinese column headers of the HTML page.
HEADERS = {
    "rank": "Rank 名次",
    "team": "Team 队伍",
    "submissions": "Submissions 提交次数",
    "counted": "Counted 计入次数",
    "public_score": "Public score 公开榜得分",
    "private_score": "Private score 私有榜得分",
    "submitted_at": "Submitted 提交时间",
    "file": "File 文件",
    "number": "No. 序号",
    "status": "Status 状态",
    "selected": "Selected 入选",
    "message": "Note 说明",
}


@dataclass
class Leaderboard:
    """Scored submissions and the team ranking.

    Attributes
    ----------
    teams : DataFrame
        One row per team, ranked: ``rank, team, submissions, counted, public_score``, and in a
        final board ``private_score`` and the deciding submission.
    submissions : DataFrame
        One row per submission: ``team, number, submitted_at, file, status, public_score``,
        ``private_score`` and ``selected`` in a final board, ``message`` for invalid files.
    final : bool
    cap, best_of : int
    rules : ScoreRules
    written : list of Path
        Files written (empty when nothing was written).
    """

    teams: pd.DataFrame
    submissions: pd.DataFrame
    final: bool
    cap: int
    best_of: int
    rules: ScoreRules
    written: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (what ``kit compete leaderboard --json`` prints)."""
        return {
            "final": self.final,
            "cap": self.cap,
            "best_of": self.best_of,
            "rules": self.rules.to_dict(),
            "teams": _records(self.teams),
            "submissions": _records(self.submissions),
            "written": [str(p) for p in self.written],
        }


def find_submissions(
    folder: str | os.PathLike[str], *, skip: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """``team, submitted_at, file`` of every submission in ``folder`` (see the module docstring).

    ``skip`` is a folder left out of the scan (the leaderboard's own output folder when it is
    inside the submissions folder).

    Raises
    ------
    DataError
        Naming every file whose time cannot be read, or a manifest's missing columns.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise KitError(
            f"No submissions folder {folder.name!r}. Fix: give the folder of team folders."
        )
    if (folder / MANIFEST).is_file():
        return _from_manifest(folder)
    rows, problems = [], []
    skipped = Path(skip).resolve() if skip is not None else None
    for team_dir in sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.resolve() != skipped
    ):
        for path in sorted(team_dir.glob("*.csv")):
            stamp = _STAMP.match(path.name)
            if stamp is None:
                problems.append(
                    Problem(
                        f"{team_dir.name}/{path.name}",
                        None,
                        None,
                        "the name does not start with the time of submission.",
                        "name it like 2024-06-01T14-30-00_clues.csv.",
                    )
                )
                continue
            y, mo, d, h, mi, s = (int(g or 0) for g in stamp.groups())
            try:
                when = pd.Timestamp(y, mo, d, h, mi, s)
            except ValueError:
                problems.append(
                    Problem(
                        f"{team_dir.name}/{path.name}",
                        None,
                        None,
                        f"the time in the name ({stamp[0]}) is not a real date and time.",
                        "name it like 2024-06-01T14-30-00_clues.csv, with the real time.",
                    )
                )
                continue
            rows.append(
                {
                    "team": team_dir.name,
                    "submitted_at": when,
                    "file": f"{team_dir.name}/{path.name}",
                }
            )
    if problems:
        raise DataError(problems)
    return pd.DataFrame(rows, columns=["team", "submitted_at", "file"])


def leaderboard(
    folder: str | os.PathLike[str],
    truth: pd.DataFrame | str | os.PathLike[str],
    rules: ScoreRules | None = None,
    *,
    cap: int = 5,
    best_of: int = 2,
    final: bool = False,
    out: str | os.PathLike[str] | None = None,
) -> Leaderboard:
    """Score every submission in ``folder`` and rank the teams.

    Parameters
    ----------
    folder : path-like
        The submissions folder.
    truth : DataFrame or path-like
        The truth table (or its folder).
    rules : ScoreRules, optional
        Capacity, weight and split; the same for every submission.
    cap : int
        Submissions per team that count.
    best_of : int
        Submissions per team selected for the final board (by public score).
    final : bool
        Compute private scores and rank by them; otherwise only the public board.
    out : path-like, optional
        Folder to write the CSV and HTML files into; nothing is written when ``None``. When it
        is a folder inside ``folder``, it is not scanned for submissions.

    Returns
    -------
    Leaderboard
    """
    if cap < 1 or best_of < 1:
        raise KitError(f"cap={cap}, best_of={best_of}: both must be at least 1.")
    rules = rules or ScoreRules()
    folder = Path(folder)
    table = truth if isinstance(truth, pd.DataFrame) else read_truth(truth)
    subs = find_submissions(folder, skip=out).sort_values(
        ["team", "submitted_at", "file"], kind="mergesort"
    )
    subs = subs.reset_index(drop=True)
    subs["number"] = subs.groupby("team").cumcount() + 1
    rows = []
    for sub in subs.itertuples(index=False):
        row = {
            "team": sub.team,
            "number": sub.number,
            "submitted_at": sub.submitted_at,
            "file": sub.file,
            "status": SCORED,
            "public_score": None,
            "private_score": None,
            "message": "",
        }
        if sub.number > cap:
            row.update(status=OVER_CAP, message=f"over the cap of {cap} submissions")
        else:
            try:
                result = score_clues(folder / sub.file, table, rules)
                row.update(public_score=result.public.score, private_score=result.private.score)
            except DataError as exc:
                row.update(status=INVALID, message=str(exc.problems[0]))
        rows.append(row)
    columns = [
        "team",
        "number",
        "submitted_at",
        "file",
        "status",
        "public_score",
        "private_score",
        "message",
    ]
    board = pd.DataFrame(rows, columns=columns)
    teams = _rank(board, best_of, final)
    if not final:
        board = board.drop(columns=["private_score", "selected"])
    result = Leaderboard(teams, board, final, cap, best_of, rules)
    if out is not None:
        result.written = _write(result, Path(out))
    return result


def _rank(board: pd.DataFrame, best_of: int, final: bool) -> pd.DataFrame:
    """One row per team, best first; ``selected`` is set on ``board`` in a final board."""
    board["selected"] = False
    rows = []
    for team, group in board.groupby("team", sort=True):
        scored = group[group["status"] == SCORED]
        by_public = scored.sort_values(
            ["public_score", "submitted_at", "file"],
            ascending=[False, True, True],
            kind="mergesort",
        )
        row = {
            "team": team,
            "submissions": len(group),
            "counted": int((group["status"] != OVER_CAP).sum()),
            "public_score": None,
            "submitted_at": None,
            "file": None,
        }
        if len(by_public):
            best = by_public.iloc[0]
            row.update(
                public_score=best["public_score"],
                submitted_at=best["submitted_at"],
                file=best["file"],
            )
        if final:
            chosen = by_public.head(best_of)
            board.loc[chosen.index, "selected"] = True
            row["private_score"] = None
            if len(chosen):
                deciding = chosen.sort_values(
                    ["private_score", "submitted_at", "file"],
                    ascending=[False, True, True],
                    kind="mergesort",
                ).iloc[0]
                row.update(
                    private_score=deciding["private_score"],
                    submitted_at=deciding["submitted_at"],
                    file=deciding["file"],
                )
        rows.append(row)
    key = "private_score" if final else "public_score"
    teams = pd.DataFrame(rows)
    if teams.empty:
        return pd.DataFrame(columns=["rank", "team", "submissions", "counted", "public_score"])
    has = teams[key].notna()
    ranked = teams[has].sort_values(
        [key, "submitted_at", "team"], ascending=[False, True, True], kind="mergesort"
    )
    teams = pd.concat([ranked, teams[~has].sort_values("team")], ignore_index=True)
    ranks = [*range(1, int(has.sum()) + 1), *[None] * int((~has).sum())]
    teams.insert(0, "rank", pd.Series(ranks, dtype=object))
    return teams


def _from_manifest(folder: Path) -> pd.DataFrame:
    frame = pd.read_csv(folder / MANIFEST, dtype=str, keep_default_na=False)
    missing = [c for c in ("team", "submitted_at", "file") if c not in frame.columns]
    problems = []
    if missing:
        problems.append(
            Problem(
                MANIFEST,
                None,
                ", ".join(missing),
                "the column(s) are missing.",
                "write team, submitted_at (YYYY-MM-DD HH:MM:SS) and file.",
            )
        )
        raise DataError(problems)
    times = pd.to_datetime(frame["submitted_at"], errors="coerce")
    for row, (text, when, name) in enumerate(
        zip(frame["submitted_at"], times, frame["file"], strict=True), 1
    ):
        if pd.isna(when):
            problems.append(
                Problem(
                    MANIFEST,
                    row,
                    "submitted_at",
                    f"'{text}' is not a time.",
                    "write YYYY-MM-DD HH:MM:SS.",
                )
            )
        if not (folder / name).is_file():
            problems.append(
                Problem(
                    MANIFEST,
                    row,
                    "file",
                    f"'{name}' does not exist.",
                    "give the path relative to the submissions folder.",
                )
            )
    if problems:
        raise DataError(problems)
    return pd.DataFrame({"team": frame["team"], "submitted_at": times, "file": frame["file"]})


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python values: missing values None, times as ISO text."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return value.item() if hasattr(value, "item") else value  # numpy scalars


def _write(board: Leaderboard, out: Path) -> list[Path]:
    """The three files, each readable by everyone (0644: they are meant to be published)."""
    out.mkdir(parents=True, exist_ok=True)
    teams, subs = _display(board.teams), _display(board.submissions)
    paths = [
        write_text_atomic(out / "leaderboard.csv", teams.to_csv(index=False, lineterminator="\n")),
        write_text_atomic(
            out / "leaderboard_submissions.csv", subs.to_csv(index=False, lineterminator="\n")
        ),
        write_text_atomic(out / "leaderboard.html", _html(board, teams, subs)),
    ]
    for path in paths:
        path.chmod(0o644)
    return paths


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores to 4 decimals, times as text, missing values empty."""
    out = frame.copy()
    for col in ("public_score", "private_score"):
        if col in out:
            out[col] = [("" if pd.isna(v) else f"{v:.4f}") for v in out[col]]
    if "submitted_at" in out:
        out["submitted_at"] = [
            ("" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S"))
            for v in out["submitted_at"]
        ]
    if "rank" in out:
        out["rank"] = [("" if v is None or pd.isna(v) else str(int(v))) for v in out["rank"]]
    return out.astype(object).where(out.notna(), "")


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(HEADERS.get(c, c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(board: Leaderboard, teams: pd.DataFrame, subs: pd.DataFrame) -> str:
    stage = "Final board 最终排名" if board.final else "Public board 公开榜"
    rules = board.rules.to_dict()
    facts = [
        f"Review capacity 审查能力: {rules['capacity']}",
        f"Score 得分 = {rules['weight']:g} × precision@k + {1 - rules['weight']:g} × amount recall@k",
        f"Split 划分: {escape(rules['split'])}",
        f"Cap 提交上限: {board.cap} per team",
    ]
    if board.final:
        facts.append(
            f"Best-of 择优: best private score of the {board.best_of} best public submissions"
        )
    items = "".join(f"<li>{f}</li>" for f in facts)
    style = (
        "body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
        "th{background:#eee}tbody tr:nth-child(odd){background:#fafafa}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>Leaderboard 排行榜: {stage}</title><style>{style}</style></head><body>"
        f"<h1>Leaderboard 排行榜: {stage}</h1><ul>{items}</ul>"
        f"<h2>Teams 队伍排名</h2>{_table(teams)}"
        f"<h2>Submissions 全部提交</h2>{_table(subs)}"
        "</body></html>\n"
    )
