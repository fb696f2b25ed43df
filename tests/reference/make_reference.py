#!/usr/bin/python3
"""Reference outputs of scikit-learn and statsmodels that the C++ tests compare against.

Run with the system python3 (Debian python3-sklearn, python3-pandas, python3-statsmodels):
    /usr/bin/python3 tests/reference/make_reference.py
It rewrites tests/reference/*.json; commit them, so the tests themselves need no python.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss,
                             roc_auc_score)
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "uci697_dropout_academic_success.csv")


def load():
    df = pd.read_csv(DATA, sep=";", encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    y = (df["Target"] == "Dropout").astype(float).to_numpy()
    X = df.drop(columns=["Target"])
    return X, y


def main():
    X, y = load()
    names = list(X.columns)
    Z = StandardScaler().fit_transform(X.to_numpy(dtype=float))

    l2 = LogisticRegression(penalty="l2", C=1.0, solver="newton-cholesky", tol=1e-10,
                            max_iter=1000).fit(Z, y)
    p = l2.predict_proba(Z)[:, 1]
    out = {
        "generator": "tests/reference/make_reference.py",
        "sklearn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        "data": "tests/data/uci697_dropout_academic_success.csv",
        "target": "Target == 'Dropout'",
        "features": names,
        "scaler": {"mean": Z.mean(axis=0).tolist()},
        "l2_C1": {
            "coef": l2.coef_[0].tolist(),
            "intercept": float(l2.intercept_[0]),
            "proba_first_20": p[:20].tolist(),
            "auc": roc_auc_score(y, p),
            "brier": brier_score_loss(y, p),
            "log_loss": log_loss(y, p),
            "average_precision": average_precision_score(y, p),
        },
    }
    bal = LogisticRegression(penalty="l2", C=0.5, solver="newton-cholesky", tol=1e-10,
                             class_weight="balanced", max_iter=1000).fit(Z, y)
    out["l2_C0.5_balanced"] = {"coef": bal.coef_[0].tolist(), "intercept": float(bal.intercept_[0])}

    logit = sm.Logit(y, sm.add_constant(Z)).fit(method="newton", maxiter=100, tol=1e-12, disp=0)
    out["statsmodels_logit"] = {
        "intercept": float(logit.params[0]),
        "coef": logit.params[1:].tolist(),
        "intercept_se": float(logit.bse[0]),
        "coef_se": logit.bse[1:].tolist(),
    }

    # Metrics on fixed score vectors, with ties.
    rng = np.random.default_rng(2026)
    labels = (rng.random(1000) < 0.3).astype(float)
    scores = np.round(np.clip(rng.normal(0.3 + 0.25 * labels, 0.2), 0.001, 0.999), 2)
    out["metrics_fixed"] = {
        "labels": labels.tolist(),
        "scores": scores.tolist(),
        "auc": roc_auc_score(labels, scores),
        "brier": brier_score_loss(labels, scores),
        "log_loss": log_loss(labels, scores),
        "average_precision": average_precision_score(labels, scores),
    }
    # DeLong's variance of the AUC, by the direct definition (structural components), as an
    # independent check of Skøn's single-pass computation.
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    auc = psi.mean()
    se = np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    out["metrics_fixed"]["delong_se"] = float(se)
    out["metrics_fixed"]["delong_auc"] = float(auc)

    # Isotonic calibration on the same fixed vectors (out_of_bounds="clip", as Skøn applies it).
    from sklearn.isotonic import IsotonicRegression
    iso = IsotonicRegression(out_of_bounds="clip").fit(scores, labels)
    probe = np.linspace(0.0, 1.0, 41)
    out["isotonic_fixed"] = {"probe": probe.tolist(), "calibrated": iso.predict(probe).tolist()}

    with open(os.path.join(HERE, "uci697_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.join(HERE, "uci697_reference.json"), file=sys.stderr)


if __name__ == "__main__":
    main()
