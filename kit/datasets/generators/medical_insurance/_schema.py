"""Field metadata of the medical insurance sample (the source of its ``datapackage.json``).

Part of :mod:`kit.datasets.generators.medical_insurance`. The death and custody resources are
the social security generator's own descriptors (the records are copies), with a note on where
the bureau got them.
"""

from __future__ import annotations

import copy
from typing import Any

from kit.datasets.generators.common import (
    LINKAGE_ISSUES,
    RIC_PATTERN,
    USCC_PATTERN,
    field,
    required,
    resource,
    ric_field,
)
from kit.datasets.generators.medical_insurance._truth import PATTERNS, REASONS

WINDOW = {"start": "2023-01", "end": "2024-12"}
_INST = "^[HP][0-9]{11}$"
_LICENCE = {
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal (synthetic data, no real person)",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def _s(name: str, en: str, zh: str, **kw: Any) -> dict[str, Any]:
    return field(name, "string", en, zh, **kw)


def _d(name: str, en: str, zh: str, **kw: Any) -> dict[str, Any]:
    return field(name, "date", en, zh, **kw)


def _money(name: str, en: str, zh: str) -> dict[str, Any]:
    return field(name, "number", en, zh, unit="yuan", decimals=2, constraints=required())


def _inst_id(en: str = "Designated institution code (H medical, P pharmacy).") -> dict[str, Any]:
    return _s("institution_id", en, "定点医药机构编码", constraints=required(pattern=_INST))


_SEX = {"enum": ["M", "F"]}
_REGION = _s("region_code", "County: 6-digit administrative division code (GB/T 2260).",
             "县级行政区划代码", constraints=required(pattern="^[0-9]{6}$"))  # fmt: skip

INSURED = resource("insured", "Insured persons", "参保人员信息",
    "One row per person enrolled in basic medical insurance during the window (the same people "
    "as the social security sample).",
    [ric_field("Resident ID number.", "公民身份号码", unique=True),
     _s("name", "Full name.", "姓名", personal=True, constraints=required(), mask="name"),
     _s("sex", "Sex as recorded by the medical insurance bureau (M, F); may hold a coding error "
        "(the ID number's 17th digit is authoritative).", "性别（医保登记）",
        constraints=required(**_SEX)),
     _d("birth_date", "Date of birth.", "出生日期", personal=True, constraints=required(),
        mask="date"),
     _REGION,
     _s("insurance_type", "employee (职工医保) or resident (城乡居民医保) scheme.", "险种",
        constraints=required(enum=["employee", "resident"])),
     _d("enrolled_date", "Date of first enrolment.", "参保日期", constraints=required()),
     _s("chronic_condition", "ICD-10 code of a certified outpatient chronic disease "
        "(门诊慢特病), empty if none.", "门诊慢特病认定病种")],
    "id_number")  # fmt: skip

INSTITUTIONS = resource("institutions", "Designated medical institutions and pharmacies",
    "定点医药机构",
    "One row per institution with a service agreement (定点协议). registered_beds is the number "
    "in the agreement signed before the window; see bed_registrations for later changes.",
    [_inst_id(),
     _s("uscc", "Unified social credit code.", "统一社会信用代码",
        constraints=required(pattern=USCC_PATTERN, unique=True), mask="uscc"),
     _s("name", "Name.", "机构名称", constraints=required()),
     _s("kind", "hospital, clinic, village_clinic or pharmacy.", "机构类别",
        constraints=required(enum=["hospital", "clinic", "village_clinic", "pharmacy"])),
     field("level", "integer", "Hospital level 1-3 (一级/二级/三级); empty for others.", "医院等级",
           constraints={"minimum": 1, "maximum": 3}),
     _s("ownership", "public or private.", "举办性质",
        constraints=required(enum=["public", "private"])),
     field("registered_beds", "integer", "Beds in the service agreement; empty for others.",
           "协议核定床位数", constraints={"minimum": 1}),
     _REGION],
    "institution_id")  # fmt: skip

BEDS = resource("bed_registrations", "Registered beds history", "核定床位登记变更",
    "One row per registration of a hospital's beds: the original agreement and approved "
    "expansions.",
    [_inst_id(),
     _d("effective_date", "Date the number takes effect.", "生效日期", constraints=required()),
     field("registered_beds", "integer", "Registered beds from that date.", "核定床位数",
           constraints=required(minimum=1))],
    ["institution_id", "effective_date"])  # fmt: skip

CENSUS = resource("inpatient_census", "Daily inpatient census", "每日在院人数",
    "Inpatients of each hospital at midnight, all insured patients (not only the sample's "
    "persons), as reported to the medical insurance information platform.",
    [_inst_id(), _d("date", "Day.", "日期", constraints=required()),
     field("inpatients", "integer", "Insured inpatients in hospital.", "在院人数",
           constraints=required(minimum=0))],
    ["institution_id", "date"], gz=True)  # fmt: skip

CATALOGUE = resource("item_catalogue", "Item catalogue with limits", "医保目录（含限定）",
    "Drugs, services and materials with category, sex limit and age limits from the rule and "
    "knowledge libraries; codes imitate the national codes' shape.",
    [_s("item_code", "Item code.", "项目编码", constraints=required(unique=True)),
     _s("name", "English name.", "项目名称（英文）", constraints=required()),
     _s("name_zh", "Chinese name.", "项目名称", constraints=required()),
     _s("category", "drug, bed, nursing, test, treatment, surgery or material.", "项目类别",
        constraints=required(enum=["drug", "bed", "nursing", "test", "treatment", "surgery",
                                   "material"])),
     _s("sex_limit", "M or F when only that sex may be billed; empty if no limit.", "限定性别",
        constraints=_SEX),
     field("min_age", "integer", "Youngest age (years) that may be billed.", "最小年龄",
           constraints=required(minimum=0)),
     field("max_age", "integer", "Oldest age (years) that may be billed.", "最大年龄",
           constraints=required(minimum=0)),
     field("reference_price", "number", "Price at tertiary hospitals (secondary 90 %, others "
           "80 %).", "参考价格（三级医院）", unit="yuan", decimals=2, constraints=required())],
    "item_code")  # fmt: skip

SETTLEMENTS = resource("settlements", "Medical insurance settlements", "医保结算记录",
    "One row per settled inpatient stay, outpatient visit or pharmacy purchase, or refund of "
    "one. Identity fields are as the institution recorded them (village clinics keep paper "
    "registers: see truth/linkage.csv).",
    [_s("settlement_id", "Settlement number.", "结算流水号",
        constraints=required(pattern="^S[0-9]{10}$")),
     _inst_id(),
     ric_field("ID number as recorded by the institution (may be dirty or missing).",
               "就诊人公民身份号码（机构录入）", master=False),
     _s("patient_name", "Name as recorded.", "就诊人姓名", personal=True, constraints=required(),
        mask="name"),
     _s("patient_sex", "Sex as recorded by the institution.", "就诊人性别（机构录入）",
        constraints=required(**_SEX)),
     _d("patient_birth_date", "Birth date as recorded.", "出生日期", personal=True,
        constraints=required(), mask="date"),
     _s("patient_address", "Address (village clinics, and records without an ID number).",
        "住址", personal=True, mask="text"),
     _s("insurance_type", "employee or resident scheme.", "险种",
        constraints=required(enum=["employee", "resident"])),
     _s("kind", "inpatient, outpatient or pharmacy.", "结算类别",
        constraints=required(enum=["inpatient", "outpatient", "pharmacy"])),
     _d("admission_date", "Admission date (inpatient) or visit/purchase date.", "入院（就诊）日期",
        constraints=required()),
     _d("discharge_date", "Discharge date (inpatient only).", "出院日期"),
     _s("discharge_way", "routine, transfer, death or against_advice (inpatient only).",
        "离院方式", constraints={"enum": ["routine", "transfer", "death", "against_advice"]}),
     _s("diagnosis_icd10", "Main diagnosis, ICD-10 code.", "主要诊断编码（ICD-10）"),
     _s("diagnosis_name", "Main diagnosis name.", "主要诊断名称"),
     _money("total_cost", "Total cost (negative for refunds).", "医疗总费用"),
     _money("fund_paid", "Paid by the pooled fund.", "统筹基金支付"),
     _money("account_paid", "Paid from the personal account.", "个人账户支付"),
     _d("settle_date", "Settlement date.", "结算日期", constraints=required()),
     field("is_refund", "boolean", "true for a refund (退费) of an earlier settlement.",
           "是否退费", constraints=required()),
     _s("refund_of", "settlement_id refunded (refunds only).", "原结算流水号")],
    "settlement_id", gz=True)  # fmt: skip

ITEMS = resource("claim_items", "Claim items", "结算明细",
    "One row per item billed in a settlement. Drug packs sold in outpatient care and pharmacies "
    "carry a traceability code when the seller scanned it.",
    [_s("item_id", "Item row number.", "明细流水号", constraints=required(pattern="^I[0-9]{11}$")),
     _s("settlement_id", "Settlement.", "结算流水号", constraints=required()),
     _s("item_code", "Catalogue item.", "项目编码", constraints=required()),
     field("quantity", "number", "Quantity (days for bed and nursing; packs for outpatient "
           "drugs, 0.5 for a split pack; negative in refunds).", "数量", decimals=2,
           constraints=required()),
     _money("unit_price", "Unit price.", "单价"),
     _money("amount", "Quantity times unit price.", "金额"),
     _s("trace_code", "Drug traceability code of the pack (20 digits), if scanned.",
        "药品追溯码", constraints={"pattern": "^8[0-9]{19}$"})],
    "item_id", gz=True)  # fmt: skip

TRUTH = resource("truth", "Ground truth: planted cases and traps", "标注答案：真实案件与干扰项",
    "One row per subject a naive rule of MI01-MI10 would flag: a real case, or a legitimate "
    "look-alike (trap) with its reason. subject_id per pattern: the person's ID number "
    "(claims_after_death, inpatient_in_custody, overlapping_stays); the settlement_id of the "
    "offending settlement (sex_inconsistent_items, hanging_bed) or of the readmission, i.e. the "
    "second stay (split_stays); 'institution_id|YYYY-MM' (bed_over_occupancy); the drug "
    "traceability code (resold_drugs); 'institution_id|YYYY-MM-DD' with the common admission "
    "date (group_admissions); the pharmacy's institution_id (pharmacy_card_swiping).",
    [_s("pattern", "Pattern the row is about.", "监督模式",
        constraints=required(enum=list(PATTERNS.values()))),
     _s("subject_type", "Kind of subject.", "对象类型",
        constraints=required(enum=["person", "settlement", "institution", "institution_month",
                                   "institution_day", "drug_trace_code"])),
     _s("subject_id", "Identifier of the subject: ID number (MI01-MI03), settlement_id (MI04, "
        "MI05; MI07 the readmission), institution_id|YYYY-MM (MI06), traceability code (MI08), "
        "institution_id|admission date (MI09) or institution_id (MI10).",
        "对象标识：公民身份号码（MI01-MI03）、结算编号（MI04、MI05；MI07为再次入院的结算）、"
        "机构编码|年月（MI06）、追溯码（MI08）、机构编码|入院日期（MI09）或机构编码（MI10）",
        personal=True, constraints=required(), mask="subject"),
     field("is_case", "boolean", "true for a real case, false for a trap.", "是否真实案件",
           constraints=required()),
     _money("amount_improper", "Fund and personal-account money paid improperly; 0 for traps "
            "and for MI06 (no per-patient amount).", "不当支付金额"),
     _s("reason", "Scenario code.", "情形代码", constraints=required(enum=list(REASONS))),
     _s("note", "What happened, in one sentence.", "情况说明", constraints=required())],
    ["pattern", "subject_id"])  # fmt: skip

LINKAGE = resource("linkage", "Linkage truth: degraded identities", "关联答案：身份信息缺陷",
    "One row per secondary record (settlements, and the copied deaths and custody records) "
    "whose ID number or name was degraded.",
    [_s("table", "Table of the record.", "所在表", constraints=required()),
     _s("record_id", "settlement_id or record_id.", "记录编号", constraints=required()),
     _s("true_id_number", "The person's real ID number.", "真实公民身份号码", personal=True,
        constraints=required(pattern=RIC_PATTERN), mask="id"),
     _s("issue", "What is wrong with the record.", "缺陷类型",
        constraints=required(enum=list(LINKAGE_ISSUES)))],
    ["table", "record_id"])  # fmt: skip


def _shared(seed: int, n_persons: int) -> list[dict[str, Any]]:
    """The social security descriptors of ``deaths`` and ``custody``."""
    from kit.datasets.generators import social_security as ss

    meta, _ = ss.package(seed, n_persons)
    out = []
    for name in ("deaths", "custody"):
        res = copy.deepcopy(next(r for r in meta["resources"] if r["name"] == name))
        res["path"] = f"{name}.csv"
        res.pop("compression", None)
        res["description"] += (" Copy of the social security sample's table (same record_id), "
                               "received by data sharing.")  # fmt: skip
        out.append(res)
    return out


def package(seed: int, n_persons: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Descriptors of the agency tables and of the ``truth/`` folder.

    Examples
    --------
    >>> meta, truth = package(20240511, 10_000)
    >>> [r["name"] for r in truth["resources"]]
    ['truth', 'linkage']
    """
    deaths, custody = _shared(seed, n_persons)
    common = {
        "profile": "tabular-data-package",
        "licenses": [_LICENCE],
        "kit:seed": seed,
        "kit:n_persons": n_persons,
        "kit:window": dict(WINDOW),
        "kit:generator": "kit.datasets.generators.medical_insurance",
    }
    meta = {
        "name": "medical_insurance",
        "title": "Medical insurance sample: settlements, claim items and institutions",
        "title_zh": "医保基金样例数据：结算、明细与定点医药机构",
        "description": "Synthetic medical insurance data of the fictional Lu'an population of the "
        "social security sample, 2023-01 to 2024-12, for the models MI01-MI10. No real person "
        "or institution is described.",
        **common,
        "resources": [
            INSURED,
            deaths,
            custody,
            INSTITUTIONS,
            BEDS,
            CENSUS,
            CATALOGUE,
            SETTLEMENTS,
            ITEMS,
        ],  # fmt: skip
    }
    truth = {
        "name": "medical_insurance_truth",
        "title": "Medical insurance sample: ground truth",
        "title_zh": "医保基金样例数据：标注答案",
        "description": "Planted cases and traps (truth) and degraded identities (linkage) of the "
        "medical insurance sample (remove this folder to hide the answers).",
        **common,
        "resources": [TRUTH, LINKAGE],
    }
    return meta, truth
