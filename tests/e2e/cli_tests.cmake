# The CLI's wiring as a user meets it: global flags, subcommands, exit codes.
set(G ${CMAKE_CURRENT_SOURCE_DIR}/golden/cli)

skon_cli_test(NAME version EXIT 0 STDOUT_MATCH "^skon [0-9]+\\.[0-9]+\\.[0-9]+" ARGS --version)
foreach(sub check fmt test generate train evaluate assess explain report compare monitor patterns audit review doc diff)
  skon_cli_test(NAME help_has_${sub} EXIT 0 STDOUT_MATCH "^  ${sub} " ARGS --help)
endforeach()
skon_cli_test(NAME no_subcommand_is_usage_error EXIT 2 STDERR_MATCH "Subcommands:" ARGS)
skon_cli_test(NAME unknown_subcommand_suggests EXIT 2 STDERR ${G}/unknown_subcommand.stderr ARGS chek rules)
skon_cli_test(NAME unknown_option_suggests EXIT 2 STDERR ${G}/unknown_option.stderr ARGS --log-levl debug)
skon_cli_test(NAME unknown_far_subcommand EXIT 2 STDERR_MATCH "^skon: unknown subcommand 'zzzzzz'$" ARGS zzzzzz)
skon_cli_test(NAME bad_log_level EXIT 2 STDERR_MATCH "log-level" ARGS --log-level loud)

# Golden diagnostics: one rule file per diagnostic code, its `skon check` output compared byte
# for byte. E-files must fail the check (exit 1), W-files only warn (exit 0).
file(GLOB SKON_DIAG_GOLDEN CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics/*.skon)
foreach(skon_file ${SKON_DIAG_GOLDEN})
  get_filename_component(case ${skon_file} NAME_WE)
  get_filename_component(case_file ${skon_file} NAME)
  string(SUBSTRING ${case} 0 1 severity)
  set(expected_exit 0)
  if(severity STREQUAL "E")
    set(expected_exit 1)
  endif()
  skon_cli_test(NAME diagnostics.${case} EXIT ${expected_exit}
    WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics
    STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics/${case}.expected
    ARGS check --color never ${case_file})
endforeach()
skon_cli_test(NAME diagnostics_json EXIT 1 STDOUT_MATCH "\"code\": \"E0104\""
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics
  ARGS check --format json E0104_unknown_field.skon)
# --max-errors is the parser's limit too: raised, every broken rule of the file is reported.
skon_cli_test(NAME check_max_errors_reaches_the_parser EXIT 1
  STDOUT_MATCH "1 file checked: 60 errors" WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics
  ARGS check --max-errors 100 E0004_parse_stops_at_limit.skon)
skon_cli_test(NAME check_strict_fails_on_warnings EXIT 1
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics ARGS check --strict W0504_unused_field.skon)
skon_cli_test(NAME check_missing_path EXIT 1 STDOUT_MATCH "E0001" ARGS check no/such/dir)
skon_cli_test(NAME check_requires_path EXIT 2 STDERR_MATCH "paths" ARGS check)
skon_cli_test(NAME compare_needs_its_options EXIT 2 STDERR_MATCH "--rules is required" ARGS compare)

# skon fmt and skon test
add_test(NAME cli.fmt_roundtrip
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/fmt_roundtrip.sh $<TARGET_FILE:skon>
          ${CMAKE_CURRENT_SOURCE_DIR}/golden/fmt)
set_tests_properties(cli.fmt_roundtrip PROPERTIES LABELS cli)
skon_cli_test(NAME fmt_stdout EXIT 0 STDOUT ${G}/../fmt/messy.formatted
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/fmt ARGS fmt --stdout messy.skon)
skon_cli_test(NAME test_suite EXIT 1 STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/test/suite.expected
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/test ARGS test suite.skon)
skon_cli_test(NAME test_coverage EXIT 1
  STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/test/suite.coverage.expected
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/test ARGS test --coverage --failures-only suite.skon)
skon_cli_test(NAME test_on_broken_rules EXIT 3 STDERR_MATCH "no test was run"
  WORKDIR ${CMAKE_CURRENT_SOURCE_DIR}/golden/diagnostics ARGS test E0104_unknown_field.skon)

# skon train and skon evaluate
add_test(NAME cli.train_evaluate
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/train_evaluate.sh $<TARGET_FILE:skon>
          ${CMAKE_CURRENT_SOURCE_DIR}/data)
set_tests_properties(cli.train_evaluate PROPERTIES LABELS cli)
skon_cli_test(NAME evaluate_missing_model EXIT 3 STDERR_MATCH "cannot open model file"
  ARGS evaluate --model no/such/model.json --data tests/data/uci697_dropout_academic_success.csv)
skon_cli_test(NAME train_on_broken_rules EXIT 3 STDERR_MATCH "nothing was trained"
  ARGS train --rules tests/golden/diagnostics/E0104_unknown_field.skon --purpose early_warning
       --data tests/data/uci697_dropout_academic_success.csv -o /tmp/skon-never-written.json)

# skon assess and skon explain
add_test(NAME cli.assess_explain
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/assess_explain.sh $<TARGET_FILE:skon>
          ${CMAKE_CURRENT_SOURCE_DIR}/data)
set_tests_properties(cli.assess_explain PROPERTIES LABELS cli)

# The dropout domain: rules/, skon generate and the README's main job
skon_cli_test(NAME rules_check_strict EXIT 0 STDOUT_MATCH "files checked: 0 errors, 0 warnings"
  ARGS check --strict rules/)
skon_cli_test(NAME rules_tests_pass EXIT 0 STDOUT_MATCH "[0-9]+ passed, 0 failed" ARGS test rules/)
skon_cli_test(NAME rules_formatted EXIT 0 ARGS fmt --check rules/)
add_test(NAME cli.domain
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/domain.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.domain PROPERTIES LABELS cli)
add_test(NAME cli.score_from
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/score_from.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.score_from PROPERTIES LABELS cli)
add_test(NAME cli.consent
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/consent.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.consent PROPERTIES LABELS cli)
add_test(NAME cli.audit
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/audit.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.audit PROPERTIES LABELS cli)
add_test(NAME cli.order_independence
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/order_independence.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.order_independence PROPERTIES LABELS cli)
skon_cli_test(NAME rules_tests_cover_every_outcome EXIT 0 STDOUT_MATCH "of ([0-9]+) outcomes exercised \\(100 %\\)"
  ARGS test --coverage rules/)

# The error model and the command-line conventions (tests/e2e/errors.sh).
add_test(NAME cli.errors
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/errors.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.errors PROPERTIES LABELS cli)

# Every sh block in README.md and docs/*.md runs as written (tests/e2e/docs_sh.sh).
add_test(NAME cli.docs_sh_blocks
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/docs_sh.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.docs_sh_blocks PROPERTIES LABELS "cli;docs")

# skon diff: changes in a reviewer's terms, their class, and the impact on a cohort (tests/e2e/diff.sh).
add_test(NAME cli.diff
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/diff.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.diff PROPERTIES LABELS cli)

# skon doc: the legal reviewer's document (tests/e2e/doc.sh), golden in both languages, and the
# HTML in headless Chromium (tests/e2e/doc_browser.sh).
add_test(NAME cli.doc
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/doc.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.doc PROPERTIES LABELS cli)
skon_cli_test(NAME doc_golden_da EXIT 0 STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/doc/rules.da.md
  WORKDIR ${PROJECT_SOURCE_DIR} ARGS doc --rules rules --today 2026-11-29 -o -)
skon_cli_test(NAME doc_golden_en EXIT 0 STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/doc/rules.en.md
  WORKDIR ${PROJECT_SOURCE_DIR} ARGS doc --rules rules --today 2026-11-29 --lang en -o -)
skon_cli_test(NAME doc_golden_html EXIT 0 STDOUT ${CMAKE_CURRENT_SOURCE_DIR}/golden/doc/rules.en.html
  WORKDIR ${PROJECT_SOURCE_DIR} ARGS doc --rules rules --today 2026-11-29 --lang en --format html -o -)
add_test(NAME browser.doc
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/doc_browser.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(browser.doc PROPERTIES LABELS browser)

# skon evaluate --predictions (tests/e2e/evaluate_predictions.sh).
add_test(NAME cli.evaluate_predictions
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/evaluate_predictions.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.evaluate_predictions PROPERTIES LABELS cli)

# skon report: figures equal their sources, cards add up, refusals (tests/e2e/report.sh); every
# HTML output in headless Chromium, screenshots in the build folder (tests/e2e/html_browser.sh).
add_test(NAME cli.report
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/report.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.report PROPERTIES LABELS cli)
add_test(NAME browser.html
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/html_browser.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR}
          ${CMAKE_BINARY_DIR}/screenshots)
set_tests_properties(browser.html PROPERTIES LABELS browser)

# skon monitor: drift beyond chance, gates, the human side (tests/e2e/monitor.sh).
add_test(NAME cli.monitor
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/monitor.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.monitor PROPERTIES LABELS cli)

# skon compare: figures equal train + evaluate, ablation, costs from the rules, the decision paper
# (tests/e2e/compare.sh).
add_test(NAME cli.compare
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/compare.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.compare PROPERTIES LABELS cli)

# skon patterns: every field marked, figures equal a count by hand (tests/e2e/patterns.sh).
add_test(NAME cli.patterns
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/patterns.sh $<TARGET_FILE:skon> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.patterns PROPERTIES LABELS cli)

# A rule outside its effective period never fires: assess (today and replays), explain, diff --cohort.
add_test(NAME cli.effective_dates
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/effective_dates.sh $<TARGET_FILE:skon>
          ${CMAKE_CURRENT_SOURCE_DIR}/data)
set_tests_properties(cli.effective_dates PROPERTIES LABELS cli)
