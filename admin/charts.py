"""PNG charts of the monitoring statistics (matplotlib, Agg, Japanese labels).

Labels need a Japanese font: "Noto Sans CJK JP" from Debian's fonts-noto-cjk
(scripts/install-system-deps.sh). matplotlib's font cache may predate the font's install, so
the font files are also added by path; without any CJK font the charts still render (glyphs
become boxes) and a warning says what to install.

matplotlib (with numpy) and PIL are imported on the first chart, not with this module: they
add ~30 MB to every bot process, and charts are drawn only for DX推進課.
"""

from __future__ import annotations

import glob
import io
import logging
from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from workflows.monitoring import VERDICTS, Statistics, category_name, week_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

JAPANESE_FONTS = ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "TakaoGothic")
_FONT_GLOBS = ("/usr/share/fonts/**/NotoSansCJK*.ttc", "/usr/share/fonts/**/NotoSansCJK*.otf")

# Verdict colours: calm for allow, warm to red with severity (also readable in grey print).
_VERDICT_COLOURS = {"allow": "#4e79a7", "notice": "#76b7b2", "confirm": "#f28e2b", "block": "#e15759"}
_BAR = "#4e79a7"


@lru_cache(maxsize=1)
def _matplotlib() -> ModuleType:
    import matplotlib  # lazy: see the module docstring

    matplotlib.use("Agg")  # no display on a server; must precede any figure
    return matplotlib


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure  # lazy: see the module docstring

    return Figure(figsize=(width, height), layout="constrained")


@lru_cache(maxsize=1)
def japanese_font() -> str | None:
    """The family used for labels, or None when no Japanese font can be found."""
    _matplotlib()
    from matplotlib import font_manager  # lazy: see the module docstring

    known = {f.name for f in font_manager.fontManager.ttflist}
    if not known.intersection(JAPANESE_FONTS):
        for pattern in _FONT_GLOBS:
            for path in glob.glob(pattern, recursive=True):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError):
                    log.warning("could not load font file %s", path)
        known = {f.name for f in font_manager.fontManager.ttflist}
    for family in JAPANESE_FONTS:
        if family in known:
            return family
    log.warning("no Japanese font found: chart labels will not render; install fonts-noto-cjk")
    return None


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _style() -> dict[str, object]:
    family = japanese_font()
    families = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    return {"font.family": families, "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}


def weekly_chart(stats: Statistics, *, width: float = 8.0, height: float = 3.2, dpi: int = 100) -> bytes:
    """Exchanges per week, stacked by screening verdict."""
    with _matplotlib().rc_context(_style()):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        labels = [week_label(row.key) for row in stats.by_week]
        positions = range(len(labels))
        bottom = [0] * len(labels)
        for verdict, name in VERDICTS.items():
            values = [row.verdicts.get(verdict, 0) for row in stats.by_week]
            axes.bar(positions, values, bottom=bottom, label=name, color=_VERDICT_COLOURS[verdict], width=0.7)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, -(-len(labels) // 12))  # at most about 12 week labels, so they never overlap
        axes.set_xticks(list(positions)[::step], labels[::step])
        axes.set_title("週別の利用件数（判定別）")
        axes.set_ylabel("件数")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left", fontsize=8, ncols=4, frameon=False)
        axes.set_ylim(0, max([*bottom, 1]) * 1.25)
        return _png(figure, dpi)


def _horizontal(title: str, labels: Sequence[str], values: Sequence[int], width: float, dpi: int) -> bytes:
    with _matplotlib().rc_context(_style()):
        height = 1.0 + 0.32 * max(len(labels), 1)
        figure = _figure(width, height)
        axes = figure.add_subplot()
        positions = range(len(labels))
        axes.barh(list(positions), list(values), color=_BAR, height=0.6)
        axes.set_yticks(list(positions), list(labels))
        axes.invert_yaxis()  # largest first, at the top
        axes.margins(x=0.08)  # room for the value labels
        axes.set_title(title)
        axes.xaxis.get_major_locator().set_params(integer=True)
        if not labels:
            axes.text(0.5, 0.5, "該当なし", transform=axes.transAxes, ha="center", va="center")
        for position, value in zip(positions, values, strict=True):
            axes.annotate(str(value), (value, position), xytext=(3, 0), textcoords="offset points", va="center",
                          fontsize=8)
        return _png(figure, dpi)


def department_chart(stats: Statistics, *, top: int = 12, width: float = 8.0, dpi: int = 100) -> bytes:
    """Exchanges by 所属, the busiest first."""
    rows = stats.by_department[:top]
    return _horizontal("所属別の利用件数", [r.key for r in rows], [r.exchanges for r in rows], width, dpi)


def category_chart(stats: Statistics, *, top: int = 12, width: float = 8.0, dpi: int = 100) -> bytes:
    """Screening findings by category (2章5 and 6-4), the most frequent first."""
    found = stats.categories[:top]
    return _horizontal("検出カテゴリ別の件数", [category_name(c) for c, _ in found], [n for _, n in found], width, dpi)


def card_chart(stats: Statistics) -> bytes:
    """The weekly chart small enough to travel inside a Teams card (cards are limited to about 28 KB).

    Drawn small, then reduced to a 32-colour palette: a few KB instead of tens.
    """
    from PIL import Image  # lazy: see the module docstring

    png = weekly_chart(stats, width=5.0, height=2.6, dpi=80)
    with Image.open(io.BytesIO(png)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").quantize(colors=32).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


CHARTS = {"weekly": weekly_chart, "departments": department_chart, "categories": category_chart}
