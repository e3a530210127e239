"""Chinese labels (中文标签) of the evaluation measures, shown beside the English names."""

from __future__ import annotations

import pandas as pd

#: Chinese label of each column the evaluation tables use.
LABELS_ZH = {
    "model": "模型",
    "model_id": "模型编号",
    "field": "领域",
    "pattern": "违法模式",
    "order": "审查顺序",
    "capacity": "审查能力（条）",
    "k": "前k条",
    "reviewed": "已审查线索数",
    "clues": "线索数",
    "cases": "真实案件数",
    "cases_found": "命中案件数",
    "cases_missed": "漏报案件数",
    "false_positives": "误报数",
    "conversion_rate": "成案转化率",
    "recall": "召回率",
    "amount_recall": "金额召回率",
    "amount_found": "命中金额（元）",
    "amount_total": "应追回总额（元）",
    "precision_at_k": "前k条精确率",
    "recall_at_k": "前k条召回率",
    "amount_recall_at_k": "前k条金额召回率",
    "cases_found_at_capacity": "审查能力内命中案件数",
    "precision_at_capacity": "审查能力内精确率",
    "recall_at_capacity": "审查能力内召回率",
    "amount_recall_at_capacity": "审查能力内金额召回率",
    "region_code": "行政区划代码",
    "region_name": "行政区划名称",
    "group": "分组维度",
    "value": "组别",
    "population": "人群人数",
    "non_cases": "非案件人数",
    "fp_rate": "误报率",
    "fdr": "线索误报占比",
    "fp_rate_ratio": "误报率差异比",
    "lowest": "误报率最低组",
    "highest": "误报率最高组",
    "lowest_rate": "最低误报率",
    "highest_rate": "最高误报率",
    "disparity_ratio": "差异比（最高/最低）",
    "groups": "组数",
    "reason": "误报原因",
}


def bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose known column names carry their Chinese label, for display.

    Examples
    --------
    >>> import pandas as pd
    >>> bilingual(pd.DataFrame({"recall": [1.0], "other": [2]})).columns.tolist()
    ['recall 召回率', 'other']
    """
    names = {c: f"{c} {LABELS_ZH[c]}" for c in frame.columns if c in LABELS_ZH}
    return frame.rename(columns=names)
