"""The output contract as Parquet: one dataset per kind of row, the columns of each type's `to_row()`.

Actors (source, target, speaker) and an event's location are structs, spans `array<int>` ([start, end]), lists
arrays. Structs keep the rows queryable in Spark SQL, DuckDB or pandas without parsing JSON.
"""
from __future__ import annotations

from typing import Any

from pyspark.sql.types import (ArrayType, BooleanType, DataType, DoubleType, IntegerType, StringType, StructField,
                               StructType)

_S, _I, _F, _B = StringType(), IntegerType(), DoubleType(), BooleanType()


def _struct(*fields: tuple[str, DataType]) -> StructType:
    return StructType([StructField(name, kind, True) for name, kind in fields])


ACTOR_FIELDS = (("actor_id", _S), ("name", _S), ("kind", _S), ("country", _S), ("org", _S), ("sector", _S),
                ("role", _S))
ACTOR = _struct(*ACTOR_FIELDS)
SPAN = ArrayType(_I)

SCHEMAS: dict[str, StructType] = {
    "documents": _struct(("doc_id", _S), ("source", _S), ("url", _S), ("status", _S), ("duplicate_of", _S),
                         ("title", _S), ("outlet", _S), ("author", _S), ("published", _S), ("published_basis", _S),
                         ("language", _S), ("encoding", _S), ("text", _S),
                         ("removed", ArrayType(_struct(("text", _S), ("reason", _S)))), ("error", _S)),
    "entities": _struct(("doc_id", _S), ("text", _S), ("span", SPAN), *ACTOR_FIELDS, ("basis", _S)),
    "events": _struct(("event_id", _S), ("doc_id", _S), ("sentence", _S), ("span", SPAN), ("source", ACTOR),
                      ("target", ACTOR), ("cameo", _S), ("plover", _S), ("mode", _S), ("quad_class", _I),
                      ("goldstein", _F), ("date", _S), ("date_text", _S), ("date_basis", _S),
                      ("location", _struct(("name", _S), ("country", _S))), ("aux_mode", _S), ("confidence", _F),
                      ("incident_id", _S), ("trigger", _S), ("symmetric", _B), ("context", ArrayType(_S))),
    "quotes": _struct(("quote_id", _S), ("doc_id", _S), ("text", _S), ("span", SPAN), ("speaker", ACTOR),
                      ("cue", _S)),
    "incidents": _struct(("incident_id", _S), ("date", _S), ("source", ACTOR), ("target", ACTOR), ("cameo", _S),
                         ("plover", _S), ("num_mentions", _I), ("num_sources", _I), ("num_articles", _I),
                         ("event_ids", ArrayType(_S))),
}


def fit(value: Any, kind: DataType) -> Any:
    """A value of a `to_row()` dict in the shape Spark wants for `kind` (a struct as a tuple in field order, numbers
    of the declared type). A key a row has and the schema lacks raises, so that a field added to a type is not lost
    without notice."""
    if value is None:
        return None
    if isinstance(kind, StructType):
        names = kind.fieldNames()
        extra = set(value) - set(names)
        if extra:
            raise ValueError(f"no Parquet column for {', '.join(sorted(extra))}: add it to detente.spark.parquet")
        return tuple(fit(value.get(f.name), f.dataType) for f in kind.fields)
    if isinstance(kind, ArrayType):
        return [fit(v, kind.elementType) for v in value]
    if isinstance(kind, DoubleType):
        return float(value)
    if isinstance(kind, IntegerType):
        return int(value)
    if isinstance(kind, BooleanType):
        return bool(value)
    return str(value)


def write(spark, rows, name: str, path: str) -> None:
    """Write an RDD of `to_row()` dicts as the dataset `name` at `path` (replacing it)."""
    schema = SCHEMAS[name]
    frame = spark.createDataFrame(rows.map(lambda row: fit(row, schema)), schema, verifySchema=False)
    frame.write.mode("overwrite").parquet(path)
