#!/usr/bin/python3
"""The peer for bench_assess: the `skon assess` pipeline in pandas + numpy (scikit-learn's
predict_proba is a logistic of X @ coef + intercept; the coefficients are the Skøn model's, so
both sides compute the same numbers): read the CSV, preprocess, probability, contributions, the
early-warning rules of rules/ vectorized, pseudonymous ids, write JSON Lines.

    /usr/bin/python3 assess_peer.py COHORT.csv MODEL.json OUT.jsonl
Prints one JSON object with the timings.
"""
import hashlib
import hmac
import json
import sys
import time

import numpy as np
import pandas as pd


def main():
    csv, model_path, out_path = sys.argv[1:4]
    model = json.load(open(model_path))
    timings = {}
    t_all = t = time.perf_counter()
    df = pd.read_csv(csv)
    timings["read_s"] = time.perf_counter() - t

    t = time.perf_counter()
    cols, owners, names, known = [], [], [], []
    for k, f in enumerate(model["features"]):
        x = df[f["field"]]
        tr = f["transform"]
        if tr["kind"] == "one_hot":
            for level in tr["levels"]:
                if level != tr["reference"]:
                    cols.append((x == level).to_numpy(dtype=float))
                    owners.append(k)
        else:
            v = x.to_numpy(dtype=float)
            cols.append(np.nan_to_num((v - tr["mean"]) / tr["sd"], nan=0.0))  # imputed at the mean
            owners.append(k)
        if f.get("missing_indicator"):
            cols.append(x.isna().to_numpy(dtype=float))
            owners.append(k)
        known.append(x.notna().to_numpy())
        names.append(f["field"])
    X = np.column_stack(cols)
    coef = np.array([c["value"] for c in model["coefficients"]])
    ref = np.array([c["reference"] for c in model["coefficients"]])
    a, b = model["calibration"]["a"], model["calibration"]["b"]
    eta = X @ coef + model["intercept"]
    prob = 1 / (1 + np.exp(-(a * eta + b)))
    parts = (X - ref) * coef * a
    contrib = np.zeros((len(df), len(names)))
    for j, k in enumerate(owners):
        contrib[:, k] += parts[:, j]
    baseline = a * (model["intercept"] + ref @ coef) + b
    top = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :5]
    completeness = np.column_stack(known).mean(axis=1)
    insufficient = completeness < 0.70
    timings["score_s"] = time.perf_counter() - t

    # rules/early_warning.skon, vectorized (NaN compares false, which fires the same rules).
    t = time.perf_counter()
    v = {c: df[c].to_numpy(dtype=float) for c in ["absence_pct", "grade_avg_8th", "danish_grade", "math_grade",
                                                  "reading_score", "math_score", "wellbeing_index"]}
    absence, g8, wb = v["absence_pct"], v["grade_avg_8th"], v["wellbeing_index"]
    level = np.where(prob < 0.15, 0, np.where(prob < 0.35, 1, 2))
    rules = [
        ("high_absence", absence > 10),
        ("very_high_absence", absence >= 20),
        ("below_02_danish_or_math", (v["danish_grade"] < 2) | (v["math_grade"] < 2)),
        ("below_upv_eud", g8 < 4),
        ("below_upv_gymnasium", (g8 >= 4) & (g8 < 5)),
        ("low_wellbeing", wb < 3),
        ("weak_test_results", (v["reading_score"] <= 15) & (v["math_score"] <= 15)),
    ]
    points = rules[0][1].astype(float) + rules[2][1]
    flags = np.sum([r[1] for r in rules], axis=0)
    level = np.where(rules[1][1], 2, level)
    level = np.where(rules[3][1], np.maximum(level, 1), level)
    level = np.where(points >= 2, 2, level)
    several = flags >= 3
    level = np.where(several, 2, level)
    no_sign = (level >= 2) & (flags == 0) & (g8 >= 7) & (absence < 5) & (wb >= 4)
    level = np.where(no_sign, 1, level)
    missing = {c: np.isnan(x) for c, x in v.items()}
    review = several | no_sign | (level >= 2) | missing["absence_pct"] | missing["grade_avg_8th"] | \
        missing["danish_grade"] | missing["math_grade"] | missing["reading_score"] | missing["math_score"] | \
        missing["wellbeing_index"] | insufficient
    levels = np.array(["low", "medium", "high"], dtype=object)
    level_text = np.where(insufficient, None, levels[level])
    rule_names = [r[0] for r in rules]
    fired_matrix = np.column_stack([r[1] for r in rules])
    timings["rules_s"] = time.perf_counter() - t

    t = time.perf_counter()
    key = b"benchmark key, not a secret"
    ids = [hmac.new(key, str(i).encode(), hashlib.sha256).hexdigest() for i in df["id"]]
    out = pd.DataFrame({
        "id": ids,
        "purpose": "early_warning",
        "level": level_text,
        "probability": np.where(insufficient, np.nan, prob),
        "flags": [[rule_names[j] for j in np.flatnonzero(row)] for row in fired_matrix],
        "points": points,
        "review": review,
        "completeness": completeness,
        "contributions": [
            None if skip else
            {"baseline": float(baseline), "top": [{"field": names[k], "log_odds": float(c[k])} for k in t5]}
            for c, t5, skip in zip(contrib, top, insufficient)
        ],
    })
    out.to_json(out_path, orient="records", lines=True, double_precision=15)
    timings["write_s"] = time.perf_counter() - t
    timings["seconds"] = time.perf_counter() - t_all
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
