"""Record linkage (数据关联 / 实体对齐): find the same person across agencies' tables.

Exact joins on ID numbers miss records that funeral homes, village clinics and old systems hold
with no ID number or a mistyped one, and naive fuzzy matching on names is fooled by homophones
(同音字). The kit standardises identity fields, links records with a usable ID number exactly,
and scores the rest with Splink on name characters and pinyin, birth date, sex and region.

Examples
--------
>>> import kit
>>> ss = kit.datasets.load("social_security")
>>> links = kit.link.linked_table(ss, "deaths", to="persons")
>>> links.summary()["none"], links.summary()["probabilistic"] > 0
(0, True)
"""

from kit.link.apply import clear_cache, link_dataset, linked_table
from kit.link.columns import IdentityColumns
from kit.link.evaluate import (
    LinkEvaluation,
    choose_threshold,
    evaluate_dataset,
    evaluate_links,
    stressed,
)
from kit.link.exact import link_exact, usable_ids
from kit.link.linker import DEFAULT_THRESHOLD, Links, link
from kit.link.model import LinkModel, default_model, train
from kit.link.standardise import clean_name, name_pinyin, standardise
from kit.link.steps import LinkStep, parse_link_section

__all__ = [
    "DEFAULT_THRESHOLD",
    "IdentityColumns",
    "LinkEvaluation",
    "LinkModel",
    "LinkStep",
    "Links",
    "choose_threshold",
    "clean_name",
    "clear_cache",
    "default_model",
    "evaluate_dataset",
    "evaluate_links",
    "link",
    "link_dataset",
    "link_exact",
    "linked_table",
    "name_pinyin",
    "parse_link_section",
    "standardise",
    "stressed",
    "train",
    "usable_ids",
]
