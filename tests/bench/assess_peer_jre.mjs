// The json-rules-engine peer for bench_assess: the stand-in rules alone, as json-rules-engine
// rules, evaluated record by record (its way) on the first N records of the cohort.
//   node assess_peer_jre.mjs NODE_MODULES_DIR COHORT.csv N
import { createRequire } from "module";
import { readFileSync } from "fs";

const [dir, csv, n] = process.argv.slice(2);
const require = createRequire(`${dir}/`);
const { Engine } = require("json-rules-engine");

const lines = readFileSync(csv, "utf8").split("\n");
const header = lines[0].split(",");
const records = [];
for (let i = 1; i <= Number(n) && i < lines.length; i++) {
  const cells = lines[i].split(",");
  const r = {};
  header.forEach((h, k) => { r[h] = h === "track" || h === "region" ? cells[k] : Number(cells[k]); });
  records.push(r);
}

const engine = new Engine([], { allowUndefinedFacts: true });
const rule = (name, all) => engine.addRule({ name, conditions: { all }, event: { type: name } });
const fact = (f, operator, value) => ({ fact: f, operator, value });
rule("high_absence", [fact("x0", "greaterThan", 14)]);
rule("very_high_absence", [fact("x0", "greaterThan", 16)]);
rule("grades", [fact("x1", "lessThan", 7), fact("x2", "lessThan", 7)]);
rule("no_exams", [fact("b0", "equal", 0)]);
rule("wellbeing", [fact("x3", "lessThan", 6)]);
rule("reading", [fact("x4", "greaterThanInclusive", 0), fact("x4", "lessThanInclusive", 5)]);
rule("late", [fact("x6", "greaterThan", 15), fact("x0", "greaterThan", 10)]);
rule("special", [fact("b1", "notEqual", 0), fact("x5", "lessThan", 8)]);
rule("vocational", [fact("track", "equal", "eux"), fact("x1", "lessThan", 7), fact("x2", "lessThan", 7)]);
rule("switched", [fact("b2", "notEqual", 0), fact("x7", "greaterThan", 12)]);

const t0 = process.hrtime.bigint();
let events = 0;
for (const r of records) {
  const { events: fired } = await engine.run(r);
  events += fired.length;
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ records: records.length, seconds: s, records_per_s: records.length / s, events }));
