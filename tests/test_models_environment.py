"""Environment models EN01-EN07 on the sample data: floors met, traps avoided, knobs work."""

from __future__ import annotations

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


def test_en01_evidence_names_the_fault_hours(runs):
    frame = runs("EN01").frame
    row = frame[frame.main_sign == "faults_on_exceedances"].iloc[0]
    assert f'{row.fault_exceed_hours} of {row.fault_hours} "device fault" hours' in row.evidence
    assert row.fault_exceed_hours >= 0.5 * row.fault_hours


def test_en02_threshold_moves_the_result(env, runs):
    assert "metal_below_3x_monitoring" not in _fp_reasons(runs("EN02"), env)
    assert "cod_not_heavy_metal" not in _fp_reasons(runs("EN02"), env)
    looser = kit.run("EN02", env, params={"metal_multiple": 2.5})
    below = _truth_ids(env, "criminal_exceedance", "metal_below_3x_monitoring")
    assert below <= set(looser.frame.subject_id)
    assert runs("EN02").frame.worst_multiple.min() >= 3.0


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
