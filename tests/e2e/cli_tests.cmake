# The CLI's wiring as a user meets it: global flags, subcommands, exit codes.
set(G ${CMAKE_CURRENT_SOURCE_DIR}/golden/cli)

skon_cli_test(NAME version EXIT 0 STDOUT_MATCH "^skon [0-9]+\\.[0-9]+\\.[0-9]+" ARGS --version)
foreach(sub check fmt test generate train evaluate assess explain report compare monitor audit review doc diff)
  skon_cli_test(NAME help_has_${sub} EXIT 0 STDOUT_MATCH "^  ${sub} " ARGS --help)
endforeach()
skon_cli_test(NAME no_subcommand_is_usage_error EXIT 2 STDERR_MATCH "Subcommands:" ARGS)
skon_cli_test(NAME unknown_subcommand_suggests EXIT 2 STDERR ${G}/unknown_subcommand.stderr ARGS chek rules)
skon_cli_test(NAME unknown_option_suggests EXIT 2 STDERR ${G}/unknown_option.stderr ARGS --log-levl debug)
skon_cli_test(NAME unknown_far_subcommand EXIT 2 STDERR_MATCH "^skon: unknown subcommand 'zzzzzz'$" ARGS zzzzzz)
skon_cli_test(NAME bad_log_level EXIT 2 STDERR_MATCH "log-level" ARGS --log-level loud)
skon_cli_test(NAME planned_subcommand_is_usage_error EXIT 2
  STDERR_MATCH "^skon diff: not available yet" ARGS diff old new)
