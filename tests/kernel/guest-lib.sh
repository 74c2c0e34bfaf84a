#!/bin/sh
# SPDX-License-Identifier: MIT
# guest-lib.sh - helpers for guest scripts run by tests/kernel/qemu-gpio-run.
# Installed in the guest as /lib/gpio-guest.sh; use:   . /lib/gpio-guest.sh
# POSIX sh / busybox ash.  All functions return non-zero on failure and print
# the reason on stderr.  Chip numbers, bases and device names are dynamic:
# always read them from the variables set here, never hard-code them.
#
# gpio-sim (configfs):
#   sim_chip_create NAME NUM_LINES [--label L] [--name OFF=LINENAME]...
#                   [--hog OFF=CONSUMER:output-high|output-low|input]...
#                   [--bank NUM_LINES [--label L] [--name ...] [--hog ...]]...
#       Creates /sys/kernel/config/gpio-sim/NAME with bank0 (+ bank1... for
#       each --bank) and sets live=1.  Prints one "SIM ..." line per bank and
#       sets, for bank0 (and SIM_<NAME>_B<i>_* for every bank i):
#         SIM_CHIP     chardev name, e.g. gpiochip1   (/dev/$SIM_CHIP)
#         SIM_BASE     sysfs base (global number of offset 0)
#         SIM_NGPIO    number of lines
#         SIM_LABEL    chip label
#         SIM_DEV      platform device name, e.g. gpio-sim.0
#         SIM_OUTSIDE  /sys/devices/platform/$SIM_DEV/$SIM_CHIP (sim_gpioX/...)
#       SIM_<NAME>_CHIP etc. are the same for bank0 (NAME upper-cased, every
#       non-alphanumeric character turned into _).
#   sim_value NAME OFFSET [BANK]        physical output level (0/1) seen by the
#                                       simulator (…/sim_gpioX/value)
#   sim_set_pull NAME OFFSET pull-up|pull-down [BANK]   drive the input side
#   sim_chip_adopt NAME                 sets the variables of sim_chip_create for a
#                                       live device made before (e.g. by a unit at boot)
#   sim_chip_remove NAME                live=0 (if live), then remove the configfs tree
#   sim_var NAME BANK FIELD             print e.g. CHIP/BASE/OUTSIDE of a bank
# gpio-mockup (module parameters + debugfs):
#   mockup_load [--named] RANGE...      reload gpio-mockup with
#                                       gpio_mockup_ranges=RANGE,RANGE,...
#                                       (e.g. "-1,8" = dynamic base, 8 lines);
#                                       sets MOCKUP_<i>_{CHIP,BASE,NGPIO,LABEL,DEBUGFS}
#                                       and MOCKUP_* for chip 0
#   mockup_value CHIP OFFSET            value the consumer drives (debugfs read)
#   mockup_drive CHIP OFFSET 0|1        simulated input level (debugfs write)
#   mockup_unload
# generic:
#   gpio_chip_base CHIP                 sysfs base of gpiochipN (from debugfs)
#   gpio_chip_ngpio CHIP
#   gpio_chip_by_label LABEL            first gpiochipN with that label
#   sysfs_write PATH DATA               prints OK or the errno name (EBUSY ...)
#   gpio_export N / gpio_unexport N     sysfs export; print OK or errno name
#   hold_line [-i] [-v 0|1] CHIP OFFSET CONSUMER
#                                       gpio-hold in the background, waits until
#                                       the line is requested; sets HOLD_PID and
#                                       HOLD_LOG; returns 1 (log on stderr) if
#                                       the request failed
#   hold_release PID
#   gpio_sample PATH INTERVAL_US DURATION_MS   "t_us value" per change
#   sample_edges FILE                   summary of a gpio_sample output:
#                                       "edges=N first_us=T mean_period_us=P
#                                        min_half_us=A max_half_us=B"
# test bookkeeping:
#   check DESC CMD [ARGS...]            runs CMD; PASS/FAIL line, counts
#   check_eq DESC GOT WANT
#   fact KEY VALUE...                   prints "FACT KEY=VALUE" (for reports)
#   checks_done                         prints "checks: pass=N fail=N", returns
#                                       1 if any check failed

GPIO_SIM_CFS=/sys/kernel/config/gpio-sim
GPIO_CHECK_PASS=0
GPIO_CHECK_FAIL=0

_qg_err() { echo "gpio-guest: $*" >&2; }

_qg_key() {
    # NAME -> upper-case shell identifier fragment
    echo "$1" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9\n' '_'
}

# --- generic -------------------------------------------------------------------
# The base of gpiochipN. Up to 6.x, /sys/kernel/debug/gpio names each chip's range:
#   gpiochip1: GPIOs 1016-1023, parent: platform/gpio-sim.0, gpio-sim-bank0:
# later kernels print no range ("gpiochip1: 8 GPIOs, parent: ..."): then the legacy
# sysfs chip (class/gpio/gpiochipBASE) of the same parent device with the same label
# and line count (gpio-sim refuses equal labels within one device).
gpio_chip_base() {
    awk -v c="$1:" '$1 == c && $2 == "GPIOs" { split($3, r, "-"); print r[1]; f = 1; exit } END { exit !f }' \
        /sys/kernel/debug/gpio && return 0
    _gb_parent=$(readlink -f "/sys/bus/gpio/devices/$1/..")
    _gb_info=$(gpio-chipinfo "/dev/$1")
    _gb_label=$(echo "$_gb_info" | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')
    _gb_lines=$(echo "$_gb_info" | sed -n 's/.* lines=\([0-9]*\).*/\1/p')
    for _gb_d in /sys/class/gpio/gpiochip*; do
        [ -e "$_gb_d/base" ] || continue
        [ "$(readlink -f "$_gb_d/device")" = "$_gb_parent" ] || continue
        [ "$(cat "$_gb_d/label")" = "$_gb_label" ] || continue
        [ "$(cat "$_gb_d/ngpio")" = "$_gb_lines" ] || continue
        cat "$_gb_d/base"
        return 0
    done
    _qg_err "cannot find the base of $1"
    return 1
}

gpio_chip_ngpio() {
    gpio-chipinfo "/dev/$1" | sed -n 's/.* lines=\([0-9]*\).*/\1/p'
}

gpio_chip_by_label() {
    for d in /sys/bus/gpio/devices/gpiochip*; do
        [ -e "$d" ] || continue
        c=$(basename "$d")
        if [ "$(gpio-chipinfo "/dev/$c" 2>/dev/null | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')" = "$1" ]; then
            echo "$c"
            return 0
        fi
    done
    _qg_err "no chip labelled '$1'"
    return 1
}

sysfs_write() { gpio-write "$1" "$2"; }
gpio_export() { gpio-write /sys/class/gpio/export "$1"; }
gpio_unexport() { gpio-write /sys/class/gpio/unexport "$1"; }

# --- gpio-sim -----------------------------------------------------------------
_qg_sim_bank_opts() {
    # $1 = bank dir; remaining: options for this bank, stops at --bank
    _b=$1
    shift
    _consumed=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --label)
                echo "$2" >"$_b/label" || return 1
                shift 2; _consumed=$((_consumed + 2)) ;;
            --name)
                _off=${2%%=*}; _nm=${2#*=}
                mkdir -p "$_b/line$_off" && echo "$_nm" >"$_b/line$_off/name" || return 1
                shift 2; _consumed=$((_consumed + 2)) ;;
            --hog)
                _off=${2%%=*}; _rest=${2#*=}
                _cons=${_rest%:*}; _dir=${_rest##*:}
                mkdir -p "$_b/line$_off/hog" || return 1
                echo "$_cons" >"$_b/line$_off/hog/name" || return 1
                echo "$_dir" >"$_b/line$_off/hog/direction" || return 1
                shift 2; _consumed=$((_consumed + 2)) ;;
            --bank) return 0 ;;
            *) _qg_err "sim_chip_create: unknown option '$1'"; return 1 ;;
        esac
    done
    return 0
}

sim_chip_create() {
    if [ $# -lt 2 ]; then _qg_err "usage: sim_chip_create NAME NUM_LINES [opts] [--bank NUM_LINES [opts]]..."; return 1; fi
    _name=$1
    _d=$GPIO_SIM_CFS/$_name
    shift
    [ -d "$GPIO_SIM_CFS" ] || { _qg_err "gpio-sim configfs dir missing (module not loaded?)"; return 1; }
    mkdir "$_d" || { _qg_err "mkdir $_d failed"; return 1; }
    _nb=0
    while [ $# -gt 0 ]; do
        [ "$1" = --bank ] && shift
        mkdir "$_d/bank$_nb" || return 1
        echo "$1" >"$_d/bank$_nb/num_lines" || return 1
        shift
        _qg_sim_bank_opts "$_d/bank$_nb" "$@" || return 1
        shift "$_consumed"
        _nb=$((_nb + 1))
    done
    echo 1 >"$_d/live" || { _qg_err "live=1 failed for $_name"; return 1; }
    sim_chip_adopt "$_name"
}

sim_chip_adopt() {
    _name=$1
    _d=$GPIO_SIM_CFS/$_name
    [ "$(cat "$_d/live" 2>/dev/null)" = 1 ] || { _qg_err "no live gpio-sim device $_name"; return 1; }
    _nb=0
    while [ -d "$_d/bank$_nb" ]; do _nb=$((_nb + 1)); done
    _key=$(_qg_key "$_name")
    _dev=$(cat "$_d/dev_name")
    _i=0
    while [ "$_i" -lt "$_nb" ]; do
        _chip=$(cat "$_d/bank$_i/chip_name")
        _base=$(gpio_chip_base "$_chip") || return 1
        _ngpio=$(cat "$_d/bank$_i/num_lines")
        _label=$(gpio-chipinfo "/dev/$_chip" | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')
        _out=/sys/devices/platform/$_dev/$_chip
        eval "SIM_${_key}_B${_i}_CHIP=\$_chip SIM_${_key}_B${_i}_BASE=\$_base" \
             "SIM_${_key}_B${_i}_NGPIO=\$_ngpio SIM_${_key}_B${_i}_LABEL=\$_label" \
             "SIM_${_key}_B${_i}_DEV=\$_dev SIM_${_key}_B${_i}_OUTSIDE=\$_out"
        echo "SIM name=$_name bank=$_i chip=$_chip base=$_base ngpio=$_ngpio label=$_label dev=$_dev outside=$_out"
        if [ "$_i" -eq 0 ]; then
            SIM_CHIP=$_chip SIM_BASE=$_base SIM_NGPIO=$_ngpio SIM_LABEL=$_label SIM_DEV=$_dev SIM_OUTSIDE=$_out
            eval "SIM_${_key}_CHIP=\$_chip SIM_${_key}_BASE=\$_base SIM_${_key}_NGPIO=\$_ngpio" \
                 "SIM_${_key}_LABEL=\$_label SIM_${_key}_DEV=\$_dev SIM_${_key}_OUTSIDE=\$_out"
        fi
        _i=$((_i + 1))
    done
    export SIM_CHIP SIM_BASE SIM_NGPIO SIM_LABEL SIM_DEV SIM_OUTSIDE
    return 0
}

sim_var() {
    # sim_var NAME BANK FIELD  (FIELD: CHIP BASE NGPIO LABEL DEV OUTSIDE)
    eval "echo \"\${SIM_$(_qg_key "$1")_B$2_$3}\""
}

sim_value() {
    _o=$(sim_var "$1" "${3:-0}" OUTSIDE)
    [ -n "$_o" ] || { _qg_err "unknown sim chip $1"; return 1; }
    cat "$_o/sim_gpio$2/value"
}

sim_set_pull() {
    _o=$(sim_var "$1" "${4:-0}" OUTSIDE)
    [ -n "$_o" ] || { _qg_err "unknown sim chip $1"; return 1; }
    echo "$3" >"$_o/sim_gpio$2/pull"
}

sim_chip_remove() {
    _d=$GPIO_SIM_CFS/$1
    [ -d "$_d" ] || { _qg_err "no sim device $1"; return 1; }
    if [ "$(cat "$_d/live")" = 1 ]; then echo 0 >"$_d/live" || return 1; fi
    for _h in "$_d"/bank*/line*/hog; do [ -d "$_h" ] && rmdir "$_h"; done
    for _l in "$_d"/bank*/line*; do [ -d "$_l" ] && rmdir "$_l"; done
    for _b in "$_d"/bank*; do [ -d "$_b" ] && rmdir "$_b"; done
    rmdir "$_d"
}

# --- gpio-mockup --------------------------------------------------------------
mockup_unload() {
    if grep -q '^gpio_mockup ' /proc/modules; then rmmod gpio_mockup || return 1; fi
    return 0
}

mockup_load() {
    _named=
    if [ "${1:-}" = --named ]; then _named=gpio_mockup_named_lines=1; shift; fi
    _ranges=$(echo "$*" | tr ' ' ',')
    [ -f /lib/modules/gpio-mockup.ko ] ||
        { _qg_err "gpio-mockup is not available for this kernel ($QG_KERNEL_RELEASE does not ship it)"; return 1; }
    mockup_unload || return 1
    # shellcheck disable=SC2086
    insmod /lib/modules/gpio-mockup.ko "gpio_mockup_ranges=$_ranges" $_named || return 1
    _i=0
    for _c in /sys/kernel/debug/gpio-mockup/gpiochip*; do
        [ -d "$_c" ] || continue
        _chip=$(basename "$_c")
        _base=$(gpio_chip_base "$_chip") || return 1
        _ngpio=$(gpio_chip_ngpio "$_chip")
        _label=$(gpio-chipinfo "/dev/$_chip" | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')
        eval "MOCKUP_${_i}_CHIP=\$_chip MOCKUP_${_i}_BASE=\$_base MOCKUP_${_i}_NGPIO=\$_ngpio" \
             "MOCKUP_${_i}_LABEL=\$_label MOCKUP_${_i}_DEBUGFS=\$_c"
        echo "MOCKUP index=$_i chip=$_chip base=$_base ngpio=$_ngpio label=$_label debugfs=$_c"
        if [ "$_i" -eq 0 ]; then
            MOCKUP_CHIP=$_chip MOCKUP_BASE=$_base MOCKUP_NGPIO=$_ngpio MOCKUP_LABEL=$_label MOCKUP_DEBUGFS=$_c
            export MOCKUP_CHIP MOCKUP_BASE MOCKUP_NGPIO MOCKUP_LABEL MOCKUP_DEBUGFS
        fi
        _i=$((_i + 1))
    done
    [ "$_i" -gt 0 ] || { _qg_err "gpio-mockup created no chip"; return 1; }
}

mockup_value() { cat "/sys/kernel/debug/gpio-mockup/$1/$2"; }
mockup_drive() { echo "$3" >"/sys/kernel/debug/gpio-mockup/$1/$2"; }

# --- chardev holder -----------------------------------------------------------
hold_line() {
    _hopts=
    while [ $# -gt 0 ]; do
        case "$1" in
            -i) _hopts="$_hopts -i"; shift ;;
            -v) _hopts="$_hopts -v $2"; shift 2 ;;
            *) break ;;
        esac
    done
    HOLD_LOG=$(mktemp /tmp/gpio-hold.XXXXXX)
    # shellcheck disable=SC2086
    gpio-hold $_hopts "/dev/$1" "$2" "${3:-gpio-hold}" >"$HOLD_LOG" 2>&1 &
    HOLD_PID=$!
    _t=0
    while [ "$_t" -lt 100 ]; do
        grep -q '^READY' "$HOLD_LOG" && return 0
        if ! kill -0 "$HOLD_PID" 2>/dev/null; then
            cat "$HOLD_LOG" >&2
            return 1
        fi
        usleep 20000
        _t=$((_t + 1))
    done
    _qg_err "gpio-hold did not become ready"
    return 1
}

hold_release() {
    kill -TERM "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# --- sampling -----------------------------------------------------------------
gpio_sample() { gpio-sample "$@"; }

sample_edges() {
    # input: gpio-sample output; line 0 = initial level, then one line per edge
    awk '
        /^#/ { next }
        NF == 2 {
            if (n == 1) first = $1
            if (n >= 2) {
                half = $1 - prev
                if (nh == 0 || half < mn) mn = half
                if (half > mx) mx = half
                nh++
            }
            prev = $1; n++
        }
        END {
            printf "edges=%d first_us=%d mean_period_us=%d min_half_us=%d max_half_us=%d\n",
                   (n > 0 ? n - 1 : 0), first, (nh > 0 ? 2 * (prev - first) / nh : 0), mn, mx
        }' "$1"
}

# --- bookkeeping --------------------------------------------------------------
check() {
    _desc=$1
    shift
    if "$@"; then
        GPIO_CHECK_PASS=$((GPIO_CHECK_PASS + 1))
        echo "PASS: $_desc"
    else
        GPIO_CHECK_FAIL=$((GPIO_CHECK_FAIL + 1))
        echo "FAIL: $_desc"
    fi
}

check_eq() {
    if [ "$2" = "$3" ]; then
        GPIO_CHECK_PASS=$((GPIO_CHECK_PASS + 1))
        echo "PASS: $1 ($2)"
    else
        GPIO_CHECK_FAIL=$((GPIO_CHECK_FAIL + 1))
        echo "FAIL: $1: got '$2', want '$3'"
    fi
}

fact() {
    _k=$1
    shift
    echo "FACT $_k=$*"
}

checks_done() {
    echo "checks: pass=$GPIO_CHECK_PASS fail=$GPIO_CHECK_FAIL"
    [ "$GPIO_CHECK_FAIL" -eq 0 ]
}
