"""Importing rows from the spreadsheets people keep today (CSV or XLSX).

``RowImporter`` is generic: ``parse(file)`` reads the sheet and checks every
row without writing anything, returning rows with their errors; ``commit(rows)``
writes all rows in one transaction, or none. A subclass names its columns
(with the header aliases it accepts), checks one row in ``clean_row`` and
writes them in ``write``. Parsed rows are plain JSON-safe dicts so a page can
keep them in the session between the preview and the confirmation.
"""

import abc
import csv
import datetime
import io
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class ImportRow:
    number: int  # the row's line in the sheet (the header is line 1)
    raw: dict[str, str]
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # A row that is fine but will not be written (e.g. already registered).
    skip_reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def will_write(self) -> bool:
        return self.ok and not self.skip_reason


class RowImporter(abc.ABC):
    # column name → header spellings accepted (compared case-insensitively).
    columns: dict[str, tuple[str, ...]] = {}
    required: tuple[str, ...] = ()

    def parse(self, upload) -> list[ImportRow]:
        """Read and check every row; nothing is written.

        Raises ValidationError for a file that cannot be read at all (wrong
        type, too large, missing columns); row problems go on the rows.
        """
        table = self._read(upload)
        if not table:
            raise ValidationError(_("The file has no rows."))
        header = [self._column_of(cell) for cell in table[0]]
        missing = [name for name in self.required if name not in header]
        if missing:
            raise ValidationError(
                _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        body = [r for r in table[1:] if any(str(c).strip() for c in r)]
        if len(body) > MAX_ROWS:
            raise ValidationError(_("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS})
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            if not any(str(c).strip() for c in cells):
                continue
            raw = {
                name: _text(cells[i]) if i < len(cells) else ""
                for i, name in enumerate(header)
                if name
            }
            row = ImportRow(number=number, raw=raw)
            self.clean_row(row)
            rows.append(row)
        self.check_rows(rows)
        return rows

    def commit(self, rows: list[ImportRow]) -> int:
        """Write every row that will be written, in one transaction; any row
        with an error, or a failure while writing, writes nothing."""
        bad = [row for row in rows if not row.ok]
        if bad:
            raise ValidationError(
                _("Row %(row)s has errors; nothing was imported.") % {"row": bad[0].number}
            )
        with transaction.atomic():
            return self.write([row for row in rows if row.will_write])

    # Subclasses fill in these.

    @abc.abstractmethod
    def clean_row(self, row: ImportRow) -> None:
        """Turn one parsed row into values, adding its errors to the row."""

    def check_rows(self, rows: list[ImportRow]) -> None:
        """Checks across rows (e.g. duplicates within the file)."""

    @abc.abstractmethod
    def write(self, rows: list[ImportRow]) -> int:
        """Write the rows (inside the import's transaction); return how many."""

    # Keeping rows between preview and confirmation.

    @staticmethod
    def dump(rows: list[ImportRow]) -> list[dict]:
        return [_json_safe(asdict(row)) for row in rows]

    def load(self, dumped: list[dict]) -> list[ImportRow]:
        rows = [ImportRow(**item) for item in dumped]
        for row in rows:
            self.revive(row)
        return rows

    def revive(self, row: ImportRow) -> None:
        """Turn a dumped row's data back into Python values (dates …)."""

    # Reading.

    def _column_of(self, heading) -> str:
        text = _text(heading).lower().replace(" ", "").replace("_", "")
        for name, aliases in self.columns.items():
            spellings = {name.replace("_", ""), *(a.lower() for a in aliases)}
            if text in spellings:
                return name
        return ""

    def _read(self, upload) -> list[list]:
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is too large: at most 2 MB."))
        suffix = PurePath(upload.name or "").suffix.lower()
        content = upload.read()
        if suffix == ".csv":
            return _read_csv(content)
        if suffix == ".xlsx":
            return _read_xlsx(content)
        raise ValidationError(_("Upload a CSV or an XLSX (Excel) file."))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores phone numbers typed as numbers as floats.
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _read_csv(content: bytes) -> list[list]:
    # Excel on Chinese Windows saves CSV in GB18030; others in UTF-8 (with BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file's text encoding could not be read."))
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        book.close()


def parse_date(text: str) -> datetime.date:
    """A date as 2024-03-01, 2024/3/1 or 2024.3.1."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(part) for part in cleaned.split("-"))
        return datetime.date(year, month, day)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("“%(value)s” is not a date; write it as 2024-03-01.") % {"value": text}
        ) from error
