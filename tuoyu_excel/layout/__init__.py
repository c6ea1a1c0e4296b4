"""Where things sit in our workbooks: sheet names, headers, columns, labels (submission, history, averages, rubric book)."""
