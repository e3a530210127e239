"""Field metadata of the environment sample (the single source of ``datapackage.json``).

Part of :mod:`kit.datasets.generators.environment`.
"""

from __future__ import annotations

from typing import Any

from kit.datasets.generators.common import USCC_PATTERN, field, required, resource, ric_field
from kit.datasets.generators.environment._certificates import OPERATIONS
from kit.datasets.generators.environment._penalties import VIOLATIONS
from kit.datasets.generators.environment._truth import PATTERNS, REASONS
from kit.datasets.generators.environment._world import ALL_INDUSTRIES, ONLINE

WINDOW = {"start": "2021-01", "end": "2024-12", "monitoring": "2024"}
F = field
_REQ = required()


def _uscc(
    name: str = "uscc",
    en: str = "Enterprise (unified social credit code).",
    zh: str = "统一社会信用代码",
) -> dict:
    return F(name, "string", en, zh, constraints=required(pattern=USCC_PATTERN), mask="uscc")


def _date(name: str, en: str, zh: str, req: bool = True) -> dict:
    return F(name, "date", en, zh, **({"constraints": _REQ} if req else {}))


def _num(
    name: str, en: str, zh: str, decimals: int, unit: str | None = None, req: bool = False
) -> dict:
    extra: dict[str, Any] = {"decimals": decimals}
    if unit:
        extra["unit"] = unit
    if req:
        extra["constraints"] = _REQ
    return F(name, "number", en, zh, **extra)


def _s(name: str, en: str, zh: str, enum: list | None = None, req: bool = True) -> dict:
    cons: dict[str, Any] = dict(_REQ) if req else {}
    if enum:
        cons["enum"] = enum
    return F(name, "string", en, zh, **({"constraints": cons} if cons else {}))


_POL_UNITS = {"cod": ("COD", "化学需氧量", 1), "nh3n": ("ammonia nitrogen (NH3-N)", "氨氮", 3),
              "total_cr": ("total chromium", "总铬", 3), "lead": ("total lead", "总铅", 3),
              "so2": ("sulphur dioxide", "二氧化硫", 1), "nox": ("nitrogen oxides", "氮氧化物", 1)}  # fmt: skip

RESOURCES: list[dict[str, Any]] = [
    resource("enterprises", "Enterprises under environmental supervision", "企业基本信息",
             "One row per enterprise: industry, county, key-discharger flag, legal representative.",
             [_uscc(), F("name", "string", "Registered name.", "企业名称", constraints=_REQ),
              _s("industry", "Industry.", "行业", list(ALL_INDUSTRIES)),
              _s("region_code", "County (GB/T 2260).", "所在县区行政区划代码"),
              F("key_discharger", "boolean", "On the list of key dischargers (重点排污单位), which must run online monitoring.", "是否重点排污单位", constraints=_REQ),
              ric_field("Legal representative's ID number.", "法定代表人身份证号", name="legal_representative_id"),
              F("legal_representative_name", "string", "Legal representative's name.", "法定代表人姓名", personal=True, constraints=_REQ, mask="name"),
              _date("established_date", "Date of establishment.", "成立日期")], "uscc"),
    resource("outlets", "Discharge outlets", "排放口", "One row per outlet (DW wastewater, DA flue gas).",
             [_s("outlet_id", "Outlet: USCC + outlet code.", "排放口编号"), _uscc(),
              _s("medium", "water or air.", "排放介质", ["water", "air"]),
              _s("outlet_name", "Outlet name.", "排放口名称"),
              F("monitored", "boolean", "Online monitoring installed.", "是否安装自动监测", constraints=_REQ)], "outlet_id"),
    resource("permits", "Discharge permit limits", "排污许可限值", "One row per permit, outlet and pollutant.",
             [_s("permit_id", "Permit number.", "排污许可证编号"), _uscc(), _s("outlet_id", "Outlet.", "排放口编号"),
              _s("pollutant", "Pollutant code.", "污染物"),
              _num("limit_value", "Concentration limit.", "许可排放浓度限值", 3, req=True),
              _s("unit", "mg/L (water) or mg/m3 (air).", "单位", ["mg/L", "mg/m3"]),
              _date("valid_from", "Permit valid from.", "有效期起"), _date("valid_to", "Permit valid to.", "有效期止")],
             ["permit_id", "outlet_id", "pollutant"]),
    resource("monitoring", "Hourly online monitoring 2024", "自动监测小时数据",
             "One row per monitored outlet and hour of 2024; concentrations of the outlet's medium (others empty), missing during faults and maintenance.",
             [_s("outlet_id", "Outlet.", "排放口编号"),
              F("ts", "datetime", "Start of the hour.", "监测时间", constraints=_REQ),
              *[_num(p, f"Hourly mean {en}.", f"{zh}小时均值", d, "mg/L or mg/m3") for p, (en, zh, d) in _POL_UNITS.items()],
              _num("flow", "Hourly mean flow.", "流量", 1, "m3/h", req=True),
              _s("status", "N normal, F device fault, M maintenance, T calibration.", "数据标记", ["N", "F", "M", "T"])],
             ["outlet_id", "ts"], gz=True),
    resource("maintenance_notices", "Announced maintenance and production halts", "停运检修报备",
             "Windows announced to the environment bureau in advance.",
             [_s("notice_id", "Notice number.", "报备编号"), _uscc(), _s("outlet_id", "Outlet.", "排放口编号"),
              _s("kind", "maintenance or production_halt.", "报备类型", ["maintenance", "production_halt"]),
              _date("announced_date", "Date announced.", "报备日期"),
              F("start_ts", "datetime", "Window start.", "开始时间", constraints=_REQ),
              F("end_ts", "datetime", "Window end (exclusive).", "结束时间", constraints=_REQ)], "notice_id"),
    resource("penalties", "Administrative penalties", "行政处罚决定",
             "One row per penalty decision of the environment bureau, 2021-2024.",
             [_s("penalty_id", "Decision number.", "处罚决定书编号"), _uscc(),
              _date("violation_date", "Date of the violation.", "违法行为发生日期"),
              _date("decision_date", "Date of the decision.", "处罚决定日期"),
              _s("violation_type", "Type of violation.", "违法类型", list(VIOLATIONS)),
              _s("pollutant", "Pollutant concerned.", "污染物", req=False),
              _num("measured_value", "Measured concentration (inspection sample).", "监测浓度", 3),
              _num("limit_value", "Standard limit.", "标准限值", 3),
              _num("exceed_multiple", "Measured value / limit.", "为标准限值的倍数", 2),
              _num("hazardous_waste_tonnes", "Hazardous waste dumped.", "倾倒处置危险废物数量", 2, "t"),
              _num("fine_amount", "Fine.", "罚款金额", 2, "yuan", req=True),
              _s("status", "effective or revoked.", "状态", ["effective", "revoked"]),
              F("facts", "string", "Facts as written in the decision (Chinese); they name the enterprise, never a person.", "违法事实（仅涉及企业，不含个人信息）", constraints=_REQ)],
             "penalty_id"),
    resource("police_transfers", "Transfers to the police", "移送公安机关记录",
             "Penalty cases transferred as suspected crimes (两法衔接).",
             [_s("penalty_id", "Penalty.", "处罚决定书编号"), _date("transfer_date", "Date transferred.", "移送日期"),
              _s("receiving_agency", "Receiving police bureau.", "接收机关")], "penalty_id"),
    resource("restoration_orders", "Restoration and damage-compensation orders", "生态修复和损害赔偿",
             "Money ordered for ecological restoration or damage compensation.",
             [_s("order_id", "Order.", "编号"), _uscc(), _s("penalty_id", "Related penalty.", "关联处罚"),
              _s("kind", "restoration or damage_compensation.", "类型", ["restoration", "damage_compensation"]),
              _date("order_date", "Order date.", "决定日期"), _num("amount_due", "Amount due.", "应缴金额", 2, "yuan", True),
              _date("due_date", "Due date.", "缴纳期限")], "order_id"),
    resource("restoration_instalments", "Approved instalment plans", "分期缴纳计划", "One row per instalment.",
             [_s("order_id", "Order.", "编号"), F("instalment_no", "integer", "Instalment number.", "期次", constraints=_REQ),
              _date("approved_date", "Plan approved.", "批准日期"), _date("due_date", "Instalment due.", "本期缴纳期限"),
              _num("amount", "Instalment amount.", "本期金额", 2, "yuan", True)], ["order_id", "instalment_no"]),
    resource("restoration_payments", "Restoration payments", "修复赔偿缴款", "One row per payment.",
             [_s("payment_id", "Payment.", "缴款编号"), _s("order_id", "Order.", "编号"),
              _date("pay_date", "Date paid.", "缴款日期"), _num("amount", "Amount paid.", "缴款金额", 2, "yuan", True)],
             "payment_id"),
    resource("hw_declarations", "Hazardous-waste declarations", "危险废物产生申报",
             "Annual declaration per enterprise and waste code.",
             [_uscc(), F("year", "integer", "Year.", "申报年度", constraints=_REQ), _s("waste_code", "Waste code (HW..).", "废物类别"),
              _num("tonnes_produced", "Produced.", "产生量", 3, "t", True),
              _num("tonnes_stored_year_end", "Stored on site at year end.", "年末贮存量", 3, "t", True)],
             ["uscc", "year", "waste_code"]),
    resource("hw_manifests", "Hazardous-waste transfer manifests", "危险废物转移联单", "One row per manifest.",
             [_s("manifest_id", "Manifest number.", "联单编号"), _uscc(), _s("waste_code", "Waste code.", "废物类别"),
              _num("tonnes", "Tonnes transferred.", "转移量", 3, "t", True),
              _uscc("receiver_uscc", "Receiver.", "接收单位统一社会信用代码"),
              F("receiver_licensed", "boolean", "Receiver holds a hazardous-waste licence.", "接收单位是否持危险废物经营许可证", constraints=_REQ),
              _date("transfer_date", "Date transferred.", "转移日期")], "manifest_id"),
    resource("worker_certificates", "Special-operation certificates on employers' rosters", "企业特种作业人员持证登记",
             "Certificates as recorded by employers (numbers as written on the card).",
             [_s("record_id", "Record.", "记录编号"), _uscc("employer_uscc", "Employer.", "用人单位统一社会信用代码"),
              ric_field("Worker's ID number.", "身份证号"),
              F("name", "string", "Worker's name.", "姓名", personal=True, constraints=_REQ, mask="name"),
              _s("operation_type", "Operation type.", "作业类别", list(OPERATIONS)),
              F("cert_no", "string", "Certificate number as written.", "证书编号", personal=True, constraints=_REQ, mask="id"),
              _date("valid_from", "Valid from (card).", "有效期起"), _date("valid_to", "Valid to (card).", "有效期止")],
             "record_id"),
    resource("certificate_registry", "Official certificate registry", "特种作业操作证官方登记",
             "Current certificates in the emergency-management registry.",
             [F("cert_no", "string", "Certificate number (T + ID number).", "证书编号", personal=True, constraints=_REQ, mask="id"),
              _s("operation_type", "Operation type.", "作业类别", list(OPERATIONS)),
              ric_field("Holder's ID number.", "持证人身份证号"),
              F("name", "string", "Holder's name.", "持证人姓名", personal=True, constraints=_REQ, mask="name"),
              _s("issuing_authority", "Issuing authority.", "发证机关"),
              _date("valid_from", "Valid from.", "有效期起"), _date("valid_to", "Valid to.", "有效期止")],
             ["cert_no", "operation_type"]),
]  # fmt: skip

TRUTH_RESOURCE = resource(
    "truth", "Planted cases and traps", "标注答案",
    "One row per planted case or trap of EN01-EN07. subject_id per pattern: outlet_id "
    "(falsified_monitoring), USCC (criminal_exceedance, repeat_offender), penalty_id "
    "(fine_instead_of_prosecution), order_id (unpaid_restoration), 'USCC|year' "
    "(hazardous_waste_gap) or the worker's ID number (forged_certificates).",
    [_s("pattern", "Model.", "模型", list(PATTERNS.values())),
     _s("subject_type", "outlet, enterprise, penalty, order, enterprise_year or person.", "对象类型"),
     F("subject_id", "string", "Outlet id (EN01), USCC (EN02, EN04), penalty_id (EN03), order_id (EN05), 'USCC|year' (EN06) or the worker's ID number (EN07).", "对象标识：排放口编号（EN01）、统一社会信用代码（EN02、EN04）、处罚决定编号（EN03）、修复令编号（EN05）、统一社会信用代码|年度（EN06）或作业人员公民身份号码（EN07）", personal=True, constraints=_REQ, mask="subject"),
     F("is_case", "boolean", "A real case (true) or a trap (false).", "是否真实案件", constraints=_REQ),
     _num("amount_improper", "Unpaid restoration money past due (EN05); 0 otherwise.", "涉案金额", 2, "yuan", True),
     _s("reason", "Reason code.", "原因", list(REASONS)),
     _s("note", "One sentence.", "说明")],
    ["pattern", "subject_id"],
)  # fmt: skip


def package(seed: int, n_persons: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Descriptors of the agency tables and of ``truth/``."""
    licence = {"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal (synthetic data, no real person)",
               "path": "https://creativecommons.org/publicdomain/zero/1.0/"}  # fmt: skip
    head = {
        "profile": "tabular-data-package",
        "licenses": [licence],
        "kit:seed": seed,
        "kit:n_persons": n_persons,
        "kit:window": dict(WINDOW),
        "kit:generator": "kit.datasets.generators.environment",
    }
    meta = {
        "name": "environment",
        "title": "Environment and safe-production sample",
        "title_zh": "生态环境和安全生产样例数据",
        "description": "Synthetic enterprises, permits, hourly online monitoring (2024), penalties, transfers, restoration orders, hazardous-waste records and special-operation certificates of a fictional Lu'an world, 2021-2024. No real enterprise or person is described.",
        **head,
        "resources": RESOURCES,
    }
    truth = {
        "name": "environment_truth",
        "title": "Environment sample: ground truth",
        "title_zh": "生态环境样例数据：标注答案",
        "description": "Planted cases and traps of EN01-EN07 (remove this folder to hide the answers).",
        **head,
        "resources": [TRUTH_RESOURCE],
    }
    return meta, truth


assert all(p in ONLINE for p in _POL_UNITS)
