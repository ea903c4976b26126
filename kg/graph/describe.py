"""The graph schema in words: the tables `kg schema` prints and the README's schema section
holds (tests/test_schema.py keeps the two equal), read from kg/graph/schema.py alone."""

from kg.graph.schema import SCHEMA, NodeType, PropertyType, RelType, Schema

_TYPE_NAMES = {str: "string", int: "integer", float: "float", bool: "boolean",
               list: "list of strings"}  # fmt: skip


def type_name(kind: PropertyType) -> str:
    """A property type in words: string, integer, float, boolean, list of strings."""
    return _TYPE_NAMES[kind]


def _properties(properties: dict[str, PropertyType], key: str | None = None) -> str:
    named = [f"`{name}` {type_name(kind)}" + (" (key)" if name == key else "")
             for name, kind in properties.items()]  # fmt: skip
    return ", ".join(named) or "—"


def _node_row(node: NodeType) -> str:
    notes = []
    if node.seeds:
        notes.append(f"fixed: {', '.join(str(s[node.key]) for s in node.seeds())}")
    if node.owned:
        notes.append("one per paper and model, rewritten with its paper")
    indexes = ", ".join(f"`{p}`" for p in (node.key, *node.indexes))
    return (f"| `{node.label}` | {_properties(dict(node.properties), node.key)} | {indexes} "
            f"| {'; '.join(notes) or '—'} |")  # fmt: skip


def _rel_row(rel: RelType) -> str:
    ends = f"`(:{rel.start})-[:{rel.type}]->(:{rel.end})`"
    return f"| {ends} | {_properties(dict(rel.properties))} |"


def schema_markdown(schema: Schema = SCHEMA) -> str:
    """Labels with keys, typed properties and indexes; relationships with their ends and
    properties; as two Markdown tables."""
    lines = ["| label | properties | indexed | nodes |", "|---|---|---|---|"]
    lines += [_node_row(node) for node in schema.nodes]
    lines += ["", "| relationship | properties |", "|---|---|"]
    lines += [_rel_row(rel) for rel in schema.relationships]
    return "\n".join(lines) + "\n"
