"""Field metadata of the social security sample (the single source of ``datapackage.json``).

Part of :mod:`kit.datasets.social_security`. Each field has a Frictionless type, an English and
a Chinese description, and ``personal`` (true when the value identifies a person directly or
with little effort: ID number, name, birth date, address). ``kit:mask`` says how to mask it for
display; ``kit:identifier: ric`` marks master-data columns that must hold valid resident ID
numbers.
"""

from __future__ import annotations

from typing import Any

from kit.datasets._ss_truth import REASONS

WINDOW = {"start": "2022-01", "end": "2024-12"}
RIC_PATTERN = "^[0-9]{17}[0-9X]$"
SCHEME_ENUM = ["employee", "institution", "resident"]


def _f(
    name: str,
    kind: str,
    description: str,
    description_zh: str,
    *,
    personal: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": name,
        "type": kind,
        "description": description,
        "description_zh": description_zh,
    }
    for key in ("unit", "constraints"):
        if key in extra:
            field[key] = extra.pop(key)
    field["personal"] = personal
    field.update({f"kit:{k}": v for k, v in extra.items()})
    return field


def _req(**more: Any) -> dict[str, Any]:
    return {"required": True, **more}


def _ric(description: str, description_zh: str, **constraints: Any) -> dict[str, Any]:
    return _f(
        "id_number",
        "string",
        description,
        description_zh,
        personal=True,
        constraints=_req(pattern=RIC_PATTERN, **constraints),
        mask="id",
        identifier="ric",
    )


_NAME = _f("name", "string", "Full name.", "姓名", personal=True, constraints=_req(), mask="name")
_SCHEME = _f(
    "scheme",
    "string",
    "Pension scheme: employee (enterprise employees), institution (public institutions and "
    "government organs) or resident (urban and rural residents).",
    "养老保险险种：企业职工、机关事业单位、城乡居民",
    constraints=_req(enum=SCHEME_ENUM),
)
_MONEY = {"unit": "yuan"}


def _resource(
    name: str, title: str, title_zh: str, description: str, fields: list, key: str | list[str]
) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "title_zh": title_zh,
        "description": description,
        "schema": {"fields": fields, "primaryKey": key},
    }


RESOURCES: list[dict[str, Any]] = [
    _resource(
        "persons",
        "Residents (population register extract)",
        "人口信息",
        "One row per resident of the fictional county sample, living or dead.",
        [
            _ric(
                "Resident ID number (18 characters, last one a check character).",
                "公民身份号码",
                unique=True,
            ),
            _NAME,
            _f(
                "sex",
                "string",
                "Sex: M male, F female.",
                "性别（M男，F女）",
                constraints=_req(enum=["M", "F"]),
            ),
            _f(
                "birth_date",
                "date",
                "Date of birth.",
                "出生日期",
                personal=True,
                constraints=_req(),
            ),
            _f(
                "region_code",
                "string",
                "County of residence: 6-digit administrative division code (GB/T 2260).",
                "常住地县级行政区划代码",
                constraints=_req(pattern="^[0-9]{6}$"),
            ),
            _f(
                "address",
                "string",
                "Home address: county, township, village and villagers' group, or community and "
                "flat.",
                "住址",
                personal=True,
                constraints=_req(),
                mask="text",
            ),
            _f(
                "hukou_type",
                "string",
                "Household registration type: urban or rural.",
                "户籍类型（城镇、农村）",
                constraints=_req(enum=["urban", "rural"]),
            ),
        ],
        "id_number",
    ),
    _resource(
        "deaths",
        "Death records from three agencies",
        "死亡登记信息（公安、民政、卫健）",
        "One row per death as recorded by one source; a death is usually recorded by several "
        "sources, whose dates may differ by a day or two. ID numbers are as the source typed "
        "them and need cleaning before a join.",
        [
            _f(
                "record_id",
                "string",
                "Record number.",
                "记录编号",
                constraints=_req(pattern="^D[0-9]{6,}$"),
            ),
            _f(
                "source",
                "string",
                "Recording agency: public_security (household registration cancelled), "
                "civil_affairs (cremation), health (medical death certificate).",
                "数据来源：公安户籍注销、民政火化、卫健死亡医学证明",
                constraints=_req(enum=["public_security", "civil_affairs", "health"]),
            ),
            _f(
                "id_number",
                "string",
                "ID number of the deceased as written by the source: may have a lower-case x, "
                "spaces or full-width digits, be an old 15-digit number, or be empty.",
                "死者公民身份号码（原始录入，可能不规范或缺失）",
                personal=True,
                mask="id",
            ),
            _f(
                "name",
                "string",
                "Name of the deceased as written by the source (may use a homophone).",
                "死者姓名（原始录入）",
                personal=True,
                constraints=_req(),
                mask="name",
            ),
            _f(
                "death_date",
                "date",
                "Date of death according to this source.",
                "死亡日期",
                constraints=_req(),
            ),
            _f(
                "registered_date",
                "date",
                "Date the source registered the death.",
                "登记日期",
                constraints=_req(),
            ),
        ],
        "record_id",
    ),
    _resource(
        "pension_recipients",
        "Basic pension recipients",
        "基本养老金领取人员",
        "One row per person on the pension roster of the social insurance agency.",
        [
            _ric("Resident ID number of the pensioner.", "领取人公民身份号码", unique=True),
            _NAME,
            _SCHEME,
            _f(
                "start_date",
                "date",
                "First day of the first month the pension is paid for.",
                "待遇起始日期",
                constraints=_req(),
            ),
            _f(
                "monthly_amount",
                "number",
                "Monthly pension in January 2022, or at the start if later.",
                "月养老金（2022年1月或起始时）",
                constraints=_req(),
                **_MONEY,
            ),
            _f(
                "status",
                "string",
                "Roster status at the end of 2024: active (being paid) or stopped.",
                "待遇状态：正常发放、已停发",
                constraints=_req(enum=["active", "stopped"]),
            ),
            _f("stop_date", "date", "Date the pension was stopped; empty if active.", "停发日期"),
            _f(
                "stop_reason",
                "string",
                "Why the pension was stopped; empty if active.",
                "停发原因",
                constraints={"enum": ["death"]},
            ),
        ],
        "id_number",
    ),
    _resource(
        "pension_payments",
        "Pension payments",
        "养老金发放明细",
        "One row per payment: monthly pension, arrears of the annual increase paid in July for "
        "January-June, or the one-off death benefit paid to the family.",
        [
            _f(
                "payment_id",
                "string",
                "Payment number.",
                "发放流水号",
                constraints=_req(pattern="^P[0-9]{6,}$"),
            ),
            _ric("Resident ID number of the pensioner.", "领取人公民身份号码"),
            _SCHEME,
            _f(
                "payment_type",
                "string",
                "monthly (monthly pension), arrears (increase for an earlier month), "
                "death_benefit (funeral grant and survivor benefit, paid once to the family).",
                "发放类型：月养老金、调待补发、丧葬补助金和抚恤金",
                constraints=_req(enum=["monthly", "arrears", "death_benefit"]),
            ),
            _f(
                "period",
                "yearmonth",
                "Month the money is for (the month of death for a death benefit).",
                "待遇所属期（年月）",
                constraints=_req(),
            ),
            _f(
                "pay_date",
                "date",
                "Date the money was paid into the account.",
                "发放日期",
                constraints=_req(),
            ),
            _f("amount", "number", "Amount paid.", "发放金额", constraints=_req(), **_MONEY),
        ],
        "payment_id",
    ),
    _resource(
        "pension_recoveries",
        "Recovered overpayments",
        "养老金追回记录",
        "One row per sum recovered for pension paid after death.",
        [
            _f(
                "recovery_id",
                "string",
                "Recovery number.",
                "追回记录编号",
                constraints=_req(pattern="^R[0-9]{5,}$"),
            ),
            _ric("Resident ID number of the dead pensioner.", "领取人公民身份号码"),
            _f("amount", "number", "Amount recovered.", "追回金额", constraints=_req(), **_MONEY),
            _f(
                "recovered_date",
                "date",
                "Date the money was recovered.",
                "追回日期",
                constraints=_req(),
            ),
            _f(
                "reason",
                "string",
                "How it was recovered: bank_clawback (returned by the bank from the account), "
                "family_refund (repaid by the family), offset_against_death_benefit (deducted "
                "from the death benefit).",
                "追回方式：银行协助退回、家属退还、从丧葬抚恤待遇中抵扣",
                constraints=_req(
                    enum=["bank_clawback", "family_refund", "offset_against_death_benefit"]
                ),
            ),
        ],
        "recovery_id",
    ),
]

TRUTH_RESOURCE: dict[str, Any] = _resource(
    "truth",
    "Ground truth: planted cases and traps",
    "标注答案：真实案件与干扰项",
    "One row per pensioner who has any death record: a real case of pension paid after death, "
    "or a legitimate look-alike (trap) with the reason a naive rule would flag it.",
    [
        _f(
            "pattern",
            "string",
            "Pattern the row is about.",
            "监督模式",
            constraints=_req(enum=["pension_after_death"]),
        ),
        _f(
            "subject_type",
            "string",
            "Kind of subject.",
            "对象类型",
            constraints=_req(enum=["person"]),
        ),
        _f(
            "subject_id",
            "string",
            "ID number of the pensioner.",
            "对象公民身份号码",
            personal=True,
            constraints=_req(pattern=RIC_PATTERN),
            mask="id",
        ),
        _f(
            "is_case",
            "boolean",
            "true for a real case, false for a trap.",
            "是否真实案件",
            constraints=_req(),
        ),
        _f(
            "amount_improper",
            "number",
            "Pension paid for months after the month of death minus money recovered; 0 for traps.",
            "不当发放金额（扣除已追回）",
            constraints=_req(),
            unit="yuan",
        ),
        _f("reason", "string", "Scenario code.", "情形代码", constraints=_req(enum=list(REASONS))),
        _f("note", "string", "What happened, in one sentence.", "情况说明", constraints=_req()),
    ],
    ["pattern", "subject_id"],
)


def package(seed: int, n_persons: int, *, truth: bool = False) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor of the dataset (or of its ``truth/`` folder)."""
    licence = {
        "name": "CC0-1.0",
        "title": "Creative Commons Zero v1.0 Universal (synthetic data, no real person)",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    head: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "social_security_truth" if truth else "social_security",
        "title": (
            "Social security sample: ground truth"
            if truth
            else "Social security sample: pensions and death records"
        ),
        "title_zh": "社保样例数据：标注答案" if truth else "社保样例数据：养老金发放与死亡登记",
        "description": (
            "Planted cases and traps of the social security sample (remove this folder to hide "
            "the answers)."
            if truth
            else "Synthetic pension roster, payments, recoveries, population register and death "
            "records of a fictional county sample in Lu'an, Anhui, 2022-01 to 2024-12, for the "
            "model 'pension paid after death' (冒领养老金). No real person is described."
        ),
        "licenses": [licence],
        "kit:seed": seed,
        "kit:n_persons": n_persons,
        "kit:window": dict(WINDOW),
        "kit:generator": "python -m kit.datasets.social_security",
    }
    head["resources"] = [TRUTH_RESOURCE] if truth else RESOURCES
    return head
