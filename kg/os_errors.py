"""The one mapping from an operating-system (or SQLite) error to what the user can do."""

_FULL, _READ_ONLY, _WRONG_KIND = 28, (13, 30), (17, 20, 21)  # ENOSPC; EACCES, EROFS; ...


def os_error_hint(
    error: BaseException, place: str = "the path", elsewhere: str = "choose another path"
) -> str | None:
    """What to do about `error` at `place`, or None when it is none of the known kinds.
    `elsewhere` is how to go somewhere else instead (e.g. "set KG_WORKSPACE elsewhere")."""
    text = str(error)
    errno = getattr(error, "errno", None)
    if errno == _FULL or "disk is full" in text or "disk full" in text:
        return f"free some disk space (or {elsewhere}) and run the command again"
    if errno in _READ_ONLY or "readonly" in text or "read-only" in text:
        return f"{place} is not writable: fix its permissions or {elsewhere}"
    if errno in _WRONG_KIND:
        return f"a file stands where a directory is needed (or the reverse): {elsewhere}"
    return None
