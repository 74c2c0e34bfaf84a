#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-gpiod-blink.sh - guest script: gpio-blinkd --backend gpiod (the GPIO
# character device through libgpiod 1.6 or 2.x, whichever the binary has)
# blinking real gpio-sim lines: timing, several lines with phases, active-low
# as a request flag, SIGTERM, the chip removed while blinking; `gpio-blinkd ctl`
# switching a line's pattern over the control socket.
# Every level is read from outside the daemon, through gpio-sim's
# sim_gpioX/value (the level the simulated pin is really driven to).
#
# gpio-sim puts a line back to its pull (down: 0) when it is released, and the
# chardev releases the daemon's lines when it exits.  To see the level the
# daemon leaves a line at (active-low: off = high), the cases keep the
# daemon's requests open in gpio-grabfd (grab_lines) across its exit, and
# release them afterwards.
# Run by tests/kernel/cases/run-guest-group; by hand:
#   tests/kernel/qemu-gpio-run --arch amd64 --payload build/release-static-tests/gpio-blinkd \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-gpiod-blink.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh
gpiod_setup

sim_chip_create gblink 8 --label blinkd-gblink >/dev/null || { echo "setup: sim_chip_create failed"; exit 1; }
C=$SIM_GBLINK_CHIP B=$SIM_GBLINK_BASE
T=$DL_TMP

# levels N...: the physical levels of gblink lines N... (one cat: not torn by an edge)
levels() {
    _p=
    for _o in "$@"; do _p="$_p $(sim_path gblink "$_o")"; done
    # shellcheck disable=SC2086  # the paths have no blanks
    cat $_p | tr -d '\n'
}

# ---------------------------------------------------------------------------
if case_wanted blink-timing; then
    case_begin blink-timing "--on 150ms --off 250ms --count 5 through the chardev: exactly 10 edges, high/low times and period as requested, ends low, released, exit 0"
    libgpiod_as_built
    timing_run_and_check "$C" gblink
    log_has "stderr: requested through the chardev by libgpiod" "$T/timing.log" \
        "line '$C:0': $C [blinkd-gblink] offset 0 (global $B) requested as an output by 'gpio-blinkd', off (libgpiod $LIBGPIOD, 1 request for this chip)"
    line_free "line released after the exit (chardev line info)" "$C" 0
    case_end
fi

# ---------------------------------------------------------------------------
# One daemon, four lines (multi_blink_sample); then SIGTERM (sigterm-safe-level).
# the kernel's view of the requests while they are held
read_held_line_info() {
    INFO_L1=$(line_info "$C" 1)
    INFO_L4=$(line_info "$C" 4)
}
multi_started=0
if case_wanted blink-phases || case_wanted active-low || case_wanted sigterm-safe-level; then
    multi_blink_sample "$C" gblink read_held_line_info
fi

if case_wanted blink-phases; then
    case_begin blink-phases "four lines in one daemon through the chardev: each keeps its own period, phase=100ms delays a line by 100 ms"
    check_blink_phases
    case_end
fi

if case_wanted active-low; then
    case_begin active-low "active-low is a request flag: the kernel inverts (physical level = inverse), the line info says active-low while held"
    case "$INFO_L4" in
        *'consumer="gpio-blinkd" flags=used,active-low,output'*) check "L4 line info while held: $INFO_L4" true ;;
        *) check "L4 line info while held: got '$INFO_L4', want consumer gpio-blinkd, flags used,active-low,output" false ;;
    esac
    case "$INFO_L1" in
        *active-low*) check "L1 line info without active-low: got '$INFO_L1'" false ;;
        *'consumer="gpio-blinkd" flags=used,output'*) check "L1 line info: $INFO_L1" true ;;
        *) check "L1 line info: got '$INFO_L1'" false ;;
    esac
    check_eq "L4 goes high first (requested off = high), then blinks" "$(wave_get "$W4" levels | cut -c1-3)" 010
    within "L4 low (= on) time (ms)" "$(wave_get "$W4" low_ms)" 200 30
    at_most "time L4 has the same level as L1 (per mille, want inverse)" "$(same_permille "$T/multi.wave" 1 4)" 50
    # --active-low for all lines, --count 2, the first on-edge 300 ms after ready
    # (time to grab the requests): idle 0, requested off = high, on = low, off =
    # high, on = low, off = high; the grab keeps the last level visible. (The
    # timing of an active-low line is L4's above: the grab's start-up competes
    # with these edges for the one vCPU.)
    sample_start "$T/al.wave" 15000 "$(sim_path gblink 5)" "$(sim_path gblink 6)"
    usleep 100000
    blinkd_start "$T/al.log" --active-low --on 150ms --off 150ms --phase 300ms --count 2 "$C:5" "$C:6,active-high"
    AL_PID=$BLINKD_PID
    blinkd_ready "$T/al.log"
    grab_lines "$AL_PID"
    # one request per chip through uAPI v2, one per setting group (active-low or not)
    # through libgpiod 1.6's v1 requests
    check_eq "requests kept open across the exit" "$GRAB_N" "$(requests_for 1 2)"
    blinkd_wait "$AL_PID" 6000
    sample_stop
    al_after=$(levels 5 6)
    grab_release
    w5=$(wave "$T/al.wave" 1)
    w6=$(wave "$T/al.wave" 2)
    echo "  --active-low:                $w5"
    echo "  --active-low + ,active-high: $w6"
    check_eq "--active-low run exit status" "$BLINKD_RC" 0
    check_eq "--active-low physical levels" "$(wave_get "$w5" levels)" 010101
    check_eq "line override active-high: physical levels" "$(wave_get "$w6" levels)" 01010
    check_eq "left at (active-low line, active-high line)" "$al_after" 10
    case_end
fi

if case_wanted sigterm-safe-level; then
    case_begin sigterm-safe-level "SIGTERM while lines are on: every line goes to its safe level (active-low = high), exit 0, lines released"
    check "daemon still running" kill -0 "$MULTI_PID"
    grab_lines "$MULTI_PID"
    check_eq "requests kept open across the exit" "$GRAB_N" "$(requests_for 1 2)"
    # SIGTERM while L1 is on (physically high) and L4 is on (physically low)
    _deadline=$(($(gpio-now) + 2000000))
    while :; do
        lv=$(levels 1 4)
        [ "$lv" = 10 ] || [ "$(gpio-now)" -gt "$_deadline" ] && break
        usleep 2000
    done
    kill -TERM "$MULTI_PID"
    check_eq "L1 on and L4 on (levels L1 L4) when SIGTERM was sent" "$lv" 10
    blinkd_wait "$MULTI_PID" 3000
    check_eq "exit status after SIGTERM" "$BLINKD_RC" 0
    at_most "exit after SIGTERM (ms)" "$BLINKD_WAIT_MS" 1000
    check_eq "physical levels L1..L4 left by the daemon (L4 active-low: off = high)" "$(levels 1 2 3 4)" 0001
    usleep 300000
    check_eq "levels unchanged 300 ms later" "$(levels 1 2 3 4)" 0001
    log_has "stderr names the signal" "$T/multi.log" "SIGTERM received: every line is off and released; exiting"
    grab_release
    # without a grab: the daemon's own exit releases the request
    blinkd_start "$T/term.log" --on 100ms --off 100ms "$C:7,active-low"
    check "single-line daemon ready" blinkd_ready "$T/term.log"
    line_held_by "held by gpio-blinkd while running" "$C" 7 gpio-blinkd active-low output
    kill -TERM "$BLINKD_PID"
    blinkd_wait "$BLINKD_PID" 3000
    check_eq "single-line daemon: exit status after SIGTERM" "$BLINKD_RC" 0
    line_free "line info right after the exit: released" "$C" 7
    case_end
elif [ "$multi_started" = 1 ]; then
    kill -TERM "$MULTI_PID"
    blinkd_wait "$MULTI_PID" 3000
fi

# ---------------------------------------------------------------------------
# intervals FILE: the complete intervals of column 1 of a gpio-sample-all output, one
# "LEVEL MS" line each (the level held, for how long); the partial first and last
# intervals are left out
intervals() {
    awk '/^#/ || NF < 2 { next }
         { t = $1 / 1000.0
           if (n++ && $2 != v && seen) printf "%d %d\n", v, t - t0 + 0.5
           if (n == 1 || $2 != v) { if (n > 1) seen = 1; t0 = t; v = $2 } }' "$1"
}
# pattern_check DESC FILE LEVEL MS TOL [LEVEL MS TOL]...: sorts each complete interval
# of FILE into the first (LEVEL, MS +- TOL) kind it fits; prints the intervals. Sets
# KINDS to the count of each kind and then of the misfits ("2 1 3 0"), and OFFS to the
# off-intervals in order: "a" for the first off kind, "b" for the second, "x" a misfit.
# Two misfits are allowed: a stall of the TCG guest on a busy host makes one edge late
# (the daemon's grid keeps the next ones on time), which bends the two intervals around
# it; the counts the cases require still tell the patterns apart.
pattern_check() {
    _desc=$1 _file=$2
    shift 2
    _list=$(intervals "$_file" | tr '\n' ' ')
    echo "  $_desc: intervals (level ms): $_list"
    _sorted=$(intervals "$_file" | awk -v spec="$*" '
        BEGIN { k = split(spec, s, " ") / 3; for (i = 1; i <= k; i++) c[i] = 0 }
        { hit = 0
          for (i = 1; i <= k; i++) {
              d = $2 - s[3 * i - 1]; if (d < 0) d = -d
              if ($1 == s[3 * i - 2] && d <= s[3 * i]) { c[i]++; hit = i; break }
          }
          if (!hit) bad++
          if ($1 == 0) { if (!hit) offs = offs "x"; else if (!first_off || hit == first_off) { first_off = hit; offs = offs "a" } else offs = offs "b" } }
        END { for (i = 1; i <= k; i++) printf "%d ", c[i]; printf "%d %s\n", bad, (offs == "" ? "-" : offs) }')
    KINDS=${_sorted% *}
    OFFS=${_sorted##* }
    _bad=${KINDS##* }
    at_most "$_desc: intervals that fit none of (level ms +- tol) $*" "$_bad" 2
}

if case_wanted ctl-pattern-switch; then
    case_begin ctl-pattern-switch "gpio-blinkd ctl switches a line from slow (1s/1s) to heartbeat (70/245/70/875 ms) over the control socket; levels read from gpio-sim"
    if sim_chip_create gctl 1 --label blinkd-gctl >/dev/null; then
        CTL=$SIM_GCTL_CHIP
        blinkd_start "$T/ctl.log" --control "$T/control" --state-file none \
            --state ok=slow --state busy=heartbeat --initial-state ok "$CTL:0"
        CTL_PID=$BLINKD_PID
        check "daemon ready" blinkd_ready "$T/ctl.log"
        log_has "stderr: the control socket" "$T/ctl.log" "control socket $T/control"
        # slow: 4.3 s hold at least three complete intervals
        gpio-sample-all 1000 4300 "$(sim_path gctl 0)" >"$T/slow.wave" 2>&1
        pattern_check "slow" "$T/slow.wave" 1 1000 60 0 1000 60
        # shellcheck disable=SC2086  # counts, split on purpose
        set -- $KINDS
        check "slow: at least one whole on (1 s) and one whole off (1 s) (got $1 on, $2 off)" \
            test "$1" -ge 1 -a "$2" -ge 1
        out=$("$BLINKD" ctl --control "$T/control" state busy 2>&1)
        check_eq "ctl state busy: exit 0" "$?" 0
        check_eq "ctl state busy: its reply" "$out" "state busy on 1 line"
        # heartbeat: 4.5 s, about 3.5 cycles of 1.26 s (7 on-pulses; a stall can cost one)
        gpio-sample-all 1000 4500 "$(sim_path gctl 0)" >"$T/heartbeat.wave" 2>&1
        pattern_check "heartbeat" "$T/heartbeat.wave" 1 70 35 0 245 50 0 875 60
        # shellcheck disable=SC2086  # counts, split on purpose
        set -- $KINDS
        check "heartbeat: at least 3 on (70 ms), 1 short off (245 ms), 1 long off (875 ms) (got $1, $2, $3)" \
            test "$1" -ge 3 -a "$2" -ge 1 -a "$3" -ge 1
        case "$OFFS" in
            *aa* | *bb*) check "heartbeat: short and long off-times alternate (got $OFFS)" false ;;
            *) check "heartbeat: short and long off-times alternate ($OFFS)" true ;;
        esac
        status=$("$BLINKD" ctl --control "$T/control" status 2>&1)
        case "$status" in
            *"pattern=heartbeat from=state:busy"*) check "ctl status: pattern=heartbeat from=state:busy" true ;;
            *) check "ctl status: got '$status'" false ;;
        esac
        kill -TERM "$CTL_PID"
        blinkd_wait "$CTL_PID" 3000
        check_eq "exit status after SIGTERM" "$BLINKD_RC" 0
        log_has "the change is logged with the client's credentials" "$T/ctl.log" "uid 0 gid 0: state busy"
    else
        fail_now "setup: sim_chip_create gctl"
    fi
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted chip-removed; then
    case_begin chip-removed "the chip removed while blinking (gpio-sim live=0): exit 1 within one period, ENODEV/EIO named, no hang or crash, other lines off"
    if sim_chip_create ggone 4 --label blinkd-ggone >/dev/null && sim_chip_create gstay 4 --label blinkd-gstay >/dev/null; then
        GONE=$SIM_GGONE_CHIP STAY=$SIM_GSTAY_CHIP
        blinkd_start "$T/gone.log" --on 200ms --off 200ms "$GONE:0" "$STAY:0"
        D=$BLINKD_PID
        check "daemon ready" blinkd_ready "$T/gone.log"
        grab_lines "$D"
        check_eq "requests kept open across the exit" "$GRAB_N" 2
        check "stay line on (high) before the removal" wait_rise gstay 0
        echo 0 >"$GPIO_SIM_CFS/ggone/live"
        blinkd_wait "$D" 5000
        echo "  exit seen ${BLINKD_WAIT_MS} ms after live=0 returned"
        check_eq "exit status (1, not a crash or our SIGKILL)" "$BLINKD_RC" 1
        at_most "exit within one period (ms)" "$BLINKD_WAIT_MS" 400
        log_has "stderr: setting the removed line failed" "$T/gone.log" "(/dev/$GONE line 0): setting failed"
        if grep -qE "(No such device|Input/output error); the GPIO chip went away" "$T/gone.log"; then
            check "stderr: ENODEV/EIO, the chip went away" true
        else
            check "stderr: ENODEV/EIO, the chip went away" false
            dl_show_log "$T/gone.log"
        fi
        check_eq "surviving line driven off" "$(sim_value gstay 0)" 0
        grab_release
        line_free "surviving line released" "$STAY" 0
        check "the removed chip's device is gone" test ! -e "/dev/$GONE"
        check "configfs tree removable" sim_chip_remove ggone
        kernel_ok "no oops, BUG or WARNING in dmesg"
    else
        fail_now "setup: sim_chip_create ggone/gstay"
    fi
    case_end
fi

cases_done
