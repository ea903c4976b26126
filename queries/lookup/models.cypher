// Every model's name, family and the names it answers to: resolving a model or family the
// user wrote (kg/questions/resolve.py).
MATCH (m:Model) RETURN m.name AS name, m.family AS family, m.aliases AS aliases
