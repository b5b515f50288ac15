"""Keep citizens' ID numbers and mobile numbers out of logs and error reports.

Whatever a library or a careless ``logger.info(...)`` puts in a message, the
record is masked when it is made (``install_record_factory``, called from
``PolicingConfig.ready``), so no handler — console, file, mail, or a test's
capture — ever sees the full number. ``MaskPersonalDataFilter`` does the same on
a handler, for configurations that build records elsewhere.
"""

import logging

from django.views.debug import SafeExceptionReporterFilter

# The one masking of free text; other code (history, exports) imports it from here too.
from units.masking import mask_text  # noqa: F401  (re-exported)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite the message (and a traceback's text) only when it holds a number."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed call must not break logging itself
        return record
    masked = mask_text(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = mask_text(text)
    elif record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    return record


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed = False


def install_record_factory() -> None:
    """Mask every log record as it is created, for every logger. Idempotent."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return mask_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True


class MaskingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports show form fields and local variables with numbers masked."""

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleaned = params.copy()
        for key in cleaned:
            cleaned.setlist(key, [mask_text(str(v)) for v in cleaned.getlist(key)])
        return cleaned

    def cleanse_special_types(self, request, value):
        value = super().cleanse_special_types(request, value)
        return mask_text(value) if isinstance(value, str) else value

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, _MaskedRepr(value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class _MaskedRepr:
    """Shows a frame variable as its repr with the numbers masked."""

    def __init__(self, value) -> None:
        try:
            self.text = mask_text(repr(value))
        except Exception:
            self.text = "<unprintable>"

    def __repr__(self) -> str:
        return self.text
