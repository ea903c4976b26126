// A Pattern alone in the graph view: double-click it to draw every reuse of that pattern.
MATCH (pattern:Pattern {name: 'adaptation'}) RETURN pattern
