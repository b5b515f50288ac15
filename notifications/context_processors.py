from notifications.selectors import unread_count as count_unread


def unread_count(request):
    """The bell's number: one COUNT on the partial index of unread rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: count_unread(user=user)}
