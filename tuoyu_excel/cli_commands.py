"""The list of command families registered on the `tuoyu` parser (one line each)."""

REGISTRARS: list = []
