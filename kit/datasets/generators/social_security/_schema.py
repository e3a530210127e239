"""Field metadata of the social security sample (the single source of ``datapackage.json``).

Part of :mod:`kit.datasets.generators.social_security`. Each field has a Frictionless type, an English and
a Chinese description, and ``personal`` (true when the value identifies a person directly or
with little effort: ID number, name, birth date, address). ``kit:mask`` says how to mask it for
display; ``kit:identifier: ric`` marks master-data columns that must hold valid resident ID
numbers.
"""

from __future__ import annotations

from typing import Any

from kit.datasets.generators.common import RIC_PATTERN, resource
from kit.datasets.generators.common import field as _f
from kit.datasets.generators.common import required as _req

WINDOW = {"start": "2022-01", "end": "2024-12"}
SCHEME_ENUM = ["employee", "institution", "resident"]


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
_MONEY: dict[str, Any] = {"unit": "yuan", "decimals": 2}


RESOURCES: list[dict[str, Any]] = [
    resource(
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
                mask="date",
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
    resource(
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
            _f(
                "birth_date",
                "date",
                "Date of birth, recorded only when the ID number is missing.",
                "出生日期（仅身份证号缺失时登记）",
                personal=True,
                mask="date",
            ),
            _f(
                "address",
                "string",
                "Home address, recorded only when the ID number is missing.",
                "住址（仅身份证号缺失时登记）",
                personal=True,
                mask="text",
            ),
        ],
        "record_id",
    ),
    resource(
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
            _f(
                "stop_date",
                "date",
                "Date the pension was stopped for good; empty if active.",
                "停发日期",
            ),
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
    resource(
        "pension_payments",
        "Pension payments",
        "养老金发放明细",
        "One row per payment: monthly pension, arrears of the annual increase paid in July for "
        "January-June, or the one-off death benefit paid to the family. Months suspended during "
        "imprisonment or criminal detention are not paid.",
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
    resource(
        "pension_recoveries",
        "Recovered overpayments",
        "养老金追回记录",
        "One row per sum recovered: pension paid after death, or an annual increase wrongly "
        "paid to a pensioner under community correction.",
        [
            _f(
                "recovery_id",
                "string",
                "Recovery number.",
                "追回记录编号",
                constraints=_req(pattern="^R[0-9]{5,}$"),
            ),
            _ric("Resident ID number of the pensioner.", "领取人公民身份号码"),
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
                "from the death benefit), deducted_from_pension (an increase paid during community "
                "correction, deducted from later pensions).",
                "追回方式：银行协助退回、家属退还、从丧葬抚恤待遇中抵扣、从后续养老金中扣回",
                constraints=_req(
                    enum=[
                        "bank_clawback",
                        "family_refund",
                        "offset_against_death_benefit",
                        "deducted_from_pension",
                    ]
                ),
            ),
        ],
        "recovery_id",
    ),
]
