# test/lib/count.sh: how test/run-all counts, sourced by it and by
# test/selftest-count (which proves these rules on synthetic and real output).
#
# Two totals, $passed and $failed, that every function below adds to.  The
# rules, so that a run cannot look better than it was:
#   - a log without its summary line is one failure;
#   - a tier that ran no test (none, or every one skipped) is one failure;
#   - node's "cancelled" tests (a timed-out test, or one cut short when its
#     file ended) are failures;
#   - a tier whose program exited non-zero is at least one failure, even
#     when its log counted none (a crash after the summary, a sanitizer's
#     exit code, a runner that failed for a reason it did not count).
# Bash; no "set -e" assumptions (every function returns 0 unless it is a
# predicate).

passed=${passed:-0}
failed=${failed:-0}

count_fail() { # count_fail REASON: one failure, said aloud
  failed=$((failed + 1))
  echo "(counted as one failure: $*)"
}

# count_exit STATUS FAILURES_COUNTED WHAT: a non-zero exit that the log did
# not already account for is one more failure.
count_exit() {
  if [ "$1" -ne 0 ] && [ "$2" -eq 0 ]; then count_fail "$3 exited with status $1"; fi
}

# count_check LOG [STATUS]: Check's "N%: Checks: T, Failures: F, Errors: E";
# STATUS is the test program's exit status (default 0).
count_check() {
  local log=$1 status=${2:-0} line t f e
  line=$(grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" 2>/dev/null | tail -1)
  if [ -z "$line" ]; then count_fail "no Check summary in $log (exit status $status)"; return 0; fi
  t=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
  e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
  if [ "$t" -eq 0 ]; then count_fail "Check ran no test ($log)"; return 0; fi
  passed=$((passed + t - f - e)); failed=$((failed + f + e))
  count_exit "$status" $((f + e)) "the Check program"
}

# count_tap LOG [STATUS]: the summary node --test prints at the end of its
# TAP output ("# tests N", "# pass N", "# fail N", "# cancelled N",
# "# skipped N", "# todo N"); STATUS is node's exit status (default 0).
# Skipped and todo tests are shown, counted neither way.
count_tap() {
  local log=$1 status=${2:-0} n k
  local -A s=()
  for k in tests pass fail cancelled skipped todo; do
    n=$(grep -E "^# $k [0-9]+\$" "$log" 2>/dev/null | tail -1 | awk '{print $3}')
    s[$k]=$n
  done
  if [ -z "${s[pass]}" ] || [ -z "${s[fail]}" ]; then count_fail "no TAP summary in $log (exit status $status)"; return 0; fi
  : "${s[tests]:=?}" "${s[cancelled]:=0}" "${s[skipped]:=0}" "${s[todo]:=0}"
  echo "tests ${s[tests]}: pass ${s[pass]}, fail ${s[fail]}, cancelled ${s[cancelled]}, skipped ${s[skipped]}, todo ${s[todo]}"
  if [ $((${s[pass]} + ${s[fail]} + ${s[cancelled]})) -eq 0 ]; then count_fail "node ran no test ($log)"; return 0; fi
  passed=$((passed + ${s[pass]})); failed=$((failed + ${s[fail]} + ${s[cancelled]}))
  count_exit "$status" $((${s[fail]} + ${s[cancelled]})) "node --test"
}

# warning_free LOG: true when a build log holds no compiler warning; else
# prints the first 20 and is false.  (The warnings are collected first: a
# "grep | head" pipeline under pipefail fails when head stops reading, and
# negating that turned many warnings into a pass.)
warning_free() {
  local w
  [ -r "$1" ] || { echo "no build log $1"; return 1; }
  w=$(grep -E 'warning:' "$1" | grep -v 'ar: ') || true
  [ -z "$w" ] && return 0
  printf '%s\n' "$w" | sed -n '1,20p'
  echo "($(printf '%s\n' "$w" | wc -l) warnings)"
  return 1
}

# sanitizer_clean FILE...: true when none of the files holds a sanitizer
# report (ASan, LSan, UBSan, ...); else prints the reports and is false.
# Missing files and empty globs are ignored.
sanitizer_clean() {
  local pat='ERROR: [A-Za-z]*Sanitizer|runtime error:'
  local -a hits=()
  [ $# -gt 0 ] || return 0
  mapfile -t hits < <(grep -lE "$pat" "$@" 2>/dev/null)
  [ ${#hits[@]} -eq 0 ] && return 0
  echo "sanitizer reports in:"; printf '  %s\n' "${hits[@]}"
  grep -hE -A12 "$pat" "${hits[@]}" | sed -n '1,80p'
  return 1
}

# tap_failures LOG [MAX_LINES]: each failed test of node's TAP output with
# the first lines of its YAML block (error, expected, actual, the top of the
# stack), so a failure in CI can be read from the run's output alone.
# Prints only; counts nothing.
tap_failures() {
  local log=$1 max=${2:-24}
  awk -v max="$max" '
    /^ *not ok / { show = 1; n = 0; print; next }
    show && /^ *---$/ { next }
    show && /\(node:/ { next }
    show && /^ *\.\.\.$/ { show = 0; next }
    show && /^ *(ok|not ok) / { show = 0 }
    show { if (n++ < max) print; else if (n == max + 1) print "    (…)"; next }
  ' "$log" 2>/dev/null
}
