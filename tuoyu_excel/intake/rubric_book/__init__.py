"""Reading a rubric workbook (规则.xlsx) cell by cell into the dict the spec loader takes."""
