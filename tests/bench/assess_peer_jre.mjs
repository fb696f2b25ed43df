// The json-rules-engine peer for bench_assess: the early-warning rules alone, as json-rules-engine
// rules, evaluated record by record (its way) on the first N records of the cohort.
//   node assess_peer_jre.mjs NODE_MODULES_DIR COHORT.csv N
import { createRequire } from "module";
import { readFileSync } from "fs";

const [dir, csv, n] = process.argv.slice(2);
const require = createRequire(`${dir}/`);
const { Engine } = require("json-rules-engine");

const lines = readFileSync(csv, "utf8").split("\n");
const header = lines[0].split(",");
const text = new Set(["id", "municipality", "sex", "programme"]);
const records = [];
for (let i = 1; i <= Number(n) && i < lines.length; i++) {
  if (!lines[i]) continue;
  const cells = lines[i].split(",");
  const r = {};
  header.forEach((h, k) => {
    if (cells[k] === "") return;  // missing: the fact is undefined, so no condition on it holds
    r[h] = text.has(h) ? cells[k] : Number(cells[k]);
  });
  records.push(r);
}

// rules/early_warning.skon's conditions and review triggers as json-rules-engine rules (the
// rules that read the running state — points, flag count, level — have no equivalent there).
const engine = new Engine([], { allowUndefinedFacts: true });
const rule = (name, conditions) => engine.addRule({ name, conditions, event: { type: name } });
const fact = (f, operator, value) => ({ fact: f, operator, value });
const all = (...c) => ({ all: c });
const any = (...c) => ({ any: c });
rule("high_absence", all(fact("absence_pct", "greaterThan", 10)));
rule("very_high_absence", all(fact("absence_pct", "greaterThanInclusive", 20)));
rule("below_02_danish_or_math", any(fact("danish_grade", "lessThan", 2), fact("math_grade", "lessThan", 2)));
rule("below_upv_eud", all(fact("grade_avg_8th", "lessThan", 4)));
rule("below_upv_gymnasium", all(fact("grade_avg_8th", "greaterThanInclusive", 4), fact("grade_avg_8th", "lessThan", 5)));
rule("low_wellbeing", all(fact("wellbeing_index", "lessThan", 3)));
rule("weak_test_results", all(fact("reading_score", "lessThanInclusive", 15), fact("math_score", "lessThanInclusive", 15)));
rule("absence_missing", all(fact("absence_pct", "equal", undefined)));
rule("grades_missing", any(fact("grade_avg_8th", "equal", undefined), fact("danish_grade", "equal", undefined),
                           fact("math_grade", "equal", undefined)));
rule("tests_missing", any(fact("reading_score", "equal", undefined), fact("math_score", "equal", undefined)));
rule("wellbeing_missing", all(fact("wellbeing_index", "equal", undefined)));

const t0 = process.hrtime.bigint();
let events = 0;
for (const r of records) {
  const { events: fired } = await engine.run(r);
  events += fired.length;
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ records: records.length, seconds: s, records_per_s: records.length / s, events }));
