#!/usr/bin/python3
"""The peer for bench_assess: the `skon assess` pipeline in pandas + numpy (scikit-learn's
predict_proba is a logistic of X @ coef + intercept; the coefficients are the Skøn model's, so
both sides compute the same numbers): read the CSV, preprocess, probability, contributions, the
stand-in rules vectorized, pseudonymous ids, write JSON Lines.

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
    cols, owners, names = [], [], []
    for k, f in enumerate(model["features"]):
        x = df[f["field"]]
        tr = f["transform"]
        if tr["kind"] == "one_hot":
            for level in tr["levels"]:
                if level != tr["reference"]:
                    cols.append((x == level).to_numpy(dtype=float))
                    owners.append(k)
        else:
            cols.append((x.to_numpy(dtype=float) - tr["mean"]) / tr["sd"])
            owners.append(k)
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
    timings["score_s"] = time.perf_counter() - t

    t = time.perf_counter()
    x = {c: df[c].to_numpy(dtype=float) for c in [f"x{i}" for i in range(10)] + ["b0", "b1", "b2"]}
    track = df["track"].to_numpy()
    level = np.where(prob < 0.25, 0, np.where(prob < 0.5, 1, 2))
    low_grades = (x["x1"] < 7) & (x["x2"] < 7)
    rules = [
        ("high_absence", x["x0"] > 14, 2),
        ("grades", low_grades, 2),
        ("no_exams", x["b0"] == 0, 0),
        ("wellbeing", x["x3"] < 6, 1),
        ("reading", (x["x4"] >= 0) & (x["x4"] <= 5), 1),
        ("late", (x["x6"] > 15) & (x["x0"] > 10), 0),
        ("special", (x["b1"] != 0) & (x["x5"] < 8), 1),
        ("vocational", (track == "eux") & low_grades, 0),
    ]
    flags = np.zeros(len(df), dtype=int)
    points = np.zeros(len(df))
    for _, fired, p in rules:
        flags += fired
        points += fired * p
    level = np.where(x["x0"] > 16, 2, level)
    level = np.where(x["b0"] == 0, np.maximum(level, 1), level)
    level = np.where((flags >= 3) | (points >= 4), 2, level)
    level = np.where((flags == 0) & (level >= 2) & (x["x0"] < 8), 1, level)
    switched = (x["b2"] != 0) & (x["x7"] > 12)
    rules.append(("switched", switched, 0))
    review = (level >= 2) | (x["x0"] > 16)
    levels = np.array(["low", "medium", "high"])
    rule_names = [r[0] for r in rules]
    fired_matrix = np.column_stack([r[1] for r in rules])
    timings["rules_s"] = time.perf_counter() - t

    t = time.perf_counter()
    key = b"benchmark key, not a secret"
    ids = [hmac.new(key, str(i).encode(), hashlib.sha256).hexdigest() for i in df["id"]]
    out = pd.DataFrame({
        "id": ids,
        "purpose": "p",
        "level": levels[level],
        "probability": prob,
        "flags": [[rule_names[j] for j in np.flatnonzero(row)] for row in fired_matrix],
        "points": points,
        "review": review,
        "contributions": [
            {"baseline": float(baseline), "top": [{"field": names[k], "log_odds": float(c[k])} for k in t5]}
            for c, t5 in zip(contrib, top)
        ],
    })
    out.to_json(out_path, orient="records", lines=True, double_precision=15)
    timings["write_s"] = time.perf_counter() - t
    timings["seconds"] = time.perf_counter() - t_all
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
