// The peer for bench_parse_check: Cedar (wasm build from npm) parses and validates the same
// 10,000 screening conditions against a schema of the same 200 attributes.
//   node cedar_peer.mjs CEDAR_WASM_NODEJS_DIR policies.cedar schema.cedarschema REPEAT
// Prints one line: "cedar <seconds-best> <policies> <errors>".
import { createRequire } from "module";
import { readFileSync } from "fs";

const [dir, policiesFile, schemaFile, repeatArg] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const cedar = require(`${dir}/cedar_wasm.js`);
const policies = readFileSync(policiesFile, "utf8");
const schema = readFileSync(schemaFile, "utf8");
const repeat = Number(repeatArg || 3);

let best = Infinity;
let answer;
for (let i = 0; i < repeat; i++) {
  const t0 = process.hrtime.bigint();
  answer = cedar.validate({ schema, policies: { staticPolicies: policies } });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  best = Math.min(best, s);
}
const errors = answer.type === "success" ? answer.validationErrors.length : answer.errors.length;
if (answer.type !== "success" || errors > 0) {
  console.error(JSON.stringify(answer).slice(0, 2000));
}
const count = (policies.match(/^permit/gm) || []).length;
console.log(`cedar ${best} ${count} ${errors}`);
