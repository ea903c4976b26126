// Every field's id and name: resolving a field the user wrote (kg/resolve.py).
MATCH (f:Field) RETURN f.id AS id, f.name AS name
