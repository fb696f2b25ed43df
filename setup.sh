#!/usr/bin/env bash
# Skøn's one setup script: installs the Debian packages the build needs (only those missing),
# then builds and runs what was asked for.
#
#   bash setup.sh            install dependencies only
#   bash setup.sh build      ... and build the optimised binaries (build/release)
#   bash setup.sh demo       ... and run the main job on the shipped demo
#   bash setup.sh test       ... and build + run every test, normal and ASan+UBSan builds
#
# Idempotent; runs as root on a fresh Debian machine (uses sudo when not root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

readonly BUILD_PACKAGES=(
  build-essential cmake git pkg-config
  tao-pegtl-dev libeigen3-dev libspdlog-dev nlohmann-json3-dev doctest-dev libcli11-dev
  libsqlite3-dev libssl-dev libfast-float-dev libbenchmark-dev
)
# Reference peers used by the scripts that regenerate committed reference outputs and by the
# benchmarks; the tests themselves need no python.
readonly PEER_PACKAGES=(python3 python3-sklearn python3-pandas python3-statsmodels)

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  # Only refresh the package lists when they are missing or the install fails without a refresh.
  if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]]; then
    $sudo apt-get update -qq
  fi
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_release() {
  cmake --preset release >/dev/null
  cmake --build --preset release
}

main() {
  local what="${1:-deps}"
  case "$what" in
    deps) install_missing "${BUILD_PACKAGES[@]}" ;;
    peers) install_missing "${BUILD_PACKAGES[@]}" "${PEER_PACKAGES[@]}" ;;
    build) install_missing "${BUILD_PACKAGES[@]}"; build_release ;;
    demo)
      install_missing "${BUILD_PACKAGES[@]}"
      build_release
      # The demo (synthetic cohort -> train -> assess -> report) arrives with the domain issue;
      # until then the main job shows what skon offers.
      ./build/release/cli/skon --help
      echo
      echo "The demo will generate a synthetic cohort, train the early-warning model, assess the"
      echo "current cohort and write assessments, evaluation, model card and report to out/demo/."
      ;;
    test)
      install_missing "${BUILD_PACKAGES[@]}"
      cmake --workflow --preset release
      cmake --workflow --preset asan
      ;;
    *) echo "usage: bash setup.sh [deps|peers|build|demo|test]" >&2; exit 2 ;;
  esac
}

main "$@"
