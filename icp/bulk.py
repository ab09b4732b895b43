"""Set-based writes for large imports: ids taken before an INSERT, and an executemany without per-row overhead.

SQLAlchemy's executemany re-assembles and type-converts every row's parameters through its compiled-statement
machinery; for 150,000 rows that costs more than the database's own work. `rows_insert` does the same
conversion (each column type's own bind processor, for this database) in one pass and hands the rows to the
driver's executemany.
"""
from sqlalchemy import func, insert, select, text


def ids_reserve(connection, table, count: int) -> list[int]:
    """Ids for `count` new rows of `table`, taken before the INSERT so that it needs no RETURNING (one that must
    keep the rows' order runs one row per statement on SQLite). PostgreSQL draws them from the table's
    sequence; SQLite gives a new row max(id) + 1 anyway, and an import holds the database's only write lock
    from its first write (a writer slipping in before that makes the INSERT fail on the key, and the import
    with it: nothing is written twice)."""
    if connection.dialect.name == "postgresql":
        return list(connection.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                            "FROM generate_series(1, :count)"), {"table": table.name, "count": count}))
    first = connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
    return list(range(first, first + count))


def rows_insert(connection, table, rows: list[dict]) -> None:
    """INSERT `rows` (dicts with the same column keys) into `table` with one driver executemany."""
    if not rows:
        return
    dialect = connection.dialect
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order]
    converted = [[(process(row[key]) if process else row[key]) for key, process in zip(order, processors)]
                 for row in rows]
    if compiled.positional:
        connection.exec_driver_sql(compiled.string, [tuple(values) for values in converted])
    else:
        connection.exec_driver_sql(compiled.string, [dict(zip(order, values)) for values in converted])
