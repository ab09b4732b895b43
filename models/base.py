"""Shared model pieces: the record base with its optimistic-lock version, labels and choice columns."""
from flask_babel import lazy_gettext
from sqlalchemy import CheckConstraint, Enum, Numeric
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from icp.extensions import db

MONEY = Numeric(18, 2)
MULTIPLIER = Numeric(8, 3)


def labelled(text: str, **extra) -> dict:
    """Column `info` carrying its Traditional Chinese label (screens, exports and imports read it)."""
    return {"label": lazy_gettext(text), **extra}


def choice(name: str, values: tuple[str, ...]) -> Enum:
    """A closed vocabulary stored as text with a CHECK constraint, the same on SQLite and PostgreSQL."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def nonneg(*columns: str) -> tuple[CheckConstraint, ...]:
    return tuple(between(c, 0, None) for c in columns)


def between(column: str, low, high, *, low_exclusive: bool = False) -> CheckConstraint:
    """A range CHECK; its `info` lets the form validation (icp.validation) apply the same rule."""
    parts = []
    if low is not None:
        parts.append(f"{column} {'>' if low_exclusive else '>='} {low}")
    if high is not None:
        parts.append(f"{column} <= {high}")
    suffix = "nonneg" if (low == 0 and high is None and not low_exclusive) else "range"
    return CheckConstraint(f"{column} IS NULL OR ({' AND '.join(parts)})", name=f"{column}_{suffix}",
                           info={"rule": "range", "column": column, "low": low, "high": high,
                                 "low_exclusive": low_exclusive})


def not_before(later: str, earlier: str) -> CheckConstraint:
    return CheckConstraint(f"{later} IS NULL OR {earlier} IS NULL OR {later} >= {earlier}",
                           name=f"{later}_not_before_{earlier}",
                           info={"rule": "not_before", "later": later, "earlier": earlier})


class Record(db.Model):
    """Base of every office record: an integer id and a version that refuses stale writes."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    version_id: Mapped[int] = mapped_column(nullable=False, info=labelled("版本"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version_id}
