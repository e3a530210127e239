"""Environment models EN01-EN07 on the sample data: floors met, traps avoided, knobs work."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import kit

MODELS = [f"EN0{i}" for i in range(1, 8)]


@pytest.fixture(scope="module")
def env() -> kit.datasets.Dataset:
    """The committed environment sample dataset."""
    return kit.datasets.load("environment")


@pytest.fixture(scope="module")
def runs(env):
    """Clues of each model with default parameters, computed once per module."""
    cache: dict[str, kit.models.Clues] = {}

    def get(model_id: str) -> kit.models.Clues:
        if model_id not in cache:
            cache[model_id] = kit.run(model_id, env)
        return cache[model_id]

    return get


def _fp_reasons(clues, env) -> dict[str, int]:
    return kit.evaluate(clues, env.truth).to_dict()["false_positives"]


def _truth_ids(env, pattern: str, reason: str) -> set[str]:
    t = env.truth
    return set(t.loc[(t.pattern == pattern) & (t.reason == reason), "subject_id"])


@pytest.mark.parametrize("model_id", MODELS)
def test_meets_its_expected_floors(model_id, env, runs):
    spec = kit.models.get(model_id)
    clues = runs(model_id)
    ev = kit.evaluate(clues, env.truth)
    assert ev.recall >= spec.expected["recall"], ev.summary()
    assert ev.conversion_rate >= spec.expected["conversion"], ev.summary()
    keys = clues.frame["subject_id"] + "|" + clues.frame["period_start"].astype(str)
    assert keys.is_unique
    assert clues.frame["evidence"].str.len().gt(40).all()
    assert clues.frame["evidence_zh"].str.len().gt(20).all()


def test_en01_notices_and_detection_limits_explain_the_look_alikes(env, runs):
    fp = _fp_reasons(runs("EN01"), env)
    for reason in (
        "detection_limit_readings",
        "announced_maintenance",
        "announced_production_halt",
    ):
        assert reason not in fp
    blind = kit.run("EN01", env, params={"respect_notices": False})
    halts = _truth_ids(env, "falsified_monitoring", "announced_production_halt")
    assert halts <= set(blind.frame.subject_id)


def test_en01_detection_limits_are_parameters(env, runs):
    """Runs at the detection limit are explained by the limit parameters, not by SQL constants:
    with every limit set to 0 the detection-limit look-alikes come back as clues."""
    spec = kit.models.get("EN01")
    limits = {k: v for k, v in spec.resolve_params().items() if k.startswith("detection_limit_")}
    assert len(limits) == 6 and all(spec.params[k].help for k in limits)
    zero = kit.run("EN01", env, params=dict.fromkeys(limits, 0.0))
    at_limit = _truth_ids(env, "falsified_monitoring", "detection_limit_readings")
    assert set(zero.frame.subject_id) & at_limit
    assert not set(runs("EN01").frame.subject_id) & at_limit


def test_en01_evidence_names_the_fault_hours(runs):
    frame = runs("EN01").frame
    row = frame[frame.main_sign == "faults_on_exceedances"].iloc[0]
    assert f'{row.fault_exceed_hours} of {row.fault_hours} "device fault" hours' in row.evidence
    assert row.fault_exceed_hours >= 0.5 * row.fault_hours


def test_en01_an_hour_is_held_to_the_strictest_permit_in_force(env, runs):
    """Version 4 compares each hour with its permit period on one row (``permit_limits``). A
    second permit of the same period with a laxer limit for the same pollutants changes no clue:
    an hour above the stricter limit still counts. With the lax permit alone, the outlet's fault
    hours above the limit fall below the threshold."""
    frame = runs("EN01").frame
    outlet = frame[frame.main_sign == "faults_on_exceedances"].subject_id.iloc[0]
    permits = env.tables["permits"]
    own = permits.outlet_id == outlet
    lax = permits[own].assign(
        permit_id=permits.permit_id[own] + "-LAX", limit_value=permits.limit_value[own] * 100
    )
    both = kit.run("EN01", env.with_tables(permits=pd.concat([lax, permits]))).frame
    pd.testing.assert_frame_equal(both, frame)
    lax_only = kit.run("EN01", env.with_tables(permits=pd.concat([lax, permits[~own]]))).frame
    assert outlet not in set(lax_only[lax_only.fault_exceed_hours > 0].subject_id)


def test_en02_threshold_moves_the_result(env, runs):
    assert "metal_below_3x_monitoring" not in _fp_reasons(runs("EN02"), env)
    assert "cod_not_heavy_metal" not in _fp_reasons(runs("EN02"), env)
    looser = kit.run("EN02", env, params={"metal_multiple": 2.5})
    below = _truth_ids(env, "criminal_exceedance", "metal_below_3x_monitoring")
    assert below <= set(looser.frame.subject_id)
    assert runs("EN02").frame.worst_multiple.min() >= 3.0


def test_en02_evidence_has_no_zero_counts_or_empty_ranges(runs):
    frame = runs("EN02").frame
    assert not frame.evidence.str.contains(r"\b0 (?:monitored|penalty)", regex=True).any()
    assert not frame.evidence_zh.str.contains(r"共0|、0", regex=True).any()
    one_day = frame[frame.period_start == frame.period_end]
    assert len(one_day)
    for row in one_day.itertuples():
        assert f"on {row.period_start:%Y-%m-%d}." in row.evidence and "between" not in row.evidence
    several = frame[frame.period_start != frame.period_end].iloc[0]
    assert f"between {several.period_start:%Y-%m-%d} and {several.period_end:%Y-%m-%d}" in (
        several.evidence
    )


def test_en03_late_transfers_only_on_request(env, runs):
    fp = _fp_reasons(runs("EN03"), env)
    assert "transferred_late" not in fp and "transferred_promptly" not in fp
    late = kit.run("EN03", env, params={"flag_late_transfers": True})
    extra = set(late.frame.subject_id) - set(runs("EN03").frame.subject_id)
    assert extra == _truth_ids(env, "fine_instead_of_prosecution", "transferred_late")
    top = runs("EN03").frame.iloc[0]
    assert f"{top.amount_involved:,.2f} yuan" in top.evidence
    assert "no transfer to the police" in top.evidence


def test_en04_revoked_and_old_penalties_do_not_count(env, runs):
    fp = _fp_reasons(runs("EN04"), env)
    assert not {"prior_penalty_revoked", "outside_two_year_window", "two_penalties_only"} & set(fp)
    wider = kit.run("EN04", env, params={"window_days": 800})
    old = _truth_ids(env, "repeat_offender", "outside_two_year_window")
    assert old <= set(wider.frame.subject_id)


def test_en05_amounts_are_the_overdue_money(env, runs):
    clues = runs("EN05")
    assert "instalment_not_yet_due" not in _fp_reasons(clues, env)
    t = env.truth
    truth = t[t.pattern == "unpaid_restoration"].set_index("subject_id")["amount_improper"]
    got = clues.frame.set_index("subject_id")["amount_involved"]
    assert (got - truth.reindex(got.index)).abs().max() < 0.01
    top = clues.frame.iloc[0]
    assert f"{top.amount_involved:,.2f} yuan overdue since {top.period_start:%Y-%m-%d}" in (
        top.evidence
    )


def test_en06_next_january_shipments_are_credited(env, runs):
    fp = _fp_reasons(runs("EN06"), env)
    assert "declared_on_site_storage" not in fp and "transferred_next_january" not in fp
    no_credit = kit.run("EN06", env, params={"carry_over_days": 0})
    january = _truth_ids(env, "hazardous_waste_gap", "transferred_next_january")
    assert january <= set(no_credit.frame.subject_id)
    assert runs("EN06").frame.gap_tonnes.min() >= 3.0


def test_en07_untidy_numbers_and_homophones_are_not_forgeries(env, runs):
    clues = runs("EN07")
    fp = _fp_reasons(clues, env)
    assert not {"format_noise", "homophone_name", "expired_but_renewed"} & set(fp)
    roster = env.tables["worker_certificates"]
    fullwidth = roster[roster.cert_no.str.contains("３|４")]
    assert len(fullwidth) and not set(fullwidth.id_number) & set(clues.frame.subject_id)
    plain = kit.run("EN07", env, params={"check_operation_type": False})
    assert set(plain.frame.finding) == {"not_in_registry", "registered_to_another_person"}


def test_en07_one_clue_per_worker_with_duplicate_roster_records(env, runs):
    """A second roster record of a flagged worker (another employer, same validity start, the
    number typed with spaces) must not produce a second clue with the same id."""
    base = runs("EN07")
    row = base.frame[base.frame.finding == "not_in_registry"].iloc[0]
    roster = env.tables["worker_certificates"]
    extra = roster[roster.record_id == row.record_id].copy()
    cert = extra.cert_no.iloc[0]
    extra["record_id"] = "W99999998"
    extra["employer_uscc"] = roster.employer_uscc[roster.employer_uscc != row.employer_uscc].iloc[0]
    extra["cert_no"] = f"{cert[:7]} {cert[7:15]} {cert[15:]}"
    tables = {**env.tables, "worker_certificates": pd.concat([roster, extra], ignore_index=True)}
    clues = kit.run("EN07", dataclasses.replace(env, tables=tables))
    assert len(clues) == len(base)
    assert clues.frame.clue_id.is_unique and clues.frame.subject_id.is_unique
    mine = clues.frame[clues.frame.subject_id == row.subject_id].iloc[0]
    assert mine.flagged_records == 2
    assert "1 other roster record of this worker is flagged too" in mine.evidence


def test_en07_certificate_numbers_are_masked_and_kept_out_of_evidence(runs):
    clues = runs("EN07")
    frame = clues.frame
    for row in frame.itertuples():
        digits = row.cert_norm[1:]
        assert digits[6:14] not in row.evidence and digits[6:14] not in row.evidence_zh
        assert row.subject_name not in row.evidence
    masked = clues.to_frame(masked=True)
    for column in ("cert_no", "cert_norm", "subject_id"):
        assert masked[column].str.contains(r"\*{8}", regex=True).all(), column
    spaced = "T341502 19680719 3015"
    assert "19680719" not in kit.mask.mask_id(spaced)


def test_en01_a_normal_hour_without_a_reading_ends_a_frozen_run(env, runs):
    """Version 2 compares each pollutant with the outlet's previous normal hour: a normal hour
    that reports no value of the pollutant breaks the run (version 1 skipped such hours)."""
    frame = runs("EN01").frame
    frozen = frame[(frame.frozen_runs > 0) & (frame.zero_runs == 0) & (frame.fault_hours == 0)]
    outlet = frozen.subject_id.iloc[0]
    m = env.tables["monitoring"].copy()
    normal = m.index[(m.outlet_id == outlet) & (m.status == "N")]
    blank = normal[::12]  # no run of 24 normal hours is left whole
    pollutants = ["cod", "nh3n", "total_cr", "lead", "so2", "nox"]
    m.loc[blank, pollutants] = None
    gapped = kit.run("EN01", env.with_tables(monitoring=m)).frame
    assert outlet not in set(gapped.subject_id)
    # every other outlet keeps its clue
    assert set(gapped.subject_id) == set(frame.subject_id) - {outlet}


#: EN01 version 4 orders only the hours of quiet blocks and their neighbours
#: (``examined_blocks``); without this condition every normal hour is ordered, as in version 2.
_EN01_PREFILTER = (
    "AND EXISTS (SELECT 1 FROM examined_blocks AS e\n"
    "                  WHERE e.outlet_id = hours.outlet_id AND e.block_no = hours.block_no)"
)


def _planted_run(
    env,
    outlet: str,
    pollutant: str,
    start: pd.Timestamp,
    readings: int,
    step: str,
    pause: tuple[int, int],
) -> pd.DataFrame:
    """The monitoring table with ``readings`` normal readings of 123.45 of ``pollutant`` from
    ``start``, ``step`` apart, with calibration readings (skipped by the rule) among them:
    ``pause = (after, count)`` puts ``count`` of them after the first ``after`` normal ones. The
    outlet's other readings are all normal, those of ``pollutant`` all differ and it reports no
    other pollutant, so the planted run is the only one it can have, and every block of its hours
    holds several readings."""
    m = env.tables["monitoring"].copy()
    pollutants = ["cod", "nh3n", "total_cr", "lead", "so2", "nox"]
    mine = m.outlet_id == outlet
    m.loc[mine, "status"] = "N"
    m.loc[mine, pollutants] = None
    m.loc[mine, pollutant] = 50 + 0.001 * np.arange(mine.sum())
    after, count = pause
    times = pd.date_range(start, periods=readings + count, freq=step)
    keep = m[~(mine & m.ts.between(times[0], times[-1]))]
    template = m[mine].iloc[0]
    rows = pd.DataFrame([template] * len(times)).reset_index(drop=True)
    rows["ts"] = times
    rows["status"] = "N"
    rows.loc[after : after + count - 1, "status"] = "T"
    rows[pollutant] = 123.45
    rows["flow"] = template.flow + range(len(times))  # the flow varies
    return pd.concat([keep, rows.astype(m.dtypes.to_dict())]).reset_index(drop=True)


@pytest.mark.parametrize(
    ("min_hours", "step", "start", "pause"),
    [
        (3, "1h", "05:00", (1, 1)),
        (5, "1h", "05:00", (2, 1)),
        (24, "1h", "05:00", (12, 1)),
        (24, "30min", "05:00", (12, 1)),
        # 6 readings from 18:00, 12 calibration hours (a whole block with no normal hour), 18
        (24, "1h", "18:00", (6, 12)),
    ],
)
def test_en01_frozen_run_found_wherever_it_falls(env, min_hours, step, start, pause):
    """Version 4 cuts each outlet's normal hours into blocks of (min_constant_hours + 1) // 2
    hours and orders only the quiet blocks (a pollutant holds one value) and the block with
    normal hours just before and after each. A run of exactly min_constant_hours readings is
    still found: starting at 05:00, across block boundaries, with a calibration hour inside; of
    readings every half hour (more readings in a block than it has hours: quiet); and one whose
    first readings are separated from the quiet block by a block without normal hours. One
    reading fewer is no run. The rule ordering every normal hour gives the same clues."""
    spec = kit.models.get("EN01")
    assert _EN01_PREFILTER in spec.sql
    every_hour = spec.derive(id="EN01-all", sql=spec.sql.replace(_EN01_PREFILTER, ""))
    params = {"min_constant_hours": min_hours}
    before = kit.run(spec, env, params=params).frame
    outlets = env.tables["outlets"]
    monitored = outlets.outlet_id.isin(env.tables["monitoring"].outlet_id)
    announced = outlets.outlet_id.isin(env.tables["maintenance_notices"].outlet_id)
    flagged = outlets.outlet_id.isin(before.subject_id)
    clean = outlets[monitored & ~announced & ~flagged].iloc[0]  # no notice, no clue
    outlet, pollutant = clean.outlet_id, "cod" if clean.medium == "water" else "so2"
    start = pd.Timestamp(f"2024-03-04 {start}")

    planted = env.with_tables(
        monitoring=_planted_run(env, outlet, pollutant, start, min_hours, step, pause)
    )
    found = kit.run(spec, planted, params=params).frame
    assert found.loc[found.subject_id == outlet, "longest_frozen"].tolist() == [min_hours]
    reference = kit.run(every_hour, planted, params=params).frame
    pd.testing.assert_frame_equal(
        found.drop(columns=["model_id", "clue_id"]),
        reference.drop(columns=["model_id", "clue_id"]),
    )

    short = env.with_tables(
        monitoring=_planted_run(env, outlet, pollutant, start, min_hours - 1, step, pause)
    )
    assert outlet not in set(kit.run(spec, short, params=params).frame.subject_id)
