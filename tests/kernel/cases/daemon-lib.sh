#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-lib.sh - guest-side helpers for the kernel tests of gpio-blinkd's sysfs
# and gpiod backends (tests/kernel/cases/daemon-*.sh).  Shipped to the guest as a
# payload (/payload/daemon-lib.sh) next to the static daemon; sources
# /lib/gpio-guest.sh.
#
# Environment (set by run-guest-group through qemu-gpio-run --env):
#   BLINKD   path of the daemon in the guest (default /payload/gpio-blinkd)
#   CASES    optional space-separated case ids: run only these
#   BLINKD_LIBGPIOD_EXPECTED  optional: the libgpiod version the build was
#            configured with (gpiod groups check that the binary has it)
#   SYSFS_ABI  optional: chip (run-guest-group's chip-* groups): the daemon's sysfs
#            backend runs with --sysfs-abi chip, and the cases expect the per-chip ABI
# Set by the group scripts:
#   BLINKD_BACKEND  the --backend that blinkd_start passes (default sysfs)
#   DL_WRAP         optional command words run in front of the daemon (e.g.
#                   "gpio-runas 1000 1000"); empty = none
#
# Report format (parsed by check-case on the host, one section per case):
#   === CASE <id>: <what it proves>
#   PASS: ... / FAIL: ...                 (guest-lib check/check_eq lines)
#   CASE <id> PASS (N checks) | CASE <id> FAIL (F of N checks failed)
#   ... and once at the end:  ALL CASES REPORTED: N cases, F failed
# The script exits 0 when every case passed, 1 otherwise.
# shellcheck disable=SC1091  # the guest copy of tests/kernel/guest-lib.sh
. /lib/gpio-guest.sh

BLINKD=${BLINKD:-/payload/gpio-blinkd}
DL_CASES_RUN=0
DL_CASES_FAILED=0
DL_TMP=/tmp/blinkd-cases
mkdir -p "$DL_TMP"

# --- cases ---------------------------------------------------------------------
# case_wanted ID: true when ID is selected (CASES empty = all)
case_wanted() {
    [ -z "${CASES:-}" ] && return 0
    for _w in $CASES; do [ "$_w" = "$1" ] && return 0; done
    return 1
}

# case_begin ID DESCRIPTION
case_begin() {
    CASE_ID=$1
    CASE_FAIL0=$GPIO_CHECK_FAIL
    CASE_PASS0=$GPIO_CHECK_PASS
    CASE_T0=$(gpio-now)
    echo "=== CASE $1: $2"
}

# case_end: prints the verdict of the current case
case_end() {
    _f=$((GPIO_CHECK_FAIL - CASE_FAIL0))
    _p=$((GPIO_CHECK_PASS - CASE_PASS0))
    _ms=$((($(gpio-now) - CASE_T0) / 1000))
    DL_CASES_RUN=$((DL_CASES_RUN + 1))
    if [ "$_f" -eq 0 ] && [ "$_p" -gt 0 ]; then
        echo "CASE $CASE_ID PASS ($_p checks, ${_ms} ms)"
    else
        DL_CASES_FAILED=$((DL_CASES_FAILED + 1))
        echo "CASE $CASE_ID FAIL ($_f of $((_p + _f)) checks failed, ${_ms} ms)"
    fi
}

# cases_done: final line; exit status of the guest script
cases_done() {
    echo "ALL CASES REPORTED: $DL_CASES_RUN cases, $DL_CASES_FAILED failed"
    [ "$DL_CASES_FAILED" -eq 0 ]
}

# fail_now DESC: a failed check without a command (setup problems)
fail_now() { check "$1" false; }

is_int() { case "$1" in '' | - | *[!0-9-]* | ?*-*) return 1 ;; esac; }

# within DESC GOT WANT TOL: passes when |GOT - WANT| <= TOL (integers)
within() {
    _d=999999999
    if is_int "$2"; then _d=$(($2 - $3)); fi
    [ "$_d" -lt 0 ] && _d=$((-_d))
    if [ "$_d" -le "$4" ]; then
        check "$1: $2, want $3 +- $4" true
    else
        check "$1: got '$2', want $3 +- $4" false
    fi
}

# at_most DESC GOT MAX / at_least DESC GOT MIN
at_most() {
    if is_int "$2" && [ "$2" -le "$3" ]; then check "$1: $2 <= $3" true
    else check "$1: got '$2', want <= $3" false; fi
}
at_least() {
    if is_int "$2" && [ "$2" -ge "$3" ]; then check "$1: $2 >= $3" true
    else check "$1: got '$2', want >= $3" false; fi
}

# log_has DESC FILE FIXED-STRING: the daemon's stderr contains the text
log_has() {
    if grep -qF -- "$3" "$2"; then
        check "$1" true
    else
        check "$1 (stderr lacks: $3)" false
        dl_show_log "$2"
    fi
}

dl_show_log() {
    echo "--- daemon stderr ($1), last lines:"
    tail -n 12 "$1" | sed 's/^/  | /'
}

# --- the daemon ----------------------------------------------------------------
# blinkd_start_with BACKEND LOG ARGS...: starts the daemon (--backend BACKEND,
# behind DL_WRAP when set) in the background with stderr to LOG and stdout to
# LOG.out; sets BLINKD_PID
blinkd_start_with() {
    _be=$1 _log=$2
    shift 2
    if [ "$_be" = sysfs ] && [ -n "${SYSFS_ABI:-}" ]; then set -- --sysfs-abi "$SYSFS_ABI" "$@"; fi
    # shellcheck disable=SC2086  # DL_WRAP: command words, split on purpose
    ${DL_WRAP:-} "$BLINKD" --backend "$_be" "$@" </dev/null >"$_log.out" 2>"$_log" &
    BLINKD_PID=$!
}

# sysfs_line_dir CHIP OFF GLOBAL: the directory of the line's export under the ABI the
# cases use: /sys/class/gpio/gpioGLOBAL (legacy) or /sys/class/gpio/chipN/gpioOFF
sysfs_line_dir() {
    if [ "${SYSFS_ABI:-}" = chip ]; then echo "/sys/class/gpio/chip${1#gpiochip}/gpio$2"
    else echo "/sys/class/gpio/gpio$3"; fi
}

# sysfs_line_name CHIP OFF GLOBAL: how the daemon names that export in its messages
sysfs_line_name() {
    if [ "${SYSFS_ABI:-}" = chip ]; then echo "$1 line $2"; else echo "GPIO $3"; fi
}

# blinkd_start LOG ARGS...: the same with --backend $BLINKD_BACKEND (sysfs)
blinkd_start() {
    _l=$1
    shift
    blinkd_start_with "${BLINKD_BACKEND:-sysfs}" "$_l" "$@"
}

# wait_log LOG FIXED-STRING [TIMEOUT_MS]: waits until LOG contains the text;
# returns 1 on timeout or when the daemon BLINKD_PID ended first
wait_log() {
    _deadline=$(($(gpio-now) + ${3:-5000} * 1000))
    while ! grep -qF -- "$2" "$1"; do
        if [ "$(gpio-now)" -gt "$_deadline" ]; then
            echo "timeout waiting for '$2' in $1"
            return 1
        fi
        if [ -n "${BLINKD_PID:-}" ] && ! kill -0 "$BLINKD_PID" 2>/dev/null; then
            grep -qF -- "$2" "$1" && return 0
            echo "the daemon ended before '$2' appeared in $1"
            return 1
        fi
        usleep 10000
    done
    return 0
}

# blinkd_ready LOG: waits for the "ready:" line (up to 10 s)
blinkd_ready() { wait_log "$1" "ready: Blinking" 10000; }

# blinkd_wait PID TIMEOUT_MS: waits for the daemon to end; SIGKILLs it after
# TIMEOUT_MS.  Sets BLINKD_RC (137 = had to be killed) and BLINKD_WAIT_MS
# (time from the call until the exit was seen).
blinkd_wait() {
    _t0=$(gpio-now)
    (usleep $(($2 * 1000)) && kill -KILL "$1" 2>/dev/null) </dev/null >/dev/null 2>&1 &
    _killer=$!
    wait "$1"
    # shellcheck disable=SC2034  # read by the case scripts
    BLINKD_RC=$?
    # shellcheck disable=SC2034
    BLINKD_WAIT_MS=$((($(gpio-now) - _t0) / 1000))
    kill "$_killer" 2>/dev/null
    wait "$_killer" 2>/dev/null
    return 0
}

# wait_level NAME OFF LEVEL [BANK] [TIMEOUT_MS]: polls sim_value
wait_level() {
    _deadline=$(($(gpio-now) + ${5:-3000} * 1000))
    while [ "$(sim_value "$1" "$2" "${4:-0}")" != "$3" ]; do
        [ "$(gpio-now)" -gt "$_deadline" ] && return 1
        usleep 2000
    done
    return 0
}

# wait_rise NAME OFF [BANK]: waits (3 s each) for the line to be low, then high: returns
# right after a rising edge, with most of the on-time still ahead
wait_rise() { wait_level "$1" "$2" 0 "${3:-0}" && wait_level "$1" "$2" 1 "${3:-0}"; }

# --- runs that blink a few times or must fail ------------------------------------
# count_run NAME "SAMPLED PATHS" LINE...: the daemon blinks LINE... twice
# (--on 100ms --off 100ms --count 2) while the paths are sampled; sets
# RUN_RC, RUN_LOG and RUN_WAVE
count_run() {
    RUN_LOG=$DL_TMP/$1.log RUN_WAVE=$DL_TMP/$1.wave
    _n=$1 _paths=$2
    shift 2
    # shellcheck disable=SC2086  # the paths have no blanks
    sample_start "$RUN_WAVE" 15000 $_paths
    usleep 50000
    blinkd_start "$RUN_LOG" --on 100ms --off 100ms --count 2 "$@"
    blinkd_wait "$BLINKD_PID" 6000
    RUN_RC=$BLINKD_RC
    sample_stop
    check_eq "$_n: exit status" "$RUN_RC" 0
    [ "$RUN_RC" = 0 ] || dl_show_log "$RUN_LOG"
}

# toggled DESC COL WANT_RISES: rising edges seen on column COL of RUN_WAVE
toggled() { check_eq "$1" "$(wave_get "$(wave "$RUN_WAVE" "$2")" rises)" "$3"; }

# expect_fail NAME LINE...: the daemon must exit 1 within 3 s; sets RUN_LOG
expect_fail() {
    RUN_LOG=$DL_TMP/$1.log
    _n=$1
    shift
    blinkd_start "$RUN_LOG" --on 100ms --off 100ms "$@"
    blinkd_wait "$BLINKD_PID" 5000
    check_eq "$_n: exit status" "$BLINKD_RC" 1
    at_most "$_n: exits within (ms)" "$BLINKD_WAIT_MS" 3000
}

# not_exported DESC N: /sys/class/gpio/gpioN does not exist
not_exported() {
    if [ -e "/sys/class/gpio/gpio$2" ]; then check "$1: gpio$2 left exported" false
    else check "$1: gpio$2 not exported" true; fi
}

# described LOG ARG: the daemon's description of the line it opened for ARG
# (the text between "line 'ARG': " and the first "; " of its set-up line), or nothing
described() {
    awk -v p="line '$2': " 'index($0, p) {
        s = substr($0, index($0, p) + length(p)); if (index(s, "; ")) { print substr(s, 1, index(s, "; ") - 1); exit } }' "$1"
}

# --- the character device, from outside the daemon --------------------------------
# line_info CHIP OFF: the kernel's v2 line info (gpio-lineinfo):
#   offset=N name="..." consumer="..." flags=used,active-low,output
line_info() { gpio-lineinfo "/dev/$1" "$2" 2>&1; }

# line_free DESC CHIP OFF: the line is not requested (no "used" flag, no consumer)
line_free() {
    _i=$(line_info "$2" "$3")
    case "$_i" in
        *'consumer=""'*) case "$_i" in *flags=used*) check "$1: got '$_i'" false ;; *) check "$1" true ;; esac ;;
        *) check "$1: got '$_i'" false ;;
    esac
}

# line_held_by DESC CHIP OFF CONSUMER [FLAG...]: requested by CONSUMER, with
# every FLAG (active-low, output, ...) set
line_held_by() {
    _i=$(line_info "$2" "$3")
    _ok=1
    case "$_i" in *"consumer=\"$4\" flags=used"*) ;; *) _ok=0 ;; esac
    _d=$1
    shift 4
    for _fl in "$@"; do
        case ",${_i#*flags=}," in *",$_fl,"*) ;; *) _ok=0 ;; esac
    done
    if [ "$_ok" = 1 ]; then check "$_d ($_i)" true; else check "$_d: got '$_i'" false; fi
}

# grab_lines PID: keeps the line requests of PID open in gpio-grabfd (see
# tests/kernel/gpio-helper.c) so that they outlive PID: gpio-sim puts a released
# line back to its pull, which would hide the level the daemon left it at.
# Sets GRAB_PID and GRAB_N (requests grabbed; 0 when it failed).
grab_lines() {
    _gl=$DL_TMP/grab.$1
    gpio-grabfd "$1" >"$_gl" 2>&1 &
    GRAB_PID=$!
    GRAB_N=0
    _deadline=$(($(gpio-now) + 3000000))
    while ! grep -q '^READY' "$_gl"; do
        if ! kill -0 "$GRAB_PID" 2>/dev/null || [ "$(gpio-now)" -gt "$_deadline" ]; then
            sed 's/^/  grab| /' "$_gl"
            return 1
        fi
        usleep 5000
    done
    # shellcheck disable=SC2034  # read by the case scripts
    GRAB_N=$(sed -n 's/^READY .* grabbed=\([0-9]*\).*/\1/p' "$_gl")
    return 0
}

# requests_for V2 V1: how many line requests the daemon makes for a set of lines: V2
# through libgpiod 2 (one per chip), V1 through libgpiod 1.6 (one per chip and setting
# group: the uAPI v1 sets flags such as active-low per request)
requests_for() { if [ "${LIBGPIOD_MAJOR:-}" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# grab_release: closes the grabbed requests (the lines are released)
grab_release() {
    [ -n "${GRAB_PID:-}" ] || return 0
    kill -TERM "$GRAB_PID" 2>/dev/null
    wait "$GRAB_PID" 2>/dev/null
    GRAB_PID=
    return 0
}

# gpiod_setup: for the gpiod groups: BLINKD_BACKEND=gpiod, LIBGPIOD (the
# version the binary reports: 1.6.3, 2.2.1) and LIBGPIOD_MAJOR (1 or 2)
gpiod_setup() {
    # shellcheck disable=SC2034  # read by blinkd_start
    BLINKD_BACKEND=gpiod
    LIBGPIOD=$("$BLINKD" --version | sed -n 's/.* through libgpiod \([0-9][0-9.]*\).*/\1/p')
    # shellcheck disable=SC2034  # read by the case scripts
    LIBGPIOD_MAJOR=${LIBGPIOD%%.*}
    echo "== gpiod backend with libgpiod ${LIBGPIOD:-(none)}; the build says ${BLINKD_LIBGPIOD_EXPECTED:-(not given)}"
}

# libgpiod_as_built: the binary has the libgpiod the build was configured with
libgpiod_as_built() {
    [ -n "$LIBGPIOD" ] || fail_now "the daemon has the gpiod backend (gpio-blinkd --version)"
    check_eq "the daemon's libgpiod (gpio-blinkd --version)" "$LIBGPIOD" "${BLINKD_LIBGPIOD_EXPECTED:-$LIBGPIOD}"
}

# --- waveforms -----------------------------------------------------------------
# sample_start FILE DURATION_MS VALUEFILE...: gpio-sample-all (1 ms) in the
# background; sets SAMPLER_PID.  Columns of FILE: t_us, then one per VALUEFILE.
sample_start() {
    _f=$1 _d=$2
    shift 2
    gpio-sample-all 1000 "$_d" "$@" >"$_f" 2>&1 &
    SAMPLER_PID=$!
}

# sample_stop: ends the sampler SAMPLER_PID 150 ms from now (its output so far
# is complete: it writes line by line)
sample_stop() {
    usleep 150000
    kill -TERM "$SAMPLER_PID" 2>/dev/null
    wait "$SAMPLER_PID" 2>/dev/null
    return 0
}

# sim_path NAME OFF [BANK]: the simulator's view of a line (its real level)
sim_path() { echo "$(sim_var "$1" "${3:-0}" OUTSIDE)/sim_gpio$2/value"; }

# wave FILE COL: summary of column COL (1 = first value file) of a
# gpio-sample-all output, times in ms:
#   edges= rises= falls= first= last= high_ms= low_ms= period_ms= first_rise_ms=
#   levels=0101...   (the sequence of levels, at most 40)
# high_ms/low_ms: mean of the complete high/low intervals; period_ms: mean
# rise-to-rise time; -1 when there is nothing to measure.
wave() {
    awk -v c=$(($2 + 1)) '
        /^#/ { next }
        NF < c { next }
        {
            t = $1 / 1000.0; v = $c
            if (n == 0) { first = v; prev = v; levels = v; n = 1; next }
            if (v == prev) next
            edges++
            if (length(levels) < 40) levels = levels v
            if (v == 1) {
                rises++
                if (rises == 1) r1 = t
                rl = t
                if (hf) { lows += t - tf; nl++ }
                tr = t; hr = 1
            } else {
                falls++
                if (hr) { highs += t - tr; nh++ }
                tf = t; hf = 1
            }
            prev = v
        }
        END {
            hi = -1; lo = -1; per = -1; fr = -1
            if (nh) hi = highs / nh + 0.5
            if (nl) lo = lows / nl + 0.5
            if (rises >= 2) per = (rl - r1) / (rises - 1) + 0.5
            if (rises) fr = r1 + 0.5
            printf "edges=%d rises=%d falls=%d first=%s last=%s high_ms=%d low_ms=%d period_ms=%d first_rise_ms=%d levels=%s\n",
                edges, rises, falls, first, prev, hi, lo, per, fr, levels
        }' "$1"
}

# wave_get SUMMARY KEY: one field of a wave summary
wave_get() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# lag FILE COL_A COL_B: mean signed delay (ms) from the nearest rise of A to
# each rise of B (-1 when either has no rise; a negative mean prints as is)
lag() {
    awk -v a=$(($2 + 1)) -v b=$(($3 + 1)) '
        /^#/ { next }
        {
            t = $1 / 1000.0
            if (n && $a == 1 && pa == 0) ra[++na] = t
            if (n && $b == 1 && pb == 0) rb[++nb] = t
            pa = $a; pb = $b; n = 1
        }
        END {
            if (!na || !nb) { print -1; exit }
            for (i = 1; i <= nb; i++) {
                best = ""
                for (j = 1; j <= na; j++) {
                    d = rb[i] - ra[j]
                    if (best == "" || (d < 0 ? -d : d) < (best < 0 ? -best : best)) best = d
                }
                s += best
            }
            r = s / nb
            printf "%d\n", (r < 0 ? r - 0.5 : r + 0.5)
        }' "$1"
}

# same_permille FILE COL_A COL_B: share of the time (per mille) in which A and
# B have the same level, counted from the first change of B to the end
same_permille() {
    awk -v a=$(($2 + 1)) -v b=$(($3 + 1)) '
        /^#/ { next }
        {
            t = $1
            if (started) { total += t - pt; if (pa == pb) same += t - pt }
            else if (n && $b != pb) started = 1
            pa = $a; pb = $b; pt = t; n = 1
        }
        END { r = 1000; if (total) r = 1000 * same / total; printf "%d\n", r }' "$1"
}

# --- chips ---------------------------------------------------------------------
# chip_table: every chip as "gpiochipN BASE NGPIO LABEL", one a line, from the chardev
# (label, line count) and gpio_chip_base (debugfs, or the legacy sysfs chip on kernels
# whose debugfs shows no ranges)
chip_table() {
    for _ct in /sys/bus/gpio/devices/gpiochip*; do
        [ -e "$_ct" ] || continue
        _ct=${_ct##*/}
        _ct_info=$(gpio-chipinfo "/dev/$_ct")
        echo "$_ct $(gpio_chip_base "$_ct") $(echo "$_ct_info" | sed -n 's/.* lines=\([0-9]*\).*/\1/p')" \
            "$(echo "$_ct_info" | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')"
    done
}

# chip_ranges: every chip as "gpiochipN [label] global A-B" (the daemon's wording)
chip_ranges() {
    chip_table | while read -r _c _b _n _l; do echo "$_c [$_l] global $_b-$((_b + _n - 1))"; done
}

# number_in_any_chip N: true when a chip covers global number N
number_in_any_chip() {
    chip_table | awk -v n="$1" '{ if (n >= $2 + 0 && n < $2 + $3) f = 1 } END { exit !f }'
}

# lowest_base: the smallest base of all chips
lowest_base() {
    chip_table | awk '{ if (m == "" || $2 + 0 < m) m = $2 + 0 } END { print m }'
}

# kernel_ok DESC: no oops, BUG or warning splat in dmesg since boot
kernel_ok() {
    if dmesg | grep -qE 'Oops|BUG:|WARNING:|Call trace:|Kernel panic'; then
        check "$1" false
        dmesg | grep -E -A5 'Oops|BUG:|WARNING:|Call trace:' | head -n 20 | sed 's/^/  dmesg| /'
    else
        check "$1" true
    fi
}

echo "== $QG_ARCH $QG_KERNEL kernel $QG_KERNEL_RELEASE ($QG_KERNEL_VERSION); daemon: $("$BLINKD" --version | head -n1)${SYSFS_ABI:+; sysfs ABI: $SYSFS_ABI}"

# One daemon, four lines of chip $1 (gpio-sim device $2): L1 plain, L2 phase=100ms,
# L3 its own on/off, L4 active-low; global --on 200ms --off 200ms. Samples them together
# for 2.3 s after "ready" (a loaded host can delay the start by seconds), calling the
# function $3, if given, 1 s in. Leaves the daemon running (MULTI_PID) and sets
# multi_started and the waveforms W1..W4.
multi_blink_sample() {
    multi_chip=$1 multi_sim=$2 multi_midway=${3:-}
    multi_started=0
    sample_start "$T/multi.wave" 15000 "$(sim_path "$multi_sim" 1)" "$(sim_path "$multi_sim" 2)" \
        "$(sim_path "$multi_sim" 3)" "$(sim_path "$multi_sim" 4)"
    usleep 100000
    blinkd_start "$T/multi.log" --on 200ms --off 200ms "$multi_chip:1" "$multi_chip:2,phase=100ms" \
        "$multi_chip:3,on=100ms,off=100ms" "$multi_chip:4,active-low"
    # shellcheck disable=SC2034 # the case scripts stop it
    MULTI_PID=$BLINKD_PID
    blinkd_ready "$T/multi.log" && multi_started=1
    usleep 1000000
    [ -z "$multi_midway" ] || "$multi_midway"
    usleep 1150000
    sample_stop
    W1=$(wave "$T/multi.wave" 1)
    W2=$(wave "$T/multi.wave" 2)
    W3=$(wave "$T/multi.wave" 3)
    W4=$(wave "$T/multi.wave" 4)
    echo "  L1 plain:        $W1"
    echo "  L2 phase=100ms:  $W2"
    echo "  L3 on/off=100ms: $W3"
    echo "  L4 active-low:   $W4"
}

# The checks of the case blink-phases on the waveforms of multi_blink_sample. (Each
# group script keeps its case_begin line: CMake registers the cases from those.)
check_blink_phases() {
    check_eq "daemon ready" "$multi_started" 1
    log_has "stderr says 4 lines" "$T/multi.log" "ready: Blinking 4 lines"
    at_least "L1 rising edges in 2.3 s" "$(wave_get "$W1" rises)" 5
    within "L1 period (ms)" "$(wave_get "$W1" period_ms)" 400 40
    within "L1 high time (ms)" "$(wave_get "$W1" high_ms)" 200 30
    within "L2 period (ms)" "$(wave_get "$W2" period_ms)" 400 40
    within "L2 high time (ms)" "$(wave_get "$W2" high_ms)" 200 30
    within "L2 rises after L1 by the phase (ms)" "$(lag "$T/multi.wave" 1 2)" 100 30
    at_least "L3 rising edges in 2.3 s" "$(wave_get "$W3" rises)" 10
    within "L3 period, its own on/off (ms)" "$(wave_get "$W3" period_ms)" 200 25
    within "L3 high time (ms)" "$(wave_get "$W3" high_ms)" 100 25
    within "L1 rises when L3 does (ms)" "$(lag "$T/multi.wave" 3 1)" 0 30
}

# blink-timing's run and the checks common to both backends: --on 150ms --off 250ms
# --count 5 on line 0 of chip $1 (gpio-sim device $2), sampled from outside.
timing_run_and_check() {
    sample_start "$T/timing.wave" 15000 "$(sim_path "$2" 0)"
    usleep 100000 # the sampler sees the idle level first
    blinkd_start "$T/timing.log" --on 150ms --off 250ms --count 5 "$1:0"
    blinkd_wait "$BLINKD_PID" 8000
    sample_stop
    w=$(wave "$T/timing.wave" 1)
    echo "  wave: $w"
    check_eq "exit status" "$BLINKD_RC" 0
    check_eq "edges (5 on + 5 off)" "$(wave_get "$w" edges)" 10
    check_eq "rising edges" "$(wave_get "$w" rises)" 5
    within "mean high time (ms)" "$(wave_get "$w" high_ms)" 150 30
    within "mean low time (ms)" "$(wave_get "$w" low_ms)" 250 30
    within "mean period (ms)" "$(wave_get "$w" period_ms)" 400 40
    check_eq "level before and after" "$(wave_get "$w" first)$(wave_get "$w" last)" 00
    log_has "stderr says the count is done" "$T/timing.log" "done: 5 blinks per line; every line is off and released"
}
