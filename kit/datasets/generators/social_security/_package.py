"""Data Package descriptors of the social security field (agency tables and ``truth/``).

Part of :mod:`kit.datasets.generators.social_security`. The pension and death tables are
described in :mod:`._schema`; this module adds custody, adjustments, allowance, vehicles,
companies, payroll, contributions and unemployment benefit, and the truth tables.
"""

from __future__ import annotations

from typing import Any

from kit.datasets.generators.common import (
    LINKAGE_ISSUES,
    RIC_PATTERN,
    USCC_PATTERN,
    resource,
    ric_field,
)
from kit.datasets.generators.common import field as _f
from kit.datasets.generators.common import required as _req
from kit.datasets.generators.social_security._schema import _MONEY, RESOURCES, WINDOW
from kit.datasets.generators.social_security._truth_more import REASONS
from kit.datasets.generators.social_security._truth_ss01 import PATTERN as SS01
from kit.datasets.generators.social_security._truth_ss01 import REASONS as SS01_REASONS

_GZ = {"pension_payments"}
_YM = "^[0-9]{4}-[0-9]{2}$"


def _s(name: str, en: str, zh: str, **kw: Any) -> dict[str, Any]:
    return _f(name, "string", en, zh, **kw)


def _d(name: str, en: str, zh: str, **kw: Any) -> dict[str, Any]:
    return _f(name, "date", en, zh, **kw)


def _money(name: str, en: str, zh: str, required: bool = True) -> dict[str, Any]:
    return _f(name, "number", en, zh, **({"constraints": _req()} if required else {}), **_MONEY)


def _ym(name: str, en: str, zh: str, required: bool = True) -> dict[str, Any]:
    return _f(name, "yearmonth", en, zh, **({"constraints": _req()} if required else {}))


def _id(prefix: str, en: str, zh: str) -> dict[str, Any]:
    return _s("record_id", en, zh, constraints=_req(pattern=f"^{prefix}[0-9]{{5,}}$"))


def _person_id(en: str, zh: str, name: str = "id_number") -> dict[str, Any]:
    return ric_field(en, zh, name=name, master=False)


def _name(name: str = "name", en: str = "Full name as written by the source.") -> dict:
    return _f(name, "string", en, "姓名", personal=True, constraints=_req(), mask="name")


def _uscc(name: str, en: str, zh: str) -> dict[str, Any]:
    return _s(name, en, zh, constraints=_req(pattern=USCC_PATTERN), mask="uscc")


_MASTER_ID = ric_field("Resident ID number.", "公民身份号码")
_REGION = _s("region_code", "County-level region code (GB/T 2260).", "县级行政区划代码",
             constraints=_req(pattern="^[0-9]{6}$"))  # fmt: skip

MORE: list[dict[str, Any]] = [
    resource("pension_adjustments", "Annual pension adjustments", "基本养老金年度调整记录",
        "One row per pensioner and year with an annual increase granted. Effective from "
        "January, paid from July with arrears for January-June.",
        [ric_field("Resident ID number of the pensioner.", "领取人公民身份号码"),
         _f("year", "integer", "Adjustment year.", "调整年度", constraints=_req()),
         _money("increase_monthly", "Monthly increase granted.", "月增加额"),
         _ym("effective_month", "Month the increase is effective from.", "调整生效年月"),
         _ym("paid_from_month", "Month the increase is first paid.", "开始发放年月")],
        ["id_number", "year"]),
    resource("custody", "Custody and community-correction rosters", "羁押、服刑和社区矫正人员信息",
        "One row per episode from prisons (imprisonment), detention centres (criminal or "
        "pretrial detention) and judicial bureaus (community correction). ID numbers and names "
        "are as the source wrote them.",
        [_id("C", "Record number.", "记录编号"),
         _s("source", "Recording agency.", "数据来源：监狱、看守所、司法局",
            constraints=_req(enum=["prison", "detention_center", "judicial_bureau"])),
         _person_id("ID number as written by the source (may be dirty or missing).",
                    "公民身份号码（原始录入）"),
         _name(),
         _s("custody_type", "imprisonment, criminal_detention (拘役), pretrial_detention or "
            "community_correction.", "羁押或矫正类型：有期徒刑、拘役、刑事羁押、社区矫正",
            constraints=_req(enum=["imprisonment", "criminal_detention", "pretrial_detention",
                                   "community_correction"])),
         _s("correction_kind", "For community correction: probation, surveillance, parole or "
            "temporary_release_outside_prison.", "矫正类别：缓刑、管制、假释、暂予监外执行",
            constraints={"enum": ["probation", "surveillance", "parole",
                                  "temporary_release_outside_prison"]}),
         _d("start_date", "First day in custody or under correction.", "起始日期",
            constraints=_req()),
         _d("end_date", "Release or end of correction; empty if still running.", "结束日期"),
         _s("institution", "Prison, detention centre or judicial bureau.", "执行机关",
            constraints=_req()),
         _d("birth_date", "Date of birth, recorded only when the ID number is missing.",
            "出生日期（仅身份证号缺失时登记）", personal=True, mask="date"),
         _s("address", "Home address, recorded only when the ID number is missing.",
            "住址（仅身份证号缺失时登记）", personal=True, mask="text")],
        "record_id"),
    resource("allowance_households", "Minimum living allowance households", "最低生活保障家庭",
        "One row per household receiving the minimum living allowance (低保).",
        [_s("household_id", "Household number.", "低保家庭编号",
            constraints=_req(pattern="^H[0-9]{5,}$")),
         ric_field("ID number of the head of household.", "户主公民身份号码",
                   name="head_id_number"),
         _name("head_name", "Name of the head of household."),
         _REGION,
         _s("area", "urban or rural standard.", "城乡类别", constraints=_req(enum=["urban",
                                                                              "rural"])),
         _f("members", "integer", "Members covered.", "保障人数", constraints=_req()),
         _ym("start_month", "First month paid.", "起始年月"),
         _ym("end_month", "Last month paid; empty if still paid.", "终止年月", required=False),
         _money("monthly_amount", "Allowance paid per month for the household.", "月保障金额")],
        "household_id"),
    resource("allowance_members", "Members of allowance households", "低保家庭成员",
        "One row per member of an allowance household.",
        [_s("household_id", "Household number.", "低保家庭编号", constraints=_req()),
         ric_field("Resident ID number of the member.", "成员公民身份号码"),
         _name(),
         _s("relation", "Relation to the head.", "与户主关系",
            constraints=_req(enum=["head", "spouse", "child", "parent", "other"]))],
        ["household_id", "id_number"]),
    resource("vehicles", "Motor vehicle registrations", "机动车登记信息",
        "One row per vehicle registration (public security traffic police). The owner's ID "
        "number is as the source wrote it.",
        [_id("V", "Record number.", "记录编号"),
         _s("plate_number", "Number plate.", "号牌号码", personal=True, constraints=_req(),
            mask="text"),
         _person_id("Owner's ID number as written (may be dirty).", "所有人公民身份号码",
                    name="owner_id_number"),
         _name("owner_name", "Owner's name as written."),
         _s("vehicle_type", "car, motorcycle, tricycle or truck.", "车辆类型",
            constraints=_req(enum=["car", "motorcycle", "tricycle", "truck"])),
         _d("registered_date", "Date registered to this owner.", "登记日期", constraints=_req()),
         _d("transferred_date", "Date sold or deregistered; empty if still owned.",
            "转移或注销日期"),
         _money("purchase_price", "Price on the purchase invoice.", "购车发票价格")],
        "record_id"),
    resource("companies", "Company registrations", "企业登记信息",
        "One row per company (market regulation), with its legal representative as written.",
        [_uscc("uscc", "Unified social credit code.", "统一社会信用代码"),
         _s("name", "Company name.", "企业名称", constraints=_req()),
         _person_id("Legal representative's ID number as written.", "法定代表人公民身份号码",
                    name="legal_rep_id_number"),
         _name("legal_rep_name", "Legal representative's name as written."),
         _REGION,
         _d("registered_date", "Date of establishment.", "成立日期", constraints=_req()),
         _money("registered_capital", "Registered capital.", "注册资本"),
         _s("status", "active, cancelled (注销) or revoked (吊销).", "登记状态",
            constraints=_req(enum=["active", "cancelled", "revoked"])),
         _d("closed_date", "Date cancelled or revoked; empty if active.", "注销或吊销日期")],
        "uscc"),
    resource("company_shareholders", "Company shareholders", "企业股东信息",
        "One row per natural-person shareholder of a company.",
        [_id("S", "Record number.", "记录编号"),
         _uscc("uscc", "Company.", "统一社会信用代码"),
         _person_id("Shareholder's ID number as written.", "股东公民身份号码",
                    name="shareholder_id_number"),
         _name("shareholder_name", "Shareholder's name as written."),
         _f("share_pct", "number", "Share of the capital.", "持股比例", unit="percent",
            decimals=2, constraints=_req()),
         _d("since_date", "Shareholder since.", "入股日期", constraints=_req())],
        "record_id"),
    resource("public_employees", "Public payroll", "财政供养人员信息",
        "One row per employment of a civil servant or public-institution employee.",
        [ric_field("Resident ID number.", "公民身份号码"), _name(),
         _s("employer", "Government organ or public institution.", "工作单位",
            constraints=_req()),
         _s("staff_type", "civil_servant or institution_staff.", "人员类别",
            constraints=_req(enum=["civil_servant", "institution_staff"])),
         _d("start_date", "First day on the payroll.", "入职日期", constraints=_req()),
         _d("end_date", "Last day; empty if still employed.", "离职日期")],
        ["id_number", "start_date"]),
    resource("identity_theft_reports", "Identity misuse reports", "身份冒用报案记录",
        "One row per police report that a person's identity was used without consent.",
        [_s("report_id", "Report number.", "报案编号", constraints=_req(pattern="^T[0-9]{5,}$")),
         ric_field("ID number of the victim.", "被冒用人公民身份号码"), _name(),
         _uscc("uscc", "Company registered with the identity.", "涉及企业统一社会信用代码"),
         _d("reported_date", "Date reported.", "报案日期", constraints=_req()),
         _s("authority", "Police authority.", "受理机关", constraints=_req()),
         _s("report_type", "Kind of misuse.", "冒用类型",
            constraints=_req(enum=["identity_used_without_consent"]))],
        "report_id"),
    resource("contributions", "Employer social-insurance contribution spells", "单位参保缴费记录",
        "One row per person, employer and continuous contribution period.",
        [ric_field("Resident ID number of the employee.", "参保人公民身份号码"),
         _uscc("employer_uscc", "Employer.", "参保单位统一社会信用代码"),
         _ym("start_month", "First month contributed.", "缴费起始年月"),
         _ym("end_month", "Last month contributed; empty if still contributing.", "缴费终止年月",
             required=False),
         _money("monthly_base", "Monthly contribution base.", "月缴费基数"),
         _d("declared_date", "Date the spell was declared.", "申报日期", constraints=_req()),
         _s("entry_type", "regular, or back_payment (补缴, back-dated by a later correction).",
            "缴费类型：正常缴费、补缴", constraints=_req(enum=["regular", "back_payment"]))],
        ["id_number", "employer_uscc", "start_month"]),
    resource("unemployment_payments", "Unemployment benefit payments", "失业保险金发放明细",
        "One row per monthly unemployment benefit payment.",
        [_s("payment_id", "Payment number.", "发放流水号", constraints=_req(pattern="^U[0-9]{5,}$")),
         ric_field("Resident ID number of the claimant.", "领取人公民身份号码"),
         _ym("period", "Month the benefit is for.", "待遇所属期"),
         _d("pay_date", "Date paid.", "发放日期", constraints=_req()),
         _money("amount", "Amount paid.", "发放金额")],
        "payment_id"),
]  # fmt: skip

_ALL_REASONS = {SS01: SS01_REASONS, **REASONS}
TRUTH = resource("truth", "Ground truth: planted cases and traps", "标注答案：真实案件与干扰项",
    "One row per subject a naive rule of SS01-SS05 would flag: a real case, or a legitimate "
    "look-alike (trap) with its reason. subject_id per pattern: the person's ID number "
    "(pension_after_death, pension_during_custody, increase_during_correction, "
    "unemployment_while_employed) or the household_id (allowance_ineligible).",
    [_s("pattern", "Pattern the row is about.", "监督模式",
        constraints=_req(enum=list(_ALL_REASONS))),
     _s("subject_type", "person or household.", "对象类型",
        constraints=_req(enum=["person", "household"])),
     _s("subject_id", "ID number of the person (SS01, SS02, SS03, SS05) or household_id "
        "(SS04).", "对象标识：公民身份号码（SS01、SS02、SS03、SS05）或低保户编号（SS04）",
        personal=True, constraints=_req(), mask="subject"),
     _f("is_case", "boolean", "true for a real case, false for a trap.", "是否真实案件",
        constraints=_req()),
     _money("amount_improper", "Money paid improperly net of recoveries; 0 for traps.",
            "不当发放金额（扣除已追回）"),
     _s("reason", "Scenario code.", "情形代码",
        constraints=_req(enum=sorted({r for v in _ALL_REASONS.values() for r in v}))),
     _s("note", "What happened, in one sentence.", "情况说明", constraints=_req())],
    ["pattern", "subject_id"])  # fmt: skip
LINKAGE = resource("linkage", "Linkage truth: degraded identities", "关联答案：身份信息缺陷",
    "One row per record of a secondary source whose ID number or name was degraded.",
    [_s("table", "Table of the record.", "所在表", constraints=_req()),
     _s("record_id", "record_id (uscc for companies) of the record.", "记录编号",
        constraints=_req()),
     _f("true_id_number", "string", "The person's real ID number.", "真实公民身份号码",
        personal=True, constraints=_req(pattern=RIC_PATTERN), mask="id"),
     _s("issue", "What is wrong with the record.", "缺陷类型",
        constraints=_req(enum=list(LINKAGE_ISSUES)))],
    ["table", "record_id"])  # fmt: skip
_LICENCE = {
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal (synthetic data, no real person)",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def package(seed: int, n_persons: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Descriptors of the agency tables and of the ``truth/`` folder."""
    resources = []
    for res in [*RESOURCES, *MORE]:
        res = dict(res)
        if res["name"] in _GZ:
            res.update(path=f"{res['name']}.csv.gz", compression="gz")
        resources.append(res)
    common = {
        "profile": "tabular-data-package",
        "licenses": [_LICENCE],
        "kit:seed": seed,
        "kit:n_persons": n_persons,
        "kit:window": dict(WINDOW),
        "kit:generator": "kit.datasets.generators.social_security",
    }
    meta = {
        "name": "social_security",
        "title": "Social security sample: pensions, custody, allowance and unemployment",
        "title_zh": "社保样例数据：养老金、羁押矫正、低保与失业保险",
        "description": "Synthetic social security data of a fictional population in Lu'an, "
        "Anhui, 2022-01 to 2024-12, with the registers other agencies hold (deaths, custody, "
        "vehicles, companies, payroll), for the models SS01-SS05. No real person is described.",
        **common,
        "resources": resources,
    }
    truth = {
        "name": "social_security_truth",
        "title": "Social security sample: ground truth",
        "title_zh": "社保样例数据：标注答案",
        "description": "Planted cases and traps (truth) and degraded identities (linkage) of the "
        "social security sample (remove this folder to hide the answers).",
        **common,
        "resources": [TRUTH, LINKAGE],
    }
    return meta, truth
