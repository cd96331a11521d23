"""Engine differences in one place: what each engine supports, and DuckDB-dialect SQL rewritten on its parse tree."""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from rxatlas.errors import BuildError
from rxatlas.warehouse.engine import Dialect


def _comparator(keys: list[exp.Ordered]) -> exp.Expr:
    """A Spark array_sort comparator over struct fields k0..kn that follows each key's direction and null order."""
    result: exp.Expr = exp.Literal.number(0)
    for i in reversed(range(len(keys))):
        key = keys[i]
        desc = bool(key.args.get("desc"))
        nulls_first = bool(key.args.get("nulls_first"))
        left, right = f"rx_l.k{i}", f"rx_r.k{i}"
        less, more = ("1", "-1") if desc else ("-1", "1")
        result = sqlglot.parse_one(
            f"CASE WHEN {left} IS NULL AND {right} IS NULL THEN __next "
            f"WHEN {left} IS NULL THEN {'-1' if nulls_first else '1'} "
            f"WHEN {right} IS NULL THEN {'1' if nulls_first else '-1'} "
            f"WHEN {left} < {right} THEN {less} WHEN {left} > {right} THEN {more} ELSE __next END",
            read="spark",
        ).transform(lambda n, nxt=result: nxt.copy() if isinstance(n, exp.Column) and n.name == "__next" else n)
    return result


def _sorted_list(value: exp.Expr, keys: list[exp.Ordered], where: str, distinct: bool) -> str:
    """collect_list of value ordered by keys, as Spark SQL: sort structs with a comparator, then keep the values.

    Structs keep NULL values in the list (collect_list drops NULLs), as DuckDB's list does.
    """
    fields = ", ".join(f"{k.this.sql('spark')} AS k{i}" for i, k in enumerate(keys))
    comparator = _comparator(keys).sql("spark")
    collected = f"COLLECT_LIST(STRUCT({fields}, {value.sql('spark')} AS v)){where}"
    if distinct:
        collected = f"ARRAY_DISTINCT({collected})"
    return f"TRANSFORM(ARRAY_SORT({collected}, (rx_l, rx_r) -> {comparator}), rx_s -> rx_s.v)"


def _null_when_empty(listed: str, where: str) -> str:
    """DuckDB's list over no rows is NULL, Spark's an empty array (only a FILTER can leave a group without rows)."""
    return f"IF(COUNT(1){where} = 0, NULL, {listed})" if where else listed


def _ordered_aggregate(node: exp.Expr) -> exp.Expr:
    """Rewrite DuckDB's ordered aggregates (list, any_value) into order-preserving Spark expressions."""
    inner = node.this if isinstance(node, exp.IgnoreNulls | exp.Filter) else node
    if not isinstance(inner, exp.ArrayAgg | exp.AnyValue | exp.GroupConcat) or not isinstance(inner.this, exp.Order):
        return node
    if isinstance(inner, exp.GroupConcat):
        # string_agg(x, sep ORDER BY ...): join the ordered list; NULL when no value, like DuckDB
        value = inner.this.this.expressions[0] if isinstance(inner.this.this, exp.Distinct) else inner.this.this
        listed = _ordered_aggregate(exp.ArrayAgg(this=inner.this.copy())).sql("spark")
        separator = inner.args["separator"].sql("spark")
        return sqlglot.parse_one(
            f"IF(COUNT({value.sql('spark')}) = 0, NULL, ARRAY_JOIN({listed}, {separator}))", read="spark")
    where = f" FILTER ({node.expression.sql('spark')})" if isinstance(node, exp.Filter) else ""
    order: exp.Order = inner.this
    keys = list(order.expressions)
    value = order.this
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        (value,) = value.expressions
        if len(keys) != 1 or keys[0].this != value or not isinstance(inner, exp.ArrayAgg):
            raise BuildError(f"cannot translate {node.sql('duckdb')}: DISTINCT with another order")
    listed = _sorted_list(value, keys, where, distinct)
    if isinstance(inner, exp.ArrayAgg):
        return sqlglot.parse_one(_null_when_empty(listed, where), read="spark")
    return sqlglot.parse_one(f"ELEMENT_AT(FILTER({listed}, rx_v -> rx_v IS NOT NULL), 1)", read="spark")


def _portable_functions(node: exp.Expr) -> exp.Expr:
    """DuckDB functions sqlglot leaves as they are or would change in meaning, as their Spark equivalents."""
    if isinstance(node, exp.ArgMax | exp.ArgMin) and not isinstance(node.parent, exp.Filter):
        # DuckDB's arg_max/arg_min skip rows whose value is NULL; Spark's max_by/min_by would return it
        return exp.Filter(this=node.copy(), expression=exp.Where(this=exp.Not(this=exp.Is(
            this=node.this.copy(), expression=exp.Null()))))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_intersect":
        return exp.ArrayIntersect(expressions=node.expressions)
    if isinstance(node, exp.RegexpReplace):
        modifiers = node.args.get("modifiers")
        pattern = node.expression.name if isinstance(node.expression, exp.Literal) else ""
        if "g" not in (modifiers.name if modifiers else "") and not (pattern.startswith("^") or pattern.endswith("$")):
            raise BuildError(f"cannot translate {node.sql('duckdb')}: Spark replaces every match; anchor the "
                             "pattern or add the 'g' flag")
        replacement = node.args.get("replacement")
        if isinstance(replacement, exp.Literal):
            node.set("replacement", exp.Literal.string(re.sub(r"\\(\d)", r"$\1", replacement.name)))
        node.set("modifiers", None)
    return node


def translate(statement: exp.Expr, dialect: Dialect) -> list[exp.Expr]:
    """Rewrite one parsed DuckDB statement into the statements this dialect runs (possibly none or several)."""
    if dialect.name == "duckdb":
        return [statement]
    if isinstance(statement, exp.Transaction | exp.Commit) and not dialect.transactions:
        return []
    tree = statement.copy()
    if not dialect.ordered_aggregates:
        tree = tree.transform(_ordered_aggregate).transform(_portable_functions)
    if isinstance(tree, exp.Create) and tree.kind == "TABLE":
        return _create_table(tree, dialect)
    return [tree]


def _create_table(tree: exp.Create, dialect: Dialect) -> list[exp.Expr]:
    target = tree.this if isinstance(tree.this, exp.Table) else tree.this.find(exp.Table)
    properties = tree.args.get("properties")
    replace = bool(tree.args.get("replace"))
    statements: list[exp.Expr] = []
    if not dialect.constraints:
        for constraint in list(tree.find_all(exp.ColumnConstraint, exp.PrimaryKey)):
            constraint.pop()
    if replace and not dialect.replace_table:
        reads_itself = any(t.sql() == target.sql() for t in tree.expression.find_all(exp.Table)) \
            if tree.expression is not None else False
        if reads_itself:
            raise BuildError(f"{target.sql()} is replaced by a query that reads it; write to a new table instead")
        statements.append(exp.Drop(tables=[target.copy()], kind="TABLE", exists=True))
        tree.set("replace", False)
    if dialect.table_format:
        props = [p for p in (properties.expressions if properties else [])
                 if dialect.temp_tables or not isinstance(p, exp.TemporaryProperty)]
        props.append(exp.FileFormatProperty(this=exp.Var(this=dialect.table_format.upper())))
        tree.set("properties", exp.Properties(expressions=props))
    statements.append(tree)
    return statements
