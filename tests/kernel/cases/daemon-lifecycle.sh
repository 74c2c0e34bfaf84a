#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-lifecycle.sh - guest script: gpio-blinkd --backend sysfs across its
# life on a real gpiolib (legacy sysfs ABI, or the per-chip one with SYSFS_ABI=chip): SIGKILL then a restart (the stale export is
# adopted, blinking resumes, a second instance is refused) and the chip
# removed under the running daemon (gpio-sim live=0: exit 1 within one
# period, no hang, no crash, the surviving line driven off).
# By hand:
#   tests/kernel/qemu-gpio-run --arch armhf --payload build/release-static-armhf/gpio-blinkd \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-lifecycle.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh

T=$DL_TMP

# ---------------------------------------------------------------------------
if case_wanted sigkill-restart-adopt; then
    case_begin sigkill-restart-adopt "SIGKILL leaves the export behind; a restart adopts it and blinks again; a second instance is refused"
    if sim_chip_create life 4 --label blinkd-life >/dev/null; then
        L=$SIM_LIFE_CHIP:1 G=$((SIM_LIFE_BASE + 1))
        # the export and how the daemon names it, in the ABI under test
        D=$(sysfs_line_dir "$SIM_LIFE_CHIP" 1 "$G") N=$(sysfs_line_name "$SIM_LIFE_CHIP" 1 "$G")
        blinkd_start "$T/first.log" --on 200ms --off 200ms "$L"
        FIRST=$BLINKD_PID
        check "first daemon ready" blinkd_ready "$T/first.log"
        # right after a rising edge, so that the kill lands well inside the on-time (a
        # line seen high at the end of it would be off again by the time the kill lands)
        check "line on (high) before SIGKILL" wait_rise life 1
        kill -KILL "$FIRST"
        blinkd_wait "$FIRST" 3000
        check_eq "first daemon killed" "$BLINKD_RC" 137
        check "export $D left behind" test -d "$D"
        check_eq "the killed daemon's level stays (high)" "$(sim_value life 1)" 1

        sample_start "$T/restart.wave" 20000 "$(sim_path life 1)"
        blinkd_start "$T/second.log" --on 200ms --off 200ms "$L"
        SECOND=$BLINKD_PID
        check "restarted daemon ready" blinkd_ready "$T/second.log"
        log_has "stderr: adopting the stale export" "$T/second.log" "$N is already exported: adopting $D"
        usleep 1600000

        # a second instance on the same line while the restarted one blinks
        blinkd_start "$T/third.log" --on 200ms --off 200ms "$L"
        blinkd_wait "$BLINKD_PID" 5000
        check_eq "second instance: exit status" "$BLINKD_RC" 1
        log_has "second instance: already driven" "$T/third.log" "$N: is already driven by another gpio-blinkd"
        check "restarted daemon still runs" kill -0 "$SECOND"
        check "export still there" test -d "$D"
        usleep 900000
        sample_stop
        w=$(wave "$T/restart.wave" 1)
        echo "  after restart: $w"
        at_least "rising edges after the restart (2.5 s at 400 ms)" "$(wave_get "$w" rises)" 5
        within "period after the restart (ms)" "$(wave_get "$w" period_ms)" 400 40
        within "high time after the restart (ms)" "$(wave_get "$w" high_ms)" 200 30
        kill -TERM "$SECOND"
        blinkd_wait "$SECOND" 3000
        check_eq "restarted daemon: exit status after SIGTERM" "$BLINKD_RC" 0
        check_eq "level after SIGTERM" "$(sim_value life 1)" 0
    else
        fail_now "setup: sim_chip_create life"
    fi
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted chip-removed; then
    case_begin chip-removed "the chip removed while blinking (gpio-sim live=0): exit 1 within one period, cause named, no hang or crash, other lines off"
    if sim_chip_create gone 4 --label blinkd-gone >/dev/null && sim_chip_create stay 4 --label blinkd-stay >/dev/null; then
        GONE_BASE=$SIM_GONE_BASE
        GONE_DIR=$(sysfs_line_dir "$SIM_GONE_CHIP" 0 "$GONE_BASE")
        blinkd_start "$T/gone.log" --on 200ms --off 200ms "$SIM_GONE_CHIP:0" "$SIM_STAY_CHIP:0"
        D=$BLINKD_PID
        check "daemon ready" blinkd_ready "$T/gone.log"
        check "stay line on (high) before the removal" wait_rise stay 0
        echo 0 >"$GPIO_SIM_CFS/gone/live"
        blinkd_wait "$D" 5000
        echo "  exit seen ${BLINKD_WAIT_MS} ms after live=0 returned"
        check_eq "exit status (1, not a crash or our SIGKILL)" "$BLINKD_RC" 1
        at_most "exit within one period (ms)" "$BLINKD_WAIT_MS" 400
        log_has "stderr: the value write failed" "$T/gone.log" "$GONE_DIR/value: writing"
        log_has "stderr: the chip went away" "$T/gone.log" "No such device; the GPIO chip went away"
        check_eq "surviving line driven off" "$(sim_value stay 0)" 0
        check "the removed chip's export is gone" test ! -e "$GONE_DIR"
        check "configfs tree removable" sim_chip_remove gone
        kernel_ok "no oops, BUG or WARNING in dmesg"
    else
        fail_now "setup: sim_chip_create gone/stay"
    fi
    case_end
fi

cases_done
