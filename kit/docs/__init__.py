"""Model documentation: specification documents, datasheets, model cards and the demo report."""

from kit.docs._render import Document
from kit.docs.datasheet import datasheet
from kit.docs.model_card import ModelCard, model_card
from kit.docs.report import DemoResult, build_demo
from kit.docs.specification import specification

__all__ = [
    "DemoResult",
    "Document",
    "ModelCard",
    "build_demo",
    "datasheet",
    "model_card",
    "specification",
]
