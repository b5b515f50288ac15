from units.selectors import user_officer


def officer(request):
    """The signed-in user's Officer record (or None), for the page header."""
    return {"current_officer": user_officer(getattr(request, "user", None)) if hasattr(request, "user") else None}
