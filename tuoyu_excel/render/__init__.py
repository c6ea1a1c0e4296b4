"""Every workbook the tool writes, through one XlsxWriter toolkit."""
