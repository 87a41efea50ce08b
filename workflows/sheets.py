"""様式2, 様式3 and 様式4 as Excel sheets laid out like the forms at the end of the guideline.

様式2 and 様式3 are one report a sheet (the 様式 number top left, the date top right, the
addressee ＤＸ推進課長, the 所属/所属長/担当者/連絡先 block on the right, the title, then the
two-column table); 様式4 is a table of up to ten cases a sheet. Every sheet prints on one A4
page width, as the city files them. Text is never written as a formula (a value starting
with ``=`` stays text).

openpyxl is imported by the functions that write a workbook, not with this module: it adds
~18 MB to every bot process, and exports are rare.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Border
    from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "ＭＳ 明朝"  # what the city's forms use; LibreOffice substitutes a CJK serif
ROWS_PER_FORM4 = 10  # the guideline's 様式4 table has ten rows

_POINTS_PER_LINE = 15.0
# Half-width characters of 10.5pt text that fit in one unit of column width (measured on the
# LibreOffice rendering; Excel is close). Underestimating only makes a row a little taller.
_CHARS_PER_WIDTH = 1.15


@dataclass(frozen=True)
class _Styles:
    box: Border
    underline: Border
    wrap_top: Alignment
    center: Alignment


@cache
def _styles() -> _Styles:
    from openpyxl.styles import Alignment, Border, Side  # lazy: see the module docstring

    thin = Side(style="thin")
    return _Styles(
        box=Border(left=thin, right=thin, top=thin, bottom=thin),
        underline=Border(bottom=thin),
        wrap_top=Alignment(wrap_text=True, vertical="top"),
        center=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )


@dataclass(frozen=True)
class LetterForm:
    """One 様式2 or 様式3: header block, title and the label/value table."""

    mark: str  # 【様式3】
    sheet: str  # sheet name: the receipt number
    dated: date  # the 令和 date top right (submission day, JST)
    header: Sequence[tuple[str, str]]  # 所属, 所属長, 担当者, 連絡先
    title: str
    rows: Sequence[tuple[str, str, float]]  # table: label, value, least height (points) as printed
    footer: str = ""  # receipt number, status: outside the printed form's table


def wareki(day: date) -> str:
    """令和 date as the forms print it (令和元年 for 2019)."""
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


def _width(text: str) -> int:
    """Display width in half-width units (a kanji counts two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _lines(text: str, columns: float) -> int:
    per_line = max(int(columns), 1)
    return sum(max(1, math.ceil(_width(part) / per_line)) for part in (text or "").split("\n"))


def _put(ws: Worksheet, ref: str, value: object, *, size: float = 10.5, bold: bool = False,
         align: Alignment | None = None, border: Border | None = None) -> Cell:
    from openpyxl.styles import Font  # lazy: see the module docstring

    cell = ws[ref]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    return cell


def _box(ws: Worksheet, cells: str) -> None:
    for row in ws[cells]:
        for cell in row:
            cell.border = _styles().box


def _print_setup(
    ws: Worksheet, last_column: str, last_row: int, *, landscape: bool = False, one_page: bool = False
) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_area = f"A1:{last_column}{last_row}"
    ws.sheet_view.showGridLines = False


# Columns of 様式2/3: A margin, B labels, C-F the value (C..F merged), header block in D-F.
_LETTER_WIDTHS = {"A": 2, "B": 20, "C": 20, "D": 12, "E": 20, "F": 24}
_VALUE_COLUMNS = sum(_LETTER_WIDTHS[c] for c in "CDEF") - 2


def _letter_sheet(ws: Worksheet, form: LetterForm) -> None:
    from openpyxl.styles import Alignment  # lazy: see the module docstring

    style = _styles()
    for column, width in _LETTER_WIDTHS.items():
        ws.column_dimensions[column].width = width
    _put(ws, "B1", form.mark)
    ws.merge_cells("E2:F2")
    _put(ws, "E2", wareki(form.dated), align=Alignment(horizontal="right"))
    _put(ws, "B4", "ＤＸ推進課長", size=12)
    row = 6
    for label, value in form.header:
        _put(ws, f"D{row}", label, align=Alignment(horizontal="distributed", vertical="center"))
        ws.merge_cells(f"E{row}:F{row}")
        _put(ws, f"E{row}", value, align=Alignment(vertical="center", shrink_to_fit=True, indent=1))
        for column in "EF":
            ws[f"{column}{row}"].border = style.underline
        ws.row_dimensions[row].height = 20
        row += 1
    row += 1
    ws.merge_cells(f"B{row}:F{row}")
    _put(ws, f"B{row}", form.title, size=16, bold=True, align=style.center)
    ws.row_dimensions[row].height = 30
    row += 2
    for label, value, least in form.rows:
        ws.merge_cells(f"C{row}:F{row}")
        _put(ws, f"B{row}", label, align=style.center)
        _put(ws, f"C{row}", value, align=style.wrap_top)
        _box(ws, f"B{row}:F{row}")
        lines = max(_lines(value, _VALUE_COLUMNS * _CHARS_PER_WIDTH), _lines(label, _LETTER_WIDTHS["B"]))
        ws.row_dimensions[row].height = max(least, lines * _POINTS_PER_LINE + 8)
        row += 1
    last = row - 1
    if form.footer:
        row += 1
        ws.merge_cells(f"B{row}:F{row}")
        _put(ws, f"B{row}", form.footer, size=9, align=style.wrap_top)
        ws.row_dimensions[row].height = max(15.0, _lines(form.footer, 90) * 13.0)
        last = row
    _print_setup(ws, "F", last)


FORM4_TITLE = "松戸市生成AI総合案内チャットボット活用事例報告書"
FORM4_HEADINGS = (
    "No.", "所属名", "班、係名", "関連事業・業務名", "活用方法(どのような場面で、誰が、どのように)",
    "想定活用頻度", "担当者\n氏名", "外線・内線",
)
_FORM4_WIDTHS = (5, 16, 14, 22, 48, 12, 12, 14)


def _form4_sheet(ws: Worksheet, rows: Sequence[Sequence[str]], first_no: int) -> None:
    from openpyxl.utils import get_column_letter  # lazy: see the module docstring

    style = _styles()
    last_column = get_column_letter(len(_FORM4_WIDTHS))
    for index, width in enumerate(_FORM4_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.merge_cells(f"A1:{last_column}1")
    _put(ws, "A1", FORM4_TITLE, size=16, bold=True, align=style.center)
    ws.row_dimensions[1].height = 32
    for index, heading in enumerate(FORM4_HEADINGS, start=1):
        _put(ws, f"{get_column_letter(index)}3", heading, size=10, align=style.center, border=style.box)
    ws.row_dimensions[3].height = 34
    for offset in range(ROWS_PER_FORM4):
        row = 4 + offset
        values = [str(first_no + offset), *(rows[offset] if offset < len(rows) else [""] * 7)]
        lines = 1
        for index, value in enumerate(values, start=1):
            align = style.center if index in (1, 6) else style.wrap_top
            _put(ws, f"{get_column_letter(index)}{row}", value, size=10, align=align, border=style.box)
            lines = max(lines, _lines(value, _FORM4_WIDTHS[index - 1] * _CHARS_PER_WIDTH))
        ws.row_dimensions[row].height = max(34.0, lines * 13.0 + 6)
    # Ten cases a page, as the guideline's table: the sheet is fitted to one page.
    _print_setup(ws, last_column, 3 + ROWS_PER_FORM4, landscape=True, one_page=True)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _empty_workbook() -> Workbook:
    from openpyxl import Workbook  # lazy: see the module docstring

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def letter_workbook(forms: Iterable[LetterForm]) -> bytes:
    """One sheet per 様式2/様式3, in the order given."""
    workbook = _empty_workbook()
    for form in forms:
        _letter_sheet(workbook.create_sheet(form.sheet[:31]), form)
    if not workbook.sheetnames:
        raise ValueError("no forms to write")
    return _save(workbook)


def form4_workbook(rows: Sequence[Sequence[str]]) -> bytes:
    """様式4 tables, ten cases a sheet, numbered on from sheet to sheet."""
    if not rows:
        raise ValueError("no cases to write")
    workbook = _empty_workbook()
    for start in range(0, len(rows), ROWS_PER_FORM4):
        sheet = workbook.create_sheet(f"様式4 ({start // ROWS_PER_FORM4 + 1})")
        _form4_sheet(sheet, rows[start:start + ROWS_PER_FORM4], start + 1)
    return _save(workbook)
