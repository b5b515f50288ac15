"""Spreadsheet cells that cannot run: text a user typed (a unit's name, a
title) never becomes a live formula in an export.

- CSV: a text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading apostrophe (the OWASP advice), so Excel and WPS show
  it as text.
- XLSX: text is written as a text cell, whatever it begins with.
Numbers are left alone (a negative change stays a number).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]


def xlsx_text_as_text(row_cells) -> None:
    """After ``sheet.append(row)``: openpyxl made a formula of every string
    beginning with "="; make each such cell a text cell again."""
    for cell in row_cells:
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"


def sheet_title(title: str) -> str:
    """A worksheet's name as Excel accepts it: none of []:*?/\\, at most 31
    characters."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]
