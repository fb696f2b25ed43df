#!/usr/bin/python3
"""The peer for bench_models: the same work in pandas + scikit-learn.

    /usr/bin/python3 models_peer.py CONFIG.json
CONFIG: {"csv": path, "features": [{"name", "type", "levels"}], "target": "outcome"}
Prints one JSON object with timings and the converged reference coefficients.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score


def design(df, features):
    cols = []
    for f in features:
        x = df[f["name"]]
        if f["type"] == "category":
            levels = f["levels"]
            counts = x.value_counts()
            reference = max(levels, key=lambda l: (counts.get(l, 0), -levels.index(l)))
            for level in levels:
                if level != reference:
                    cols.append((x == level).to_numpy(dtype=float))
        else:
            v = x.to_numpy(dtype=float)
            sd = v.std()
            cols.append((v - v.mean()) / (sd if sd > 0 else 1.0))
    return np.column_stack(cols)


def main():
    cfg = json.load(open(sys.argv[1]))
    out = {}
    size = os.path.getsize(cfg["csv"])
    t = time.perf_counter()
    df = pd.read_csv(cfg["csv"])
    out["read_s"] = time.perf_counter() - t
    out["read_mb_s"] = size / 1e6 / out["read_s"]
    y = df[cfg["target"]].to_numpy(dtype=float)
    X = design(df, cfg["features"])
    out["rows"], out["columns"] = X.shape

    t = time.perf_counter()
    lbfgs = LogisticRegression().fit(X, y)  # scikit-learn's default: lbfgs, tol=1e-4, C=1
    out["fit_lbfgs_s"] = time.perf_counter() - t
    p = lbfgs.predict_proba(X)[:, 1]
    out["log_loss_lbfgs"] = log_loss(y, p)
    out["coef_lbfgs"] = lbfgs.coef_[0].tolist()

    t = time.perf_counter()
    ref = LogisticRegression(solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
    out["fit_newton_s"] = time.perf_counter() - t
    out["coef_newton"] = ref.coef_[0].tolist()
    out["intercept_newton"] = float(ref.intercept_[0])
    out["log_loss_newton"] = log_loss(y, ref.predict_proba(X)[:, 1])

    scores = ref.decision_function(X)
    t = time.perf_counter()
    out["auc"] = roc_auc_score(y, scores)
    out["auc_s"] = time.perf_counter() - t
    print(json.dumps(out))


if __name__ == "__main__":
    main()
