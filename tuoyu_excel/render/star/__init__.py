"""The star-rating results workbook."""
