"""ROC (民國) calendar helpers: the office writes dates as 100.03.17 or 100年3月17日."""
from datetime import date

ROC_OFFSET = 1911


def roc_year(gregorian_year: int) -> int:
    return gregorian_year - ROC_OFFSET


def gregorian_year(roc: int) -> int:
    return roc + ROC_OFFSET


def roc_date_table(value: date | None) -> str:
    """100.03.17 — the form used in tables."""
    if value is None:
        return ""
    return f"{roc_year(value.year)}.{value.month:02d}.{value.day:02d}"


def roc_date_text(value: date | None) -> str:
    """100年3月17日 — the form used in prose."""
    if value is None:
        return ""
    return f"{roc_year(value.year)}年{value.month}月{value.day}日"
