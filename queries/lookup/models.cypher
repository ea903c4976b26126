// Every model's name and family: resolving a model or family the user wrote (kg/resolve.py).
MATCH (m:Model) RETURN m.name AS name, m.family AS family
