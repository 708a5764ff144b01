#!/bin/sh
# Bounded fuzzing of the parameter decoder, JSON parameters and batch commands.
#   fuzz/run.sh [SECONDS_PER_TARGET]   (default 60; CI uses a short run, a long run uses hours)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). New inputs go to
# fuzz/target/corpus-run/, so the committed seed corpus (fuzz/corpus/) stays small; a crash
# leaves its input in fuzz/artifacts/<target>/ and makes this script exit non-zero.
# Prints, per target, the inputs tried (libFuzzer's "#N DONE" line).
set -eu
seconds="${1:-60}"
cd "$(dirname "$0")"
status=0
for target in params_query params_json batch_command; do
    scratch="target/corpus-run/$target"
    mkdir -p "$scratch"
    log="target/$target.log"
    if cargo +nightly fuzz run "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
        result="no crash"
    else
        result="CRASH (see $log and artifacts/$target/)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "$target: $runs inputs in ${seconds}s, $result"
done
exit $status
