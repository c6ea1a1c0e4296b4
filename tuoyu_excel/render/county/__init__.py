"""The county 初评报告 workbook."""
