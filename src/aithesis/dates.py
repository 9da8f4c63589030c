"""Reading dates that users type (CLI options, API arguments) with clear errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from aithesis.errors import DataError

__all__ = ["parse_date"]


def parse_date(value: Any, field: str = "date") -> date:
    """A calendar date from text (``YYYY-MM-DD``), a ``date``/``datetime`` or a Timestamp.

    Raises:
        DataError: naming ``field`` when the value is not a real date (e.g. 2022-02-30).

    >>> parse_date("2022-11-30")
    datetime.date(2022, 11, 30)
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataError(
            f"'{value}' is not a date ({exc})", field=field, hint="write dates as YYYY-MM-DD"
        ) from None
    if pd.isna(stamp):
        raise DataError(f"'{value}' is not a date", field=field, hint="write dates as YYYY-MM-DD")
    return stamp.date()
