"""CSV cells a spreadsheet will not run: the one writer every CSV export uses (OWASP "CSV injection").

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (``=HYPERLINK(…)``, ``+1+1+cmd|…``, ``-2+3``, ``@SUM(…)``); such a cell is written
with a single quote in front, which spreadsheets show as text and never evaluate. The rule has no exception,
phone numbers included: an E.164 phone is exported as ``'+5511987650000`` — the spreadsheet shows it as text
(all digits and the ``+`` kept, instead of ``5.51E+12``), and the contacts import reads it back (it keeps only
the digits of a phone). See docs/DECISIONS.md.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The text of one cell, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[Any]) -> list[str]:
    return [safe_cell(v) for v in values]


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, file: Any, **fmt: Any) -> None:
        self._writer = csv.writer(file, **fmt)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(values))
