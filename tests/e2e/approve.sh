#!/usr/bin/env bash
# Records the approvals the shipped early_warning purpose requires (rules/early_warning.skon:
# `requires approval by dpo, school_head`) for a rule set and model, in an audit log — what a
# municipality's DPO and school head do before a version is used, done for a test's own model.
#   approve.sh SKON RULES_DIR MODEL AUDIT_LOG [PURPOSE]
set -euo pipefail
skon=$1 rules=$2 model=$3 log=$4 purpose=${5:-early_warning}
"$skon" -q approve --rules "$rules" --purpose "$purpose" --model "$model" --audit "$log" \
  --by "Test DPO" --role dpo --note "test fixture" 2>/dev/null
"$skon" -q approve --rules "$rules" --purpose "$purpose" --model "$model" --audit "$log" \
  --by "Test school head" --role school_head --note "test fixture" 2>/dev/null
