"""Reading untrusted input: preflight, the zip package, the workbook reader, normalisation, validation, side tables."""
