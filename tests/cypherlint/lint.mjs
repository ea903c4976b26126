// Lints Cypher files with Neo4j's own linter (@neo4j-cypher/language-support).
// Input on stdin: {"schema": {...DbSchema without parameters}, "files": [{"path", "text", "parameters"}]}
// Output on stdout: [{"path", "diagnostics": [{"severity", "message", "line"}]}]
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { schema, files } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const report = files.map(({ path, text, parameters }) => {
  const { diagnostics } = lintCypherQuery(text, { ...schema, parameters });
  return {
    path,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range?.start?.line,
    })),
  };
});
process.stdout.write(JSON.stringify(report));
