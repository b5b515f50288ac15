"""The error every app raises for a change the record's state does not allow."""

class TransitionError(Exception):
    """A change the record's state does not allow (a dispute's transition, an
    answered enterprise request, a tip already converted…). Pages show it as a
    form error, the API answers 409 with ``code``
    (``units.api_support.exception_handler``)."""

    def __init__(self, message, code: str = "transition_not_allowed"):
        super().__init__(message)
        self.message = message
        self.code = code
