#!/usr/bin/env bash
# Formatting and lint (issue 22): clang-format on every tracked C++ file (.clang-format), then
# clang-tidy (.clang-tidy) on the engine, the CLI and the tests with a compile database.
#
#   ./scripts/lint.sh                    check both; exit 1 on an unformatted file or a new warning
#   ./scripts/lint.sh --fix              rewrite the unformatted files in place (clang-format -i),
#                                        then run clang-tidy as usual
#   ./scripts/lint.sh --format           only the formatting check (a few seconds)
#   ./scripts/lint.sh --tidy             only clang-tidy
#   ./scripts/lint.sh --update-baseline  run clang-tidy and write its warnings to the baseline
#
# clang-tidy warnings are compared with scripts/lint-tidy-baseline.txt, the warnings accepted
# when the check set was chosen (see that file for why each kind stays). A warning is its file,
# message and check name without line and column, so that edits and reformatting elsewhere in a
# file do not make old warnings look new; a file may hold the same warning as often as the
# baseline lists it. Fixed warnings are reported so that the baseline can shrink.
# clang-tidy needs a compile database with clang's flags (the native Release build uses GCC's):
# build/lint is configured for it (configure only, nothing is compiled).
set -uo pipefail
cd "$(dirname "$0")/.."

fix=0; do_format=1; do_tidy=1; update=0
for arg in "$@"; do
  case "$arg" in
    --fix) fix=1 ;;
    --format) do_tidy=0 ;;
    --tidy) do_format=0 ;;
    --update-baseline) update=1; do_format=0 ;;
    *) echo "usage: $0 [--fix] [--format | --tidy | --update-baseline]" >&2; exit 2 ;;
  esac
done
for tool in clang-format clang-tidy python3; do
  command -v "$tool" >/dev/null || { echo "lint: $tool not found (scripts/bootstrap.sh installs it)"; exit 2; }
done

status=0

if [ $do_format = 1 ]; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.hpp' '*.cc')
  bad=()
  for f in "${files[@]}"; do
    clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -eq 0 ]; then
    echo "lint: format ok (${#files[@]} files)"
  elif [ $fix = 1 ]; then
    clang-format --style=file -i "${bad[@]}"
    echo "lint: formatted ${#bad[@]} of ${#files[@]} files"
  else
    printf 'lint: not formatted: %s\n' "${bad[@]}"
    echo "lint: ${#bad[@]} of ${#files[@]} files need formatting: ./scripts/lint.sh --fix (or clang-format -i FILE)"
    status=1
  fi
fi

if [ $do_tidy = 1 ]; then
  baseline=scripts/lint-tidy-baseline.txt
  start=$(date +%s)
  CXX=clang++ cmake -S . -B build/lint -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DTCPPLAY_TESTS=ON >/dev/null || { echo "lint: cmake failed for build/lint"; exit 2; }
  root=$(pwd)
  raw=$(mktemp); found=$(mktemp); located=$(mktemp); new=$(mktemp); gone=$(mktemp); base=$(mktemp)
  trap 'rm -f "$raw" "$found" "$located" "$new" "$gone" "$base"' EXIT
  # The engine, the CLI and the tests: every file of the compile database under those folders.
  python3 -c 'import json, sys
for e in json.load(open("build/lint/compile_commands.json")):
    f = e["file"]
    if any(f.startswith(sys.argv[1] + "/" + d + "/") for d in ("engine", "cli", "tests")): print(f)' "$root" |
    sort | xargs -P "$(nproc)" -n 4 clang-tidy -p build/lint --quiet >"$raw" 2>/dev/null
  # "/abs/engine/x.cpp:12:5: warning: message [check]" -> "engine/x.cpp: message [check]"; a header's
  # warning repeats for every file that includes it, hence sort -u with the positions first.
  grep -E '^/[^:]+:[0-9]+:[0-9]+: (warning|error): ' "$raw" | sed "s#^$root/##" | sort -u >"$located"
  sed -E 's#^([^:]+):[0-9]+:[0-9]+: #\1: #' "$located" | LC_ALL=C sort >"$found"
  secs=$(( $(date +%s) - start ))
  if [ $update = 1 ]; then
    { sed -n '/^#/p' "$baseline" 2>/dev/null; cat "$found"; } >"$baseline.new" && mv "$baseline.new" "$baseline"
    echo "lint: baseline written, $(wc -l <"$found") warnings (${secs}s)"
    exit 0
  fi
  grep -v '^#' "$baseline" 2>/dev/null | grep -v '^$' | LC_ALL=C sort >"$base"
  LC_ALL=C comm -23 "$found" "$base" >"$new"
  LC_ALL=C comm -13 "$found" "$base" >"$gone"
  if [ -s "$gone" ]; then
    echo "lint: $(wc -l <"$gone") baseline warnings are gone (remove them: ./scripts/lint.sh --update-baseline):"
    sed 's/^/  /' "$gone"
  fi
  if [ -s "$new" ]; then
    echo "lint: $(wc -l <"$new") new clang-tidy warnings (not in $baseline); where:"
    # Every position of a warning that is new (one of them is).
    awk 'NR == FNR { want[$0] = 1; next }
         { k = $0; sub(/:[0-9]+:[0-9]+: /, ": ", k); if (k in want) print "  " $0 }' "$new" "$located"
    status=1
  else
    echo "lint: clang-tidy ok, $(wc -l <"$found") warnings, all in the baseline (${secs}s)"
  fi
fi
exit $status
