#!/usr/bin/env bash
# Every C++ file in the tree is formatted as the repo's .clang-format says (HOUSE.md: a check in
# the test command keeps it true). Lists the files that differ and how to fix them.
#   clang_format_check.sh SOURCE_DIR
set -euo pipefail
cd "$1"
formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$formatter" ]]; then
  echo "clang-format is not installed (bash setup.sh test installs it)" >&2
  exit 1
fi
mapfile -t files < <(find base dsl models engine cli tests -name '*.cpp' -o -name '*.hpp' | sort)
((${#files[@]} > 0)) || { echo "no C++ files found under $1" >&2; exit 1; }
differ=()
for f in "${files[@]}"; do
  "$formatter" --dry-run -Werror "$f" >/dev/null 2>&1 || differ+=("$f")
done
if ((${#differ[@]} > 0)); then
  printf 'not formatted: %s\n' "${differ[@]}" >&2
  echo "fix with: clang-format -i ${differ[*]}" >&2
  exit 1
fi
echo "${#files[@]} files formatted"
