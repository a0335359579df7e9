// Lint Cypher statements with Neo4j's own linter.
// stdin: JSON [{"name": "...", "text": "..."}]; stdout: JSON [{"name", "diagnostics": [...]}]
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = statements.map(({ name, text }) => {
  const diagnostics = lintCypherQuery(text, {}).diagnostics.map((d) => ({
    severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
    message: d.message,
    offsets: d.offsets,
  }));
  return { name, diagnostics };
});
process.stdout.write(JSON.stringify(out));
