#!/usr/bin/python3
"""The peer for bench_models: the same work in pandas + scikit-learn, as an analyst writes it.

    /usr/bin/python3 models_peer.py CONFIG.json [--fit-only]
CONFIG: {"csv": path, "features": [{"name", "type": number|bool|category}], "target": "outcome",
         "year": "cohort_year", "last_train_year": 2018,
         "scores": path, "labels": path}  (raw float64, for the AUC)
Prints one JSON object with timings, log losses and the converged reference coefficients.
With --fit-only (run pinned to one core by the bench) only the fits are timed.

The design is skon train's: a number or bool with gaps in the training rows gets the training
mean and a missing indicator; a category one column per value except its most frequent; numbers
and bools standardized by the known values' mean and SD. `train_*` is the whole job an analyst runs: read, choose the training
years (skon's default: all but the last two, which calibrate and test), preprocess, fit.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

CONVERGED = dict(tol=1e-10, max_iter=10000)  # lbfgs at a tolerance that reaches the optimum


def design(df, features):
    cols = []
    for f in features:
        x = df[f["name"]]
        if f["type"] == "category":
            counts = x.value_counts()
            reference = counts.index[0]
            for level in sorted(counts.index):
                if level != reference:
                    cols.append((x == level).to_numpy(dtype=float))
            continue
        v = x.to_numpy(dtype=float)
        gaps = np.isnan(v)
        mean, sd = np.nanmean(v), np.nanstd(v)  # of the known values, as skon
        if gaps.any():
            v = np.where(gaps, mean, v)
        cols.append((v - mean) / (sd if sd > 0 else 1.0))
        if gaps.any():
            cols.append(gaps.astype(float))
    return np.column_stack(cols)


def training_rows(df, cfg):
    return df[df[cfg["year"]] <= cfg["last_train_year"]]


def timed_train(cfg, **lbfgs):
    """The analyst's script from the file to a fitted model."""
    t = time.perf_counter()
    df = pd.read_csv(cfg["csv"])
    train = training_rows(df, cfg)
    X = design(train, cfg["features"])
    y = train[cfg["target"]].to_numpy(dtype=float)
    model = LogisticRegression(**lbfgs).fit(X, y)
    return time.perf_counter() - t, int(model.n_iter_[0])


def fits(X, y, out, suffix=""):
    t = time.perf_counter()
    lbfgs = LogisticRegression().fit(X, y)  # scikit-learn's default: lbfgs, tol=1e-4, C=1
    out["fit_lbfgs_s" + suffix] = time.perf_counter() - t
    out["iter_lbfgs" + suffix] = int(lbfgs.n_iter_[0])
    out["log_loss_lbfgs" + suffix] = log_loss(y, lbfgs.predict_proba(X)[:, 1])
    t = time.perf_counter()
    conv = LogisticRegression(**CONVERGED).fit(X, y)
    out["fit_lbfgs_converged_s" + suffix] = time.perf_counter() - t
    out["iter_lbfgs_converged" + suffix] = int(conv.n_iter_[0])
    out["log_loss_lbfgs_converged" + suffix] = log_loss(y, conv.predict_proba(X)[:, 1])


def main():
    cfg = json.load(open(sys.argv[1]))
    fit_only = "--fit-only" in sys.argv
    out = {}
    size = os.path.getsize(cfg["csv"])
    t = time.perf_counter()
    df = pd.read_csv(cfg["csv"])
    out["read_s"] = time.perf_counter() - t
    out["read_mb_s"] = size / 1e6 / out["read_s"]
    train = training_rows(df, cfg)
    t = time.perf_counter()
    X = design(train, cfg["features"])
    out["preprocess_s"] = time.perf_counter() - t
    y = train[cfg["target"]].to_numpy(dtype=float)
    out["rows"], out["columns"] = X.shape
    fits(X, y, out)
    if fit_only:
        print(json.dumps(out))
        return

    out["train_lbfgs_s"], out["train_lbfgs_iter"] = timed_train(cfg)
    out["train_lbfgs_converged_s"], _ = timed_train(cfg, **CONVERGED)

    t = time.perf_counter()
    ref = LogisticRegression(solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
    out["fit_newton_s"] = time.perf_counter() - t
    out["coef_newton"] = ref.coef_[0].tolist()
    out["intercept_newton"] = float(ref.intercept_[0])
    out["log_loss_newton"] = log_loss(y, ref.predict_proba(X)[:, 1])

    # The same 1M scores skon ranked (the bench writes them as raw float64).
    scores = np.fromfile(cfg["scores"], dtype=np.float64)
    labels = np.fromfile(cfg["labels"], dtype=np.float64)
    t = time.perf_counter()
    out["auc"] = roc_auc_score(labels, scores)
    out["auc_s"] = time.perf_counter() - t
    print(json.dumps(out))


if __name__ == "__main__":
    main()
