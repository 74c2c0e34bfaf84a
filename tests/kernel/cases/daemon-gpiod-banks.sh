#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-gpiod-banks.sh - guest script: gpio-blinkd --backend gpiod's banks and its state
# after exit, on a real gpiolib (gpio-sim), seen from outside the daemon:
#  - 16 lines of one chip, half of them active-low, change with one set ioctl per edge
#    instant through the uAPI v2 (libgpiod 2), one per setting group through the uAPI v1
#    (libgpiod 1.6): the daemon's ioctls are counted with strace, grouped by the ppoll
#    wake-ups between them;
#  - an active-low line stopped by SIGTERM reads physically high (off) once the daemon
#    has exited and released it (park: an input pulled up), and an active-high line on a
#    chip pulled up reads low; --on-exit release shows what the check would see without;
#  - the same after the chip failed mid-blink (strace injects EIO into one set ioctl):
#    exit 1 naming the failure, the line off and released.
# Needs strace in the guest: run-guest-group passes Debian's (tests/kernel/fetch-guest-tool)
# for this group (the line below).
# guest-tools: strace
# By hand:
#   tests/kernel/qemu-gpio-run --arch amd64 --kernel backports \
#       --payload build/release-static-tests/gpio-blinkd --payload tests/kernel/cases/daemon-lib.sh \
#       --payload "$(tests/kernel/fetch-guest-tool amd64 strace)" tests/kernel/cases/daemon-gpiod-banks.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh
gpiod_setup

T=$DL_TMP
STRACE=
for _s in /payload/strace-*/bin/strace; do [ -x "$_s" ] && STRACE=$_s; done
if [ -z "$STRACE" ] || ! "$STRACE" -V >"$T/strace.version" 2>&1; then
    echo "setup: no working strace in /payload (run-guest-group passes it for this group)"
    cat "$T/strace.version" 2>/dev/null
    exit 1
fi
echo "== $(head -n1 "$T/strace.version")"

# The uAPI's set ioctl as strace names it, and how many a bank makes per instant.
if [ "${LIBGPIOD_MAJOR:-}" = 1 ]; then
    SET_IOCTL=GPIOHANDLE_SET_LINE_VALUES_IOCTL
else
    SET_IOCTL=GPIO_V2_LINE_SET_VALUES_IOCTL
fi

# set_groups FILE K: the set ioctls of an strace -f -e trace=ioctl,ppoll log, grouped by
# the ppoll calls between them, after leaving out the last K sets before the first
# SET_CONFIG ioctl (the release: every line driven off, then parked). Prints
#   groups=N sets=N counts=1,1,1,... release=K' park=N injected=N
# where counts are the sets of each group that has any.
set_groups() {
    awk -v set="$SET_IOCTL" -v k="$2" '
        /INJECTED/ { injected++ }
        / ppoll\(/ || /<\.\.\. ppoll resumed>/ { if (n) { g++ } ; next }
        index($0, set) { if (!parked) { n++; grp[n] = g }; next }
        /SET_CONFIG_IOCTL/ { if (!parked) parked = n; park++ }
        END {
            last = n
            if (parked) last = parked - k
            release = n - last
            ng = 0; counts = ""; prev = -1
            for (i = 1; i <= last; i++) {
                if (grp[i] != prev) { ng++; c[ng] = 0; prev = grp[i] }
                c[ng]++
            }
            for (i = 1; i <= ng; i++) counts = counts (i > 1 ? "," : "") c[i]
            printf "groups=%d sets=%d counts=%s release=%d park=%d injected=%d\n",
                ng, last, counts, release, park + 0, injected + 0
        }' "$1"
}

# all_equal LIST VALUE: every comma-separated item of LIST is VALUE
all_equal() {
    [ -n "$1" ] || return 1
    _ae=$(echo "$1" | tr ',' '\n' | grep -vcx "$2")
    [ "$_ae" -eq 0 ]
}

# levels SIM N...: the physical levels of lines N... of a gpio-sim chip, in one read
levels() {
    _ls=$1 _p=
    shift
    for _o in "$@"; do _p="$_p $(sim_path "$_ls" "$_o")"; done
    # shellcheck disable=SC2086  # the paths have no blanks
    cat $_p | tr -d '\n'
}

# ---------------------------------------------------------------------------
if case_wanted bank-one-set-per-instant; then
    case_begin bank-one-set-per-instant "16 lines of one chip, 8 of them active-low: one set ioctl per edge instant through the uAPI v2 (libgpiod 2), one per setting group through the uAPI v1 (libgpiod 1.6); every line blinks"
    if sim_chip_create gbank 16 --label blinkd-gbank >/dev/null; then
        C=$SIM_GBANK_CHIP
        per_instant=$(requests_for 1 2)
        set --
        o=0
        while [ "$o" -lt 16 ]; do
            if [ "$o" -lt 8 ]; then set -- "$@" "$C:$o"; else set -- "$@" "$C:$o,active-low"; fi
            o=$((o + 1))
        done
        sample_start "$T/bank.wave" 30000 "$(sim_path gbank 0)" "$(sim_path gbank 7)" \
            "$(sim_path gbank 8)" "$(sim_path gbank 15)"
        usleep 100000
        # 400 ms segments: under strace on a loaded TCG guest an instant's ioctls finish
        # long before the next one is due, so two instants never merge, and a wake-up would
        # have to be 400 ms late for the daemon to skip an edge.
        "$STRACE" -f -tt -e trace=ioctl,ppoll -o "$T/bank.strace" \
            "$BLINKD" --backend gpiod --on 400ms --off 400ms --count 3 "$@" \
            </dev/null >"$T/bank.log.out" 2>"$T/bank.log" &
        BLINKD_PID=$!
        blinkd_wait "$BLINKD_PID" 20000
        sample_stop
        check_eq "exit status (under strace)" "$BLINKD_RC" 0
        [ "$BLINKD_RC" = 0 ] || dl_show_log "$T/bank.log"
        log_has "$(requests_for "one request" "two requests: one per setting group") for the chip" \
            "$T/bank.log" "$(requests_for "1 request" "2 requests") for this chip"
        g=$(set_groups "$T/bank.strace" "$per_instant")
        w1=$(wave "$T/bank.wave" 1)
        echo "  $SET_IOCTL per instant: $g"
        # --count 3: on and off three times; an edge skipped on a starved guest would
        # be one instant less, in the levels and in the ioctls alike
        at_least "edge instants with a set (6 unless the guest starved)" "$(wave_get "$g" groups)" 4
        check_eq "instants with a set = edges of line 0 (every instant changed every line)" \
            "$(wave_get "$g" groups)" "$(wave_get "$w1" edges)"
        if all_equal "$(wave_get "$g" counts)" "$per_instant"; then
            check "$per_instant set ioctl(s) at every instant ($(wave_get "$g" counts))" true
        else
            check "$per_instant set ioctl(s) at every instant: got $(wave_get "$g" counts)" false
            grep -E "ppoll|$SET_IOCTL" "$T/bank.strace" | head -n 30 | sed 's/^/  strace| /'
        fi
        check_eq "set ioctls of the release (every line off at once)" "$(wave_get "$g" release)" "$per_instant"
        check_eq "parked with one SET_CONFIG per request" "$(wave_get "$g" park)" "$per_instant"
        if [ "$per_instant" = 1 ]; then
            # every set names all 16 lines: the mask is the request's 16 bits
            masks=$(grep -F "$SET_IOCTL" "$T/bank.strace" | sed -n 's/.*mask=\(0x[0-9a-f]*\).*/\1/p' | sort -u | tr '\n' ' ')
            check_eq "the mask of every set (all 16 lines of the request)" "$masks" "0xffff "
        fi
        # line 0 idles low, then on, off, ...; the active-low lines idle low (the pull),
        # go high when requested off, then the inverse of line 0
        l1=$(wave_get "$w1" levels)
        inverse=01$(echo "$l1" | cut -c2- | tr 01 10)
        for col in 1 2 3 4; do
            w=$(wave "$T/bank.wave" "$col")
            echo "  line column $col: $w"
            if [ "$col" -le 2 ]; then want=$l1; else want=$inverse; fi
            check_eq "column $col physical levels (columns 3, 4 active-low)" "$(wave_get "$w" levels)" "$want"
        done
        check_eq "line 0 blinked from low: idle, then on and off" "$(echo "$l1" | cut -c1-3)" 010
        line_free "line 15 released after the exit" "$C" 15
    else
        fail_now "setup: sim_chip_create gbank"
    fi
    case_end
fi

# park_run NAME ON_EXIT_ARGS...: an active-low line (0) and an active-high line (1) on a
# chip whose line 1 is pulled up by the simulator, stopped by SIGTERM while line 0 is on
# (physically low); sets PARK_LEVELS (levels of 0 and 1 after the exit) and PARK_RC
park_run() {
    _pn=$1
    shift
    sim_set_pull gpark 0 pull-down
    sim_set_pull gpark 1 pull-up
    blinkd_start "$T/$_pn.log" --on 200ms --off 200ms "$@" "$SIM_GPARK_CHIP:0,active-low" "$SIM_GPARK_CHIP:1"
    _pp=$BLINKD_PID
    check "$_pn: daemon ready" blinkd_ready "$T/$_pn.log"
    # right after the active-low line went on (physically low)
    check "$_pn: line 0 on (physically low) when SIGTERM is sent" wait_level gpark 0 0
    kill -TERM "$_pp"
    blinkd_wait "$_pp" 5000
    PARK_RC=$BLINKD_RC
    PARK_LEVELS=$(levels gpark 0 1)
}

if case_wanted park-after-sigterm; then
    case_begin park-after-sigterm "an active-low line through --backend gpiod stopped by SIGTERM reads physically high (off) after the daemon exited and released it (parked pulled up); an active-high line on a pulled-up chip line reads low; --on-exit release leaves them at the chip's pulls"
    if sim_chip_create gpark 2 --label blinkd-gpark >/dev/null; then
        C=$SIM_GPARK_CHIP
        park_run park
        check_eq "exit status after SIGTERM" "$PARK_RC" 0
        check_eq "levels after the exit (0 active-low: off = high; 1: off = low)" "$PARK_LEVELS" 10
        usleep 300000
        check_eq "levels 300 ms later" "$(levels gpark 0 1)" 10
        line_free "line 0 released" "$C" 0
        line_free "line 1 released" "$C" 1
        log_has "stderr: line 0 parked pulled up" "$T/park.log" "line '$C:0': off, parked as an input pulled up, released"
        log_has "stderr: line 1 parked pulled down" "$T/park.log" "line '$C:1': off, parked as an input pulled down, released"
        # The control: without parking, the released lines fall back to the chip's pulls
        # (line 0 low: the LED on), which is what the checks above would catch.
        park_run release --on-exit release
        check_eq "--on-exit release: exit status" "$PARK_RC" 0
        check_eq "--on-exit release: levels after the exit are the chip's pulls (line 0 on)" "$PARK_LEVELS" 01
    else
        fail_now "setup: sim_chip_create gpark"
    fi
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted park-after-chip-error; then
    case_begin park-after-chip-error "the chip fails one set ioctl mid-blink (strace injects EIO): exit 1 naming the line and the error, the active-low line driven off, parked (physically high) and released"
    if sim_chip_create gfail 2 --label blinkd-gfail >/dev/null; then
        C=$SIM_GFAIL_CHIP
        blinkd_start "$T/fail.log" --on 200ms --off 200ms "$C:0,active-low"
        F=$BLINKD_PID
        check "daemon ready" blinkd_ready "$T/fail.log"
        # Attached after ready, the daemon's ioctls are its sets: the fourth fails.
        "$STRACE" -p "$F" -tt -e trace=ioctl -e inject=ioctl:error=EIO:when=4 \
            -o "$T/fail.strace" 2>"$T/fail.strace.err" &
        S=$!
        blinkd_wait "$F" 10000
        wait "$S" 2>/dev/null
        echo "  exit seen ${BLINKD_WAIT_MS} ms after strace attached"
        check_eq "exit status (1: the chip failed)" "$BLINKD_RC" 1
        log_has "stderr names the line, the set and the error" "$T/fail.log" \
            "line '$C:0' (/dev/$C line 0): setting failed: Input/output error"
        g=$(set_groups "$T/fail.strace" 1)
        echo "  $g"
        check_eq "one ioctl failed by injection" "$(wave_get "$g" injected)" 1
        check_eq "after the failure, the release drove the line off (one set) and parked it" \
            "$(wave_get "$g" release) $(wave_get "$g" park)" "1 1"
        check_eq "line 0 after the exit (active-low: off = high)" "$(levels gfail 0)" 1
        line_free "line 0 released" "$C" 0
        log_has "stderr: line 0 off and parked" "$T/fail.log" "line '$C:0': off, parked as an input pulled up, released"
        kernel_ok "no oops, BUG or WARNING in dmesg"
    else
        fail_now "setup: sim_chip_create gfail"
    fi
    case_end
fi

cases_done
