"""Writing bulk rows for the volume seeds (seeds.volume, seeds.volume_extra):
COPY on PostgreSQL with the indexes dropped and rebuilt, plain INSERTs
elsewhere. Bulk rows bypass the services on purpose (see seeds.volume).
"""

import abc
import datetime

from django.db import connection, models


class Table:
    """The columns written for one model; columns not given take their
    Django default (or NULL), so a field added later does not break the load."""

    def __init__(self, model: type[models.Model], columns: list[str], now: datetime.datetime):
        self.model = model
        self.name = model._meta.db_table
        # An auto primary key left out is filled by the database, and a
        # generated column computed by it (it refuses a value for one).
        tail_fields = [
            f for f in model._meta.concrete_fields
            if f.column not in columns and not f.generated
            and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.tail = tuple(_default(f, now) for f in tail_fields)
        self.columns = list(columns) + [f.column for f in tail_fields]


def _default(f: models.Field, now: datetime.datetime):
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, (models.CharField, models.TextField)):
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value in seeds.volume")


class Sink(abc.ABC):
    """Buffers rows per table and writes them in batches."""

    batch = 20_000

    def __init__(self):
        self.buffers: dict[Table, list[tuple]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Table, row: tuple) -> None:
        buffer = self.buffers.setdefault(table, [])
        buffer.append(row + table.tail)
        if len(buffer) >= self.batch:
            self._flush(table)

    def flush(self) -> None:
        for table in list(self.buffers):
            self._flush(table)

    def _flush(self, table: Table) -> None:
        rows = self.buffers.get(table)
        if rows:
            self._write(table, rows)
            self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
            self.buffers[table] = []

    @abc.abstractmethod
    def _write(self, table: Table, rows: list[tuple]) -> None:
        """Write a batch of rows of one table."""

    # Hooks around the whole load.
    def begin(self, tables: list[str]) -> None:
        pass

    def end(self, tables: list[str]) -> None:
        pass


class CopySink(Sink):
    """PostgreSQL: ``COPY … FROM STDIN`` with psycopg 3 (see the module docstring)."""

    def __init__(self):
        super().__init__()
        self.dropped: list[str] = []

    def _write(self, table: Table, rows: list[tuple]) -> None:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)

    def begin(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Secondary indexes only: those behind a primary key or a unique
            # constraint stay (they are the rules the load must obey).
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                JOIN pg_class c ON c.relname = i.indexname
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
                """,
                [tables],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(definition)

    def end(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            for definition in self.dropped:
                cursor.execute(definition)
            for name in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{name}"), 1))'
                )
            cursor.execute("SET LOCAL session_replication_role = origin")
        self.dropped = []


class InsertSink(Sink):
    """Any other database (SQLite in the tests): plain INSERTs."""

    batch = 2_000

    def _write(self, table: Table, rows: list[tuple]) -> None:
        ops = connection.ops
        adapt = []
        for column in table.columns:
            f = next(f for f in table.model._meta.concrete_fields if f.column == column)
            if isinstance(f, models.DateTimeField):
                adapt.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                adapt.append(ops.adapt_datefield_value)
            else:
                adapt.append(None)
        converted = [
            tuple(a(v) if a and v is not None else v for a, v in zip(adapt, row)) for row in rows
        ]
        columns = ", ".join(f'"{c}"' for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', converted)
