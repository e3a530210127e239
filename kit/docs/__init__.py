"""Model documentation: model cards and the demo report."""

from kit.docs.model_card import ModelCard, model_card
from kit.docs.report import DemoResult, build_demo

__all__ = ["DemoResult", "ModelCard", "build_demo", "model_card"]
