#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-blink.sh - guest script: gpio-blinkd --backend sysfs blinking real
# gpio-sim lines (timing, several lines with phases, active-low, SIGTERM), through the
# legacy sysfs ABI or, with SYSFS_ABI=chip (group chip-blink), the per-chip one.
# Every level is read from outside the daemon, through gpio-sim's
# sim_gpioX/value (the level the simulated pin is really driven to).
# Run by tests/kernel/cases/run-guest-group; by hand:
#   tests/kernel/qemu-gpio-run --arch amd64 --payload build/release-static-tests/src/gpio-blinkd \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-blink.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh

sim_chip_create blink 8 --label blinkd-blink >/dev/null || { echo "setup: sim_chip_create failed"; exit 1; }
C=$SIM_BLINK_CHIP
T=$DL_TMP

# ---------------------------------------------------------------------------
if case_wanted blink-timing; then
    case_begin blink-timing "--on 150ms --off 250ms --count 5: exactly 10 edges, high/low times and period as requested, ends low, exit 0"
    timing_run_and_check "$C" blink
    check_eq "physical level after exit" "$(sim_value blink 0)" 0
    case_end
fi

# ---------------------------------------------------------------------------
# One daemon, four lines (multi_blink_sample), then SIGTERM.
multi_started=0
if case_wanted blink-phases || case_wanted active-low || case_wanted sigterm-safe-level; then
    multi_blink_sample "$C" blink
fi

if case_wanted blink-phases; then
    case_begin blink-phases "four lines in one daemon: each keeps its own period, phase=100ms delays a line by 100 ms"
    check_blink_phases
    case_end
fi

if case_wanted active-low; then
    case_begin active-low "active-low: the physical level is the inverse of the logical one (per line and --active-low)"
    if [ "${SYSFS_ABI:-}" = chip ]; then
        # The per-chip ABI has no active_low: the daemon inverts the level itself, and
        # the kernel, asked nothing, shows active_low 0 in the same export's legacy view.
        L4=$(sysfs_line_dir "$C" 4 $((SIM_BLINK_BASE + 4)))
        check "L4 exported through the per-chip ABI ($L4)" test -d "$L4"
        check "$L4 has no active_low" test ! -e "$L4/active_low"
        check_eq "L4 legacy view's active_low (the kernel was not asked)" \
            "$(cat "/sys/class/gpio/gpio$((SIM_BLINK_BASE + 4))/active_low" 2>&1)" 0
        log_has "stderr: L4 active-low in the per-chip ABI" "$T/multi.log" "offset 4 is an output, off, active-low (per-chip sysfs ABI)"
    else
        check_eq "L4 sysfs active_low" "$(cat "/sys/class/gpio/gpio$((SIM_BLINK_BASE + 4))/active_low" 2>&1)" 1
    fi
    check_eq "L4 goes high first (off = high), then blinks" "$(wave_get "$W4" levels | cut -c1-3)" 010
    within "L4 low (= on) time (ms)" "$(wave_get "$W4" low_ms)" 200 30
    at_most "time L4 has the same level as L1 (per mille, want inverse)" "$(same_permille "$T/multi.wave" 1 4)" 50
    # --active-low for all lines, --count 2: idle 0, export as off = high,
    # on = low, off = high, on = low, off = high. The first on-edge 300 ms after the
    # start: without a phase it follows the export within microseconds, and the sampler
    # (gaps up to 12 ms under TCG) could miss the high in between.
    sample_start "$T/al.wave" 15000 "$(sim_path blink 5)" "$(sim_path blink 6)"
    usleep 100000
    blinkd_start "$T/al.log" --active-low --on 150ms --off 150ms --phase 300ms --count 2 "$C:5" "$C:6,active-high"
    blinkd_wait "$BLINKD_PID" 6000
    sample_stop
    w5=$(wave "$T/al.wave" 1)
    w6=$(wave "$T/al.wave" 2)
    echo "  --active-low:            $w5"
    echo "  --active-low + ,active-high: $w6"
    check_eq "--active-low run exit status" "$BLINKD_RC" 0
    check_eq "--active-low physical levels" "$(wave_get "$w5" levels)" 010101
    within "--active-low low (= on) time (ms)" "$(wave_get "$w5" low_ms)" 150 30
    check_eq "--active-low line rests high after exit" "$(sim_value blink 5)" 1
    check_eq "line override active-high: physical levels" "$(wave_get "$w6" levels)" 01010
    check_eq "active-high line rests low after exit" "$(sim_value blink 6)" 0
    case_end
fi

if case_wanted sigterm-safe-level; then
    case_begin sigterm-safe-level "SIGTERM while lines are on: every line goes to its safe level (active-low = high), exit 0"
    check "daemon still running" kill -0 "$MULTI_PID"
    # SIGTERM while L1 is on (physically high) and L4 is on (physically low)
    # (one cat reads both, so that the pair is not torn by an edge in between)
    _deadline=$(($(gpio-now) + 2000000))
    while :; do
        lv=$(cat "$(sim_path blink 1)" "$(sim_path blink 4)" | tr -d '\n')
        [ "$lv" = 10 ] || [ "$(gpio-now)" -gt "$_deadline" ] && break
        usleep 2000
    done
    kill -TERM "$MULTI_PID"
    check_eq "L1 on and L4 on (levels L1 L4) when SIGTERM was sent" "$lv" 10
    blinkd_wait "$MULTI_PID" 3000
    check_eq "exit status after SIGTERM" "$BLINKD_RC" 0
    at_most "exit after SIGTERM (ms)" "$BLINKD_WAIT_MS" 1000
    check_eq "physical levels L1..L4 (L4 active-low: off = high)" \
        "$(sim_value blink 1)$(sim_value blink 2)$(sim_value blink 3)$(sim_value blink 4)" 0001
    usleep 300000
    check_eq "levels unchanged 300 ms later" \
        "$(sim_value blink 1)$(sim_value blink 2)$(sim_value blink 3)$(sim_value blink 4)" 0001
    log_has "stderr names the signal" "$T/multi.log" "SIGTERM received: every line is off and released; exiting"
    case_end
elif [ "$multi_started" = 1 ]; then
    kill -TERM "$MULTI_PID"
    blinkd_wait "$MULTI_PID" 3000
fi

cases_done
