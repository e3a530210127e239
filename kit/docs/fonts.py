"""Chinese text in charts: find a CJK font, or fall back cleanly to English-only labels.

matplotlib draws empty boxes (and warns "Glyph ... missing") for Chinese characters when its
font has none. :func:`cjk_font` looks for a CJK font (Noto Sans CJK SC from Debian's
``fonts-noto-cjk``, Noto Serif CJK, WenQuanYi, Source Han), also among font files installed after
matplotlib built its font cache, and :func:`chart_style` returns what a chart should use: the
font's settings and whether Chinese labels may be drawn. Without a CJK font every chart label is
English, so a chart never shows tofu boxes.

Examples
--------
>>> style = chart_style()
>>> style.label("recall", "召回率") in {"recall", "召回率 recall"}
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

#: Font families tried in order (the first one present wins).
CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
# Font files worth adding when matplotlib's cache predates their installation.
_FILES = re.compile(r"(NotoSansCJK|NotoSerifCJK|SourceHan|wqy-|WenQuanYi)", re.IGNORECASE)


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or ``None`` when there is none.

    Fonts known to matplotlib's font cache are tried first; otherwise installed font files whose
    names look like a CJK font (``NotoSansCJK-Regular.ttc``, ``wqy-zenhei.ttc`` ...) are added to
    the font manager of this process. The answer is cached.
    """
    from matplotlib import font_manager

    def present() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CANDIDATES if name in names), None)

    found = present()
    if found is not None:
        return found
    for path in sorted(font_manager.findSystemFonts()):
        if _FILES.search(path) and "Bold" not in path:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable file: try the next one
                continue
    return present()


@dataclass(frozen=True)
class ChartStyle:
    """How charts are labelled: with a CJK font and Chinese labels, or in English only.

    Attributes
    ----------
    font : str or None
        The CJK font family, ``None`` when none was found.
    rc : dict
        matplotlib settings to apply with ``matplotlib.rc_context(style.rc)``.
    """

    font: str | None
    rc: dict[str, Any] = field(default_factory=dict)

    @property
    def chinese(self) -> bool:
        """True when Chinese labels can be drawn."""
        return self.font is not None

    def label(self, en: str, zh: str) -> str:
        """``"zh en"`` when a CJK font is present, otherwise ``en`` alone."""
        return f"{zh} {en}" if self.chinese else en

    def pick(self, en: str, zh: str) -> str:
        """``zh`` when a CJK font is present, otherwise ``en``."""
        return zh if self.chinese else en


def chart_style() -> ChartStyle:
    """The chart style for this machine: CJK font settings, or English-only labels."""
    font = cjk_font()
    if font is None:
        return ChartStyle(None, {})
    return ChartStyle(
        font,
        {
            "font.family": "sans-serif",
            "font.sans-serif": [font, "DejaVu Sans"],
            "axes.unicode_minus": False,
        },
    )


def describe() -> str:
    """One line for logs: the CJK font in use, or that charts fall back to English labels."""
    font = cjk_font()
    return f"CJK font: {font}" if font else "CJK font: none (charts use English labels)"
