"""Exercises of notebooks/00_start_here.ipynb."""

from __future__ import annotations

from kit.training.core import Exercise, choice, number, register


def _datasets() -> int:
    from kit.datasets import list_datasets

    return len(list_datasets())


def _solution_1() -> int:
    """The learner's way round: count the dataset folders (a ``datapackage.json`` each).

    Not ``list_datasets()``, which the check counts: the folders are read from the repository
    itself, so a change in either path shows as a failing "solution passes its check" test.
    """
    import json
    from pathlib import Path

    import kit

    folder = Path(kit.__file__).resolve().parents[1] / "datasets"
    names = {
        json.loads(descriptor.read_text(encoding="utf-8"))["name"]
        for descriptor in folder.glob("*/datapackage.json")
    }
    return len(names)


register(
    Exercise(
        id="00.1",
        question=(
            "How many sample datasets does the kit offer? (Count them with "
            "`kit.datasets.list_datasets()`.)"
        ),
        question_zh="工具包提供几个样例数据集？",
        check=number(
            _datasets,
            hint="count the rows of kit.datasets.list_datasets().",
            hint_zh="数一数 kit.datasets.list_datasets() 的行数。",
            unit="datasets",
            unit_zh=" 个数据集",
        ),
        solution=_solution_1,
        wrong=[(2, "too low"), ("three", "should be a number")],
    )
)

register(
    Exercise(
        id="00.2",
        question=(
            "A colleague asks you to paste five rows of the persons table into a chat. "
            "Which call do you use?\n\n"
            "- (a) `ds.tables['persons'].head()`\n"
            "- (b) `ds.preview('persons', n=5)`\n"
            "- (c) `ds.preview('persons', n=5, masked=False)`"
        ),
        question_zh="同事请你把 persons 表的五行发到聊天群里，你用哪一个调用？",
        check=choice(
            "b",
            {
                "a": "ds.tables['persons'].head()",
                "b": "ds.preview('persons', n=5)",
                "c": "ds.preview('persons', n=5, masked=False)",
            },
            explain={
                "a": "the raw table shows full ID numbers and names; never paste it anywhere.",
                "b": "preview masks ID numbers and names by default.",
                "c": "masked=False shows full identifiers; keep that for authorised work only.",
            },
            explain_zh={
                "a": "原始表显示完整身份证号和姓名，不能外发。",
                "b": "preview 默认对身份证号和姓名脱敏。",
                "c": "masked=False 显示完整标识，仅限授权工作使用。",
            },
        ),
        solution=lambda: "b",
        wrong=[("a", "full ID numbers"), ("c", "masked=False"), ("d", "one letter of")],
    )
)
