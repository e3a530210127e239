"""Controlled vocabularies of the two ledgers: codes stored in the database, Chinese and English labels.

Each vocabulary maps a stored code to ``(Chinese label, English label)``. The database keeps the
code; Excel sheets in Chinese show the Chinese label; :func:`to_code` accepts any of the three.

Examples
--------
>>> to_code("case_category", "生态环境和安全生产")
'environment_safety'
>>> label("model_status", "national", "en")
'shelved on the national platform'
"""

from __future__ import annotations

from kit.errors import LedgerError

#: Level of a procuratorate (检察院层级).
UNIT_LEVELS = {
    "province": ("省级院", "provincial"),
    "city": ("市级院", "city"),
    "county": ("县级院", "county or district"),
}
#: Status / shelving level of a model (模型状态 / 上架层级), in promotion order.
MODEL_STATUSES = {
    "in_development": ("研发中", "in development"),
    "own_unit": ("本院应用", "used by own unit"),
    "provincial": ("省级平台上架", "shelved on the provincial platform"),
    "national": ("全国平台上架", "shelved on the national platform"),
}
#: Business field of a model or case (业务领域); the first four are ``ModelSpec.field`` values.
FIELDS = {
    "social_security": ("社保", "social security"),
    "medical_insurance": ("医保", "medical insurance"),
    "environment": ("生态环境和安全生产", "ecological environment and safe production"),
    "judicial": ("司法诉讼监督", "judicial litigation supervision"),
    "other": ("其他", "other"),
}
#: Case category as in the seed bulletin (案件类别).
CASE_CATEGORIES = {
    "judicial_litigation": ("司法诉讼监督", "judicial-litigation supervision"),
    "social_security_medical": ("社保医保", "social security and medical insurance"),
    "environment_safety": ("生态环境和安全生产", "ecological environment and safe production"),
    "other": ("其他", "other"),
}
#: Default category of a case by the field of its model.
CATEGORY_BY_FIELD = {
    "judicial": "judicial_litigation",
    "social_security": "social_security_medical",
    "medical_insurance": "social_security_medical",
    "environment": "environment_safety",
    "other": "other",
}
#: Status of a case (案件状态).
CASE_STATUSES = {
    "received": ("线索受理", "clue received"),
    "filed": ("已立案", "filed"),
    "closed": ("已结案", "closed"),
}
#: Measures taken in a case (监督措施).
MEASURE_KINDS = {
    "recommendation": ("检察建议", "procuratorial recommendation"),
    "protest": ("抗诉", "protest"),
    "retrial_recommendation": ("再审检察建议", "retrial recommendation"),
    "police_referral": ("移送公安机关", "referral to police"),
}

VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = {
    "unit_level": UNIT_LEVELS,
    "model_status": MODEL_STATUSES,
    "field": FIELDS,
    "case_category": CASE_CATEGORIES,
    "case_status": CASE_STATUSES,
    "measure_kind": MEASURE_KINDS,
}


def label(vocabulary: str, code: str, lang: str = "zh") -> str:
    """The Chinese (``lang="zh"``) or English label of a code; unknown codes come back unchanged."""
    pair = VOCABULARIES[vocabulary].get(code)
    if pair is None:
        return code
    return pair[0] if lang == "zh" else pair[1]


def to_code(vocabulary: str, value: object, where: str = "") -> str:
    """The stored code for a code, Chinese label or English label (case-insensitive).

    Raises
    ------
    LedgerError
        If ``value`` is none of them; the message lists what is allowed.

    Examples
    --------
    >>> to_code("measure_kind", "检察建议"), to_code("measure_kind", "Protest")
    ('recommendation', 'protest')
    """
    text = str(value).strip() if value is not None else ""
    vocab = VOCABULARIES[vocabulary]
    for code, (zh, en) in vocab.items():
        if text.lower() in {code, zh.lower(), en.lower()}:
            return code
    raise LedgerError(f"{where or vocabulary}: {text!r} is not allowed. Fix: {allowed(vocabulary)}")


def allowed(vocabulary: str) -> str:
    """A sentence listing the allowed values of a vocabulary (codes with Chinese labels)."""
    items = ", ".join(f"{c} ({zh})" for c, (zh, _) in VOCABULARIES[vocabulary].items())
    return f"use one of {items}."


def level_from_name(name: str) -> str:
    """Guess a procuratorate's level from its name (省 / 市 / 县 or 区).

    Examples
    --------
    >>> [level_from_name(n) for n in ["安徽省人民检察院", "六安市人民检察院", "芜湖市弋江区人民检察院"]]
    ['province', 'city', 'county']
    """
    core = name.replace("人民检察院", "").replace("检察院", "").strip()
    if core.endswith(("省", "自治区")) or core in {"北京市", "天津市", "上海市", "重庆市"}:
        return "province"
    if core.endswith(("市", "州", "盟")):
        return "city"
    return "county"
