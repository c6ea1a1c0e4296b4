"""tuoyu_excel: childcare (托育) evaluation workbooks for health-commission officials."""

__version__ = "0.1.0"
