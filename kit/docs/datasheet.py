"""Datasheets (数据说明) rendered from a dataset's Data Package descriptor.

:func:`datasheet` lists every table of a dataset with its row count, and every field with its
type, unit, English or Chinese description, personal-data flag and masking kind, then the ground
truth (planted cases and traps per pattern) and the personal data it holds. It complements the
hand-written ``DATASHEET.md`` of each dataset folder (motivation, collection, uses), which it
points to.

Examples
--------
>>> import kit
>>> sheet = datasheet(kit.datasets.load("social_security"), lang="zh")
>>> "## 数据表" in sheet.markdown and "pension_payments" in sheet.markdown
True
"""

from __future__ import annotations

from typing import Any

from kit.datasets import Dataset, truth_summary
from kit.datasets import load as load_dataset
from kit.docs import _render as r
from kit.docs.labels import MASK_KINDS, NO_ZH, NO_ZH_CELL, pick, t
from kit.errors import KitError


def datasheet(dataset: Dataset | str, lang: str = "en", back_link: str = "") -> r.Document:
    """Render the datasheet of a dataset in English or Chinese.

    Parameters
    ----------
    dataset : Dataset or str
        A loaded dataset, or the name or folder of one.
    lang : {"en", "zh"}
    back_link : str
        Relative link shown at the top of the HTML page.

    Returns
    -------
    Document
        ``.markdown``, ``.html``, ``.sections`` and ``.save(path)``.
    """
    if lang not in r.LANGS:
        raise KitError(f"lang={lang!r}: choose 'en' or 'zh'.")
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    meta, zh = ds.meta, lang == "zh"
    shown = meta.get("title_zh") if zh else meta.get("title")
    title = f"{t('sheet_title', lang)}{'：' if zh else ': '}{ds.name} — {shown or meta.get('title', '')}"
    resources = meta.get("resources", [])
    sections = [
        _about(ds, lang),
        r.Section("resources", t("sheet_resources", lang), (_resource_table(ds, lang),)),
        *[
            r.Section(
                f"fields-{res['name']}",
                t("sheet_fields", lang, table=res["name"]),
                tuple(_fields(ds, res, lang)),
            )
            for res in resources
        ],  # fmt: skip
        _truth(ds, lang),
        _security(ds, lang),
    ]
    return r.render("datasheet", ds.name, lang, title, [], sections, back_link)


def _bilingual(en: str, zh: str, lang: str) -> list[r.Block]:
    if lang == "zh" and not zh:
        return [r.note(NO_ZH), r.p(en)] if en else []
    text = zh if lang == "zh" else en
    return [r.p(text)] if text else []


def _about(ds: Dataset, lang: str) -> r.Section:
    meta, zh = ds.meta, lang == "zh"
    blocks = _bilingual(meta.get("description", ""), meta.get("description_zh", ""), lang)
    window = meta.get("kit:window") or {}
    licences = ", ".join(x.get("name", "") for x in meta.get("licenses", []))
    facts = [
        ["数据包名称" if zh else "package", meta.get("name", ds.name)],
        ["生成程序" if zh else "generator", meta.get("kit:generator", "-")],
        ["随机种子" if zh else "seed", meta.get("kit:seed", "-")],
        ["人数" if zh else "persons", f"{meta['kit:n_persons']:,}" if "kit:n_persons" in meta else "-"],
        ["时间范围" if zh else "window", f"{window.get('start', '?')} – {window.get('end', '?')}" if window else "-"],
        ["许可" if zh else "licence", licences or "-"],
        ["数据表" if zh else "tables", str(len(meta.get("resources", [])))],
        ["内容指纹" if zh else "fingerprint", ds.fingerprint[:12] or "-"],
    ]  # fmt: skip
    blocks.append(r.table([t("name", lang), t("value", lang)], facts))
    blocks.append(
        r.p(
            "数据集文件夹中的 DATASHEET.md 说明了数据的用途、构成、生成方法和使用限制。"
            if zh
            else "The dataset folder's DATASHEET.md explains motivation, composition, collection "
            "and uses."
        )
    )
    return r.Section("about", t("sheet_about", lang), tuple(blocks))


def _resource_table(ds: Dataset, lang: str) -> r.Block:
    rows = []
    for res in ds.meta.get("resources", []):
        fields = res.get("schema", {}).get("fields", [])
        title = res.get("title_zh") or NO_ZH_CELL if lang == "zh" else res.get("title", "")
        n_rows = ds.rows(res["name"]) if res["name"] in ds.tables else None  # no table read
        personal = sum(bool(f.get("personal")) for f in fields)
        rows.append(
            [
                res["name"],
                title,
                "-" if n_rows is None else f"{n_rows:,}",
                str(len(fields)),
                str(personal),
                res.get("path", ""),
            ]
        )
    header = [t("table", lang), t("title", lang), t("rows", lang), t("columns", lang),
              "个人信息字段" if lang == "zh" else "personal columns",
              "文件" if lang == "zh" else "file"]  # fmt: skip
    return r.table(header, rows)


def _constraints(field: dict[str, Any], lang: str) -> str:
    c = field.get("constraints", {})
    zh = lang == "zh"
    parts = []
    if c.get("required"):
        parts.append("必填" if zh else "required")
    if c.get("unique"):
        parts.append("唯一" if zh else "unique")
    if "enum" in c:
        parts.append(("取值：" if zh else "one of: ") + ", ".join(map(str, c["enum"])))
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if field.get("kit:identifier") == "ric":
        parts.append("身份证号校验" if zh else "ID number checked")
    return "; ".join(parts)


def _fields(ds: Dataset, res: dict[str, Any], lang: str) -> list[r.Block]:
    zh = lang == "zh"
    blocks = _bilingual(res.get("description", ""), res.get("description_zh", ""), lang)
    rows = []
    for f in res.get("schema", {}).get("fields", []):
        desc = (
            f.get("description_zh") or f"{f.get('description', '')} {NO_ZH_CELL}"
            if zh
            else f.get("description", "")
        )
        mask = f.get("kit:mask", "")
        rows.append(
            [
                f["name"],
                f.get("type", ""),
                f.get("unit", ""),
                desc,
                t("yes", lang) if f.get("personal") else t("no", lang),
                pick(MASK_KINDS[mask], lang) if mask in MASK_KINDS else "",
                _constraints(f, lang),
            ]
        )
    header = [t(h, lang) for h in ("column", "type", "unit", "description", "personal", "mask")]
    header.append("约束" if zh else "constraints")
    blocks.append(r.table(header, rows))
    key = res.get("schema", {}).get("primaryKey")
    if key:
        key = ", ".join(key) if isinstance(key, list) else key
        blocks.append(r.p(f"主键：{key}" if zh else f"Primary key: {key}"))
    return blocks


def _truth(ds: Dataset, lang: str) -> r.Section:
    zh = lang == "zh"
    why = (
        "该数据集没有标注答案（truth/ 文件夹缺失，例如竞赛的隐藏数据）。"
        if zh
        else "this dataset has no ground truth (no truth/ folder, e.g. hidden competition data)."
    )
    if ds.truth is None:
        return r.Section("truth", t("sheet_truth", lang), (), t("empty", lang, why=why))
    summary = truth_summary(ds.truth)
    rows = [
        [s.pattern, f"{s.cases:,}", f"{s.traps:,}", f"{s.trap_kinds:,}",
         f"{s.amount_improper:,.2f}", s.trap_reasons.replace("_", " ")]
        for s in summary.itertuples(index=False)
    ]  # fmt: skip
    header = [t("pattern", lang), t("cases", lang), t("traps_n", lang),
              "干扰类型数" if zh else "trap kinds", t("amount", lang),
              "干扰项原因" if zh else "trap reasons"]  # fmt: skip
    blocks: list[r.Block] = [
        r.p(
            f"共 {int(summary['cases'].sum()):,} 个真实案件、{int(summary['traps'].sum()):,} 个干扰项"
            "（合法但形似违规的情形）。"
            if zh
            else f"{int(summary['cases'].sum()):,} planted cases and "
            f"{int(summary['traps'].sum()):,} traps (legitimate look-alikes)."
        ),
        r.table(header, rows),
    ]
    if ds.truth_tables:
        sizes = ", ".join(f"{k} ({len(v):,})" for k, v in sorted(ds.truth_tables.items()))
        blocks.append(r.p(f"truth/ 中的表：{sizes}。" if zh else f"Tables in truth/: {sizes}."))
    return r.Section("truth", t("sheet_truth", lang), tuple(blocks))


def _security(ds: Dataset, lang: str) -> r.Section:
    zh = lang == "zh"
    items = []
    for res in ds.meta.get("resources", []):
        cols = [f for f in res.get("schema", {}).get("fields", []) if f.get("personal")]
        if cols:
            names = ", ".join(f"{f['name']} ({f.get('kit:mask', '-')})" for f in cols)
            items.append(f"{res['name']}: {names}")
    closing = (
        "全部数据为合成数据，不描述任何真实人员或企业；展示和导出时按上述方式脱敏。"
        if zh
        else "All data is synthetic and describes no real person or company; the columns above "
        "are masked as shown whenever the kit displays or exports them."
    )
    intro = (
        "含个人信息的字段（括号内为脱敏方式）："
        if zh
        else "Columns holding personal data (masking kind):"
    )
    blocks = [r.p(intro), r.bullets(items), r.p(closing)] if items else [r.p(closing)]
    return r.Section("security", t("sheet_security", lang), tuple(blocks))
