"""A finished run folder as pandas DataFrames: ``load_run(path)``.

For analysts who take a site audit further in a notebook: the four CSV files of a run
(``pages.csv``, ``findings.csv``, ``teasers.csv``, ``inventory.csv``; columns in
``report/csv.py``) read back with the types they were written from, so nobody re-types
them by hand:

- counts and scores are ``int64`` (``Int64``, nullable, where the CSV may leave the cell
  empty: an inventory row's ``status``, ``redirect_hops`` and ``bytes`` when nothing was
  fetched); reading figures and ``elapsed_s`` are ``float64``;
- ``true``/``false`` columns (the four elements, ``truncated``, ``audited``) are ``bool``
  (kept as text should a later version write other values there);
- text is pandas' ``string`` dtype, with the spreadsheet formula guard taken off (a title
  written as ``'=HYPERLINK(...)`` reads back as ``=HYPERLINK(...)``); an empty cell is ``""``.

A column this version does not know (a later version added it) is kept as text.  pandas is
imported by ``load_run`` only: ``import content_audit`` stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

_BOOL = "bool"
_INT = "int64"
_NULLABLE_INT = "Int64"
_FLOAT = "float64"

DTYPES: dict[str, dict[str, str]] = {
    "pages.csv": {
        "score": _INT,
        "definition": _BOOL,
        "uses": _BOOL,
        "mechanism": _BOOL,
        "consult": _BOOL,
        "flesch_kincaid_grade": _FLOAT,
        "flesch_reading_ease": _FLOAT,
        "words": _INT,
        "errors": _INT,
        "warnings": _INT,
    },
    "findings.csv": {},
    "teasers.csv": {"position": _INT, "truncated": _BOOL},
    "inventory.csv": {
        "depth": _INT,
        "status": _NULLABLE_INT,
        "redirect_hops": _NULLABLE_INT,
        "bytes": _NULLABLE_INT,
        "elapsed_s": _FLOAT,
        "audited": _BOOL,
        "rendered": _BOOL,
    },
}
"""File -> the columns that are not text, and their dtype; every other column is text."""


@dataclass(frozen=True, slots=True)
class RunFrames:
    """The four tables of one run folder (see ``load_run``)."""

    path: Path
    pages: pd.DataFrame
    findings: pd.DataFrame
    teasers: pd.DataFrame
    inventory: pd.DataFrame


def load_run(path: str | Path) -> RunFrames:
    """Read a run folder (``reports/<host>/<timestamp>/``, or its ``latest`` link) into
    DataFrames with their dtypes and the CSV formula guard removed.

    Raises ``InputError`` when the folder lacks one of the four CSV files (a run that has
    not finished writes none of them).
    """
    from .errors import InputError

    folder = Path(path)
    missing = [name for name in DTYPES if not (folder / name).is_file()]
    if missing:
        raise InputError(f"{folder}: not a finished run folder (no {', '.join(missing)})")
    return RunFrames(
        path=folder,
        pages=_read(folder / "pages.csv"),
        findings=_read(folder / "findings.csv"),
        teasers=_read(folder / "teasers.csv"),
        inventory=_read(folder / "inventory.csv"),
    )


def _read(file: Path) -> pd.DataFrame:
    import pandas as pd

    from .report.csv import unguard_cell

    frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    types = DTYPES[file.name]
    for column in frame.columns:
        kind = types.get(column)
        values = frame[column]
        if kind == _BOOL and set(values) <= {"true", "false"}:
            frame[column] = values == "true"
        elif kind == _INT:
            frame[column] = pd.to_numeric(values).astype("int64")
        elif kind == _NULLABLE_INT:
            frame[column] = pd.to_numeric(values.replace("", None)).astype("Int64")
        elif kind == _FLOAT:
            frame[column] = pd.to_numeric(values.replace("", None)).astype("float64")
        else:
            frame[column] = values.map(unguard_cell).astype("string")
    return frame
