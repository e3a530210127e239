"""Exercises of notebooks/06_record_linkage.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, id_set, number, register
from kit.training.exercises._common import dataset

SS = "social_security"


@lru_cache(maxsize=4)
def _links(table: str):
    import kit

    return kit.link.linked_table(dataset(SS), table, to="persons")


# --- 06.1 ------------------------------------------------------------------------------------


def _vehicle_owners_probabilistic() -> int:
    return int(_links("vehicles").summary()["probabilistic"])


def _solution_1() -> int:
    frame = _links("vehicles").to_frame()
    return int((frame["method"] == "probabilistic").sum())


register(
    Exercise(
        id="06.1",
        question=(
            "Link the vehicle register's owners (`vehicles`, owner ID in `owner_id_number`) to "
            "`persons` with `kit.link.linked_table`. How many owners link probabilistically?"
        ),
        question_zh="把机动车登记（`vehicles`）的车主关联到人口登记（`persons`），有多少条记录通过概率关联？",
        check=number(
            _vehicle_owners_probabilistic,
            hint='kit.link.linked_table(ss, "vehicles", to="persons").summary().',
            hint_zh='查看 kit.link.linked_table(ss, "vehicles", to="persons").summary()。',
            unit="records",
            unit_zh=" 条记录",
            near={
                15: "the number for the death records (section 3), not for the vehicle owners.",
                1395: "the number of owners linked exactly on their ID number; the question asks for probabilistic links.",
                1429: "the number of all vehicle records.",
            },
        ),
        solution=_solution_1,
        wrong=[(15, "death records"), (1395, "exactly"), (1429, "all vehicle")],
    )
)

# --- 06.2 ------------------------------------------------------------------------------------


def _stop_linking() -> list[int]:
    """Row positions of the death records linked at the default threshold but not at 0.9999."""
    links = _links("deaths")
    before, after = links.frame["method"], links.at(0.9999).frame["method"]
    return list(links.frame.index[(before == "probabilistic") & (after != "probabilistic")])


def _record_ids(rows) -> list[str]:
    return list(dataset(SS).tables["deaths"].loc[list(rows), "record_id"])


def _all_probabilistic() -> list[str]:
    frame = _links("deaths").frame
    return _record_ids(frame.index[frame["method"] == "probabilistic"])


#: The 15 death records linked probabilistically at the default threshold (a typical wrong answer).
PROBABILISTIC_AT_DEFAULT = [
    "D000005", "D000029", "D000031", "D000041", "D000064", "D000215", "D000235", "D000266",
    "D000312", "D000322", "D000338", "D000373", "D000376", "D000379", "D000390",
]  # fmt: skip


def _solution_2() -> list[str]:
    deaths = dataset(SS).tables["deaths"]
    links = _links("deaths")
    at_default = links.to_frame()
    strict = links.at(0.9999).to_frame()
    lost = at_default[(at_default["method"] == "probabilistic") & (strict["method"] == "none")]
    return deaths.loc[lost.index, "record_id"].tolist()


register(
    Exercise(
        id="06.2",
        question=(
            "Raise the threshold to 0.9999 with `links.at(0.9999)`. Which death records stop "
            "linking? Give their `record_id`s (from `ss.tables['deaths']`, whose rows are in the "
            "same order as `links.to_frame()`) as a list, e.g. `['D000001', ...]`. Then look at "
            "one of them with `links.plot_waterfall(record=...)`: what holds its score down?"
        ),
        question_zh="把阈值提高到 0.9999（`links.at(0.9999)`），哪些死亡记录不再关联？以列表给出其 `record_id`。",
        check=id_set(
            lambda: _record_ids(_stop_linking()),
            what="death records",
            hint=(
                "compare links.to_frame()['method'] with links.at(0.9999).to_frame()['method'] "
                "row by row, and look up the record_id of the rows that changed in "
                "ss.tables['deaths']."
            ),
            hint_zh="逐行比较两个阈值下的 method，再到 ss.tables['deaths'] 中查出变化行的 record_id。",
            near=[
                (
                    _all_probabilistic,
                    "all 15 death records linked probabilistically at the default threshold; "
                    "keep only those that no longer link at 0.9999.",
                ),
                (
                    lambda: [str(r) for r in _stop_linking()],
                    "row positions (uid), not record ids: look them up in "
                    "ss.tables['deaths']['record_id'].",
                ),
            ],
        ),
        solution=_solution_2,
        wrong=[
            (PROBABILISTIC_AT_DEFAULT, "all 15 death records"),
            ([28, 214, 321, 337, 375], "row positions"),
            (["D000029"], "1 of 5"),
            ("D000029", "should be a list"),
        ],
    )
)
