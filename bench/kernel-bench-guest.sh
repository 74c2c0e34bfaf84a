#!/bin/sh
# SPDX-License-Identifier: MIT
# kernel-bench-guest.sh - the guest side of bench/kernel-bench: figures of gpio-blinkd's
# gpiod backend on a real gpiolib (gpio-sim) in a QEMU guest. Prints "RESULT key=value"
# lines, and "EDGE who index t_us lateness_us" lines for the plot. Payloads: the daemon
# (gpio-blinkd), strace and gpioset directories (tests/kernel/fetch-guest-tool) and,
# when built, hal-toggle. Environment: BENCH_PERIOD_MS (half period of the drift run,
# default 50), BENCH_SECONDS (its length, default 30).
# shellcheck disable=SC1091  # the guest copy of tests/kernel/guest-lib.sh
. /lib/gpio-guest.sh

BLINKD=/payload/gpio-blinkd
STRACE=$(echo /payload/strace-*/bin/strace)
GPIOSET=$(echo /payload/gpioset-*/bin/gpioset)
HALT=/payload/hal-toggle
HALF=${BENCH_PERIOD_MS:-50}
SECONDS_RUN=${BENCH_SECONDS:-30}
T=/tmp/bench
mkdir -p "$T"

echo "RESULT kernel=$QG_ARCH $QG_KERNEL_RELEASE"
echo "RESULT daemon=$("$BLINKD" --version | head -n1); $("$BLINKD" --version | sed -n 's/.*through \(libgpiod [0-9.]*\).*/\1/p')"
echo "RESULT strace=$("$STRACE" -V | head -n1)"
echo "RESULT gpioset=$("$GPIOSET" --version 2>&1 | head -n1)"
# sim_path NAME OFF: the simulator's value file of a line (its real level)
sim_path() { echo "$(sim_var "$1" 0 OUTSIDE)/sim_gpio$2/value"; }
sim_chip_create bench 16 --label bench >/dev/null || { echo "setup: sim_chip_create failed"; exit 1; }
C=$SIM_BENCH_CHIP

# lines N: the daemon's arguments for lines 0..N-1 of the chip, every other one active-low
lines() {
    _i=0 _a=
    while [ "$_i" -lt "$1" ]; do
        if [ $((_i % 2)) = 1 ]; then _a="$_a $C:$_i,active-low"; else _a="$_a $C:$_i"; fi
        _i=$((_i + 1))
    done
    echo "$_a"
}

# calls FILE: "total ioctl ppoll" calls of an strace -c table (calls: the 4th column)
calls() {
    awk '$NF == "total" { total = $4 } $NF == "ioctl" { ioctl = $4 } $NF == "ppoll" { ppoll = $4 }
         END { print total + 0, ioctl + 0, ppoll + 0 }' "$1"
}

# counted_run N COUNT: the daemon blinks N lines COUNT times (50 ms on/off) under strace
# -c, and under strace -e ioctl for the number of set ioctls; prints "total ioctl ppoll sets"
counted_run() {
    # shellcheck disable=SC2046  # lines: words on purpose
    "$STRACE" -f -c -o "$T/c.$1.$2" "$BLINKD" --backend gpiod --control none --on 50ms --off 50ms \
        --count "$2" $(lines "$1") >/dev/null 2>"$T/c.$1.$2.log"
    # shellcheck disable=SC2046
    "$STRACE" -f -e trace=ioctl -o "$T/s.$1.$2" "$BLINKD" --backend gpiod --control none --on 50ms \
        --off 50ms --count "$2" $(lines "$1") >/dev/null 2>&1
    echo "$(calls "$T/c.$1.$2") $(grep -c 'SET_VALUES\|SET_LINE_VALUES' "$T/s.$1.$2")"
}

# --- system calls per edge instant: 1, 4 and 16 lines of one chip ------------------
# Two runs of 10 and 40 blinks; the difference divided by the difference in set ioctls
# (one per instant and request) leaves start-up and shutdown out.
for n in 1 4 16; do
    # shellcheck disable=SC2046  # four numbers
    set -- $(counted_run "$n" 10)
    a_total=$1 a_ioctl=$2 a_ppoll=$3 a_sets=$4
    # shellcheck disable=SC2046
    set -- $(counted_run "$n" 40)
    instants=$(($4 - a_sets))
    awk -v n="$n" -v t=$(($1 - a_total)) -v i=$(($2 - a_ioctl)) -v p=$(($3 - a_ppoll)) -v k="$instants" \
        'BEGIN { printf "RESULT syscalls_per_instant lines=%d instants=%d total=%.3f ioctl=%.3f ppoll=%.3f\n",
                 n, k, t / k, i / k, p / k }'
done

# --- spread between the lines of one instant -----------------------------------------
# 16 lines: the time from the start of the first level-changing call of an instant to
# the end of its last (strace -ttt -T, which slows each call down: an upper bound).
# gpiod: one ioctl sets them all; sysfs: one write per line.
spread() {
    awk -v pat="$1" '
        $0 ~ pat && /= [0-9]/ {
            t = $2; d = $NF; gsub(/[<>]/, "", d); e = t + d
            if (start == "" || t - last > 0.040) { if (start != "") { s[++n] = (end - start) * 1e6 } start = t }
            end = e; last = e
        }
        END {
            if (start != "") s[++n] = (end - start) * 1e6
            # drop the first (the request) and the last (the release)
            for (i = 2; i < n; i++) { v[++m] = s[i] }
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
            printf "instants=%d median_us=%d max_us=%d\n", m, v[int((m + 1) / 2)], v[m]
        }' "$2"
}
# shellcheck disable=SC2046
"$STRACE" -f -ttt -T -e trace=ioctl -o "$T/spread.gpiod" "$BLINKD" --backend gpiod --control none \
    --on 100ms --off 100ms --count 10 $(lines 16) >/dev/null 2>&1
echo "RESULT spread backend=gpiod lines=16 $(spread 'SET_VALUES|SET_LINE_VALUES' "$T/spread.gpiod")"
# shellcheck disable=SC2046
"$STRACE" -f -ttt -T -e trace=write,pwrite64 -o "$T/spread.sysfs" "$BLINKD" --backend sysfs --on-exit release --control none \
    --on 100ms --off 100ms --count 10 $(lines 16) >/dev/null 2>&1
echo "RESULT spread backend=sysfs lines=16 $(spread 'write.*"[01]' "$T/spread.sysfs")"

# --- drift and CPU: gpio-blinkd and gpioset -t side by side --------------------------
# Line 0 by the daemon, line 1 by gpioset (same chip, same half period, same time),
# both sampled from outside (gpio-sim's value files, every 1 ms).
gpio-sample-all 1000 $(((SECONDS_RUN + 5) * 1000)) "$(sim_path bench 0)" "$(sim_path bench 1)" >"$T/drift.wave" 2>&1 &
SAMPLER=$!
usleep 200000
"$BLINKD" --backend gpiod --control none --on "${HALF}ms" --off "${HALF}ms" "$C:0" >/dev/null 2>"$T/drift.log" &
DAEMON=$!
"$GPIOSET" -c "$C" -t "${HALF}ms" 1=1 >/dev/null 2>"$T/gpioset.log" &
GS=$!
sleep "$SECONDS_RUN"
# CPU time (user + system, clock ticks) before stopping them
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=100
echo "RESULT cpu seconds=$SECONDS_RUN half_period_ms=$HALF daemon_ticks=$(ticks "$DAEMON") gpioset_ticks=$(ticks "$GS") hz=$hz"
kill -TERM "$DAEMON" "$GS" || { tail -n 5 "$T/drift.log" "$T/gpioset.log"; exit 1; }
wait "$DAEMON" "$GS" 2>/dev/null
kill -TERM "$SAMPLER"
wait "$SAMPLER" 2>/dev/null
# Each edge against the ideal grid from that line's first edge (t0, half period h):
#   slip:  t - (t0 + k h), k = the edge's count: what relative sleeps accumulate
#   phase: t - (t0 + n h), n = the nearest grid slot whose level is the edge's (n and k
#          of one parity): how far from its due time the edge came, whatever came before
#          (the daemon skips the edges of a stall and is back on the grid; gpioset -t
#          toggles every edge, later and later)
# EDGE who k t_us slip_us phase_us slot_n
for col in 1 2; do
    who=gpio-blinkd
    [ "$col" = 2 ] && who=gpioset
    awk -v c=$((col + 1)) -v who="$who" -v half="$HALF" '
        /^#/ { next }
        NF < c { next }
        n && $c != prev {
            t = $1; h = half * 1000
            if (k == 0) t0 = t
            x = (t - t0) / h
            slot = int(x + 0.5)
            if ((slot - k) % 2 != 0) { if (x > slot) slot++; else slot-- }
            printf "EDGE %s %d %d %d %d %d\n", who, k, t, t - (t0 + k * h), t - (t0 + slot * h), slot
            k++
        }
        { prev = $c; n = 1 }' "$T/drift.wave"
done

# --- toggle rate: through the HAL against a raw ioctl loop ----------------------------
# Five rounds of 100000 toggles each, the order alternating: a TCG guest on a shared host
# is preempted at random, so the best round of each is the figure.
if [ -x "$HALT" ]; then
    for round in 1 2 3 4 5; do
        if [ $((round % 2)) = 1 ]; then order="raw hal"; else order="hal raw"; fi
        for mode in $order; do
            if [ "$mode" = raw ]; then
                "$HALT" raw "/dev/$C" 5 100000 | sed "s/^/RESULT toggle round=$round /"
            else
                "$HALT" hal "$C:6" 100000 | sed "s/^/RESULT toggle round=$round /"
            fi
        done
    done
fi
echo "RESULT done"
