"""Headings and labels of the generated documents, in English and Chinese.

Every heading, table header and fixed sentence of a specification document or datasheet comes from
here, so a Chinese document is Chinese throughout. Where the source (a spec, a Data Package) has
no Chinese text, the Chinese document says so with :data:`NO_ZH` and shows the English original.
"""

from __future__ import annotations

from typing import Any

#: Shown before English text standing in for missing Chinese text.
NO_ZH = "（暂无中文说明，以下为英文原文）"
#: Shown in a table cell where the Chinese text is missing.
NO_ZH_CELL = "（暂无中文）"

_L: dict[str, tuple[str, str]] = {
    # specification document
    "spec_title": ("Model specification", "模型说明书"),
    "background": ("Background and need", "背景与需求"),
    "legal_basis": ("Legal basis", "法律依据"),
    "data": ("Data sources and data elements", "数据来源与数据要素"),
    "rules": ("Supervision rules", "监督规则"),
    "params": ("Parameters", "参数"),
    "evaluation": ("Evaluation", "效果评估"),
    "traps": ("Known traps and limitations", "已知陷阱与局限"),
    "applications": ("Applications and cases so far", "应用与办案情况"),
    "security": ("Data-security notes", "数据安全说明"),
    "empty": ("This section is empty: {why}", "本节暂无内容：{why}"),
    # datasheet
    "sheet_title": ("Datasheet", "数据说明"),
    "sheet_about": ("About the dataset", "数据集概况"),
    "sheet_resources": ("Tables", "数据表"),
    "sheet_fields": ("Fields of {table}", "{table} 字段"),
    "sheet_truth": ("Ground truth: planted cases and traps", "标注答案：真实案件与干扰项"),
    "sheet_security": ("Personal data and masking", "个人信息与脱敏"),
    # table headers and small words
    "field": ("field", "业务领域"),
    "pattern": ("target pattern", "监督模式"),
    "subject": ("clue subject", "线索对象"),
    "dataset": ("dataset", "数据集"),
    "version": ("version", "版本"),
    "spec_hash": ("spec hash", "规格哈希"),
    "run": ("run", "运行编号"),
    "engine": ("engine", "引擎"),
    "table": ("table", "数据表"),
    "title": ("title", "名称"),
    "rows": ("rows", "行数"),
    "columns": ("columns", "字段数"),
    "column": ("column", "字段"),
    "type": ("type", "类型"),
    "unit": ("unit", "单位"),
    "description": ("description", "说明"),
    "personal": ("personal", "个人信息"),
    "mask": ("masking", "脱敏方式"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "name": ("name", "名称"),
    "name_other": ("Chinese name", "英文名称"),
    "item": ("item", "项目"),
    "default": ("default", "默认值"),
    "range": ("range", "取值范围"),
    "meaning": ("meaning", "含义"),
    "step": ("step", "步骤"),
    "what": ("what it does", "作用"),
    "measure": ("measure", "指标"),
    "value": ("value", "数值"),
    "reason": ("reason", "原因"),
    "clues": ("clues", "线索数"),
    "cases": ("cases", "真实案件"),
    "traps_n": ("traps", "干扰项"),
    "flagged": ("flagged by the model", "被模型误报"),
    "amount": ("amount (yuan)", "金额（元）"),
    "evidence": ("evidence", "线索依据"),
    "floor": ("floor", "下限"),
    "measured": ("measured", "实测"),
    "met": ("met", "达标"),
    "unit_name": ("unit", "应用单位"),
    "applications_n": ("applications", "应用次数"),
    "screened": ("clues screened", "筛查线索"),
    "verified": ("clues verified", "核实线索"),
    "formed": ("cases formed (reported)", "成案（报送）"),
    "ledger_cases": ("cases in the case ledger", "案件台账立案"),
    "recovered": ("losses recovered (yuan)", "追回损失（元）"),
    "kind": ("kind", "类别"),
    "cases_n": ("cases", "案件数"),
    "total_cases": ("total", "合计"),
}

#: Business fields, as in the ledger vocabulary.
FIELD_NAMES = {
    "social_security": ("social security", "社保"),
    "medical_insurance": ("medical insurance", "医保"),
    "environment": ("ecological environment and safe production", "生态环境和安全生产"),
    "judicial": ("judicial litigation supervision", "司法诉讼监督"),
}

#: Masking kinds (``kit:mask``) explained.
MASK_KINDS = {
    "id": ("ID number: first 6 and last 4 characters kept", "身份证号：保留前6位和后4位"),
    "name": ("name: surname (and last character) kept", "姓名：保留姓氏（及末字）"),
    "uscc": ("company code: first 8 and last 2 kept", "统一社会信用代码：保留前8位和后2位"),
    "text": ("text: first third kept", "文本：保留前三分之一"),
    "date": ("date: year kept", "日期：只保留年份"),
    "subject": ("subject: person ID numbers masked", "对象标识：身份证号脱敏"),
    "scrub": ("ID numbers and company codes inside text masked", "文中身份证号和信用代码脱敏"),
}

#: Evaluation measures (the keys of ``Evaluation.to_dict``).
MEASURES = {
    "clues": ("clues", "线索数"),
    "cases": ("real cases in the sample", "真实案件数"),
    "cases_found": ("cases found", "命中案件数"),
    "conversion_rate": ("conversion rate (clues that are cases)", "成案转化率"),
    "recall": ("recall (cases found)", "召回率"),
    "amount_recall": ("amount recall", "金额召回率"),
    "precision_at_k": ("precision of the first {k} clues", "前{k}条精确率"),
    "recall_at_k": ("recall of the first {k} clues", "前{k}条召回率"),
    "amount_found": ("improper amount found (yuan)", "命中金额（元）"),
    "amount_total": ("improper amount in the sample (yuan)", "应追回总额（元）"),
}
RATES = {"conversion_rate", "recall", "amount_recall", "precision_at_k", "recall_at_k"}


def t(key: str, lang: str, **fmt: Any) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``zh``), formatted with ``fmt``.

    Examples
    --------
    >>> t("legal_basis", "zh"), t("empty", "en", why="no ledger")
    ('法律依据', 'This section is empty: no ledger')
    """
    en, zh = _L[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


def pick(pair: tuple[str, str], lang: str) -> str:
    """The English or Chinese member of an ``(en, zh)`` pair."""
    return pair[1] if lang == "zh" else pair[0]


def fmt_value(measure: str, value: Any) -> str:
    """A measure formatted as the documents show it: rates as percentages, counts with commas.

    Examples
    --------
    >>> fmt_value("recall", 0.9512), fmt_value("clues", 1234), fmt_value("amount_found", 12.5)
    ('95.1%', '1,234', '12.50')
    """
    if measure in RATES:
        return f"{float(value):.1%}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
