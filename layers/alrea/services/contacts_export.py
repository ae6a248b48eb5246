"""Export the contacts of the current filter as CSV, streamed row by row (never built whole in memory)."""
from __future__ import annotations

import io
from collections.abc import Iterator

from alrea.domain.csv_cells import SafeWriter
from alrea.domain.roles import Principal
from alrea.services.contacts import Filter, export_rows

ROWS_PER_CHUNK = 200


def csv_chunks(caller: Principal, f: Filter) -> Iterator[str]:
    """UTF-8 CSV (BOM first, so spreadsheets read accents right), ``,``-separated, in chunks of rows; no cell
    is a live formula (alrea.domain.csv_cells)."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    buffer.write("\ufeff")
    for n, row in enumerate(export_rows(caller, f), start=1):
        writer.writerow(row)
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
