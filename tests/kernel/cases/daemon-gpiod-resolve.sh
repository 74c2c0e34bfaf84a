#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-gpiod-resolve.sh - guest script: how gpio-blinkd --backend gpiod (the
# GPIO character device through libgpiod 1.6 or 2.x) finds a line on a real 6.1
# gpiolib and how it fails: line names and labels from gpio-sim's configfs, the
# same argument through --backend sysfs and gpiod, busy lines (sysfs export,
# another chardev consumer, a hog), --list, --backend auto, EACCES for a
# non-root user, a kernel without the uAPI v1 (CONFIG_GPIO_CDEV_V1=n).
# Which line really toggled is read from gpio-sim's sim_gpioX/value, next to
# the same offset on the other bank (the line a wrong mapping would drive).
# Bases and chip names are read at run time, never assumed.
# By hand:
#   tests/kernel/qemu-gpio-run --arch arm64 --payload build/gpiod2-arm64/gpio-blinkd \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-gpiod-resolve.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh
gpiod_setup

# gres: bank0 8 lines "blinkd-gres-a" (line 3 named LED0, line 6 blinkd-dup,
#       line 7 hogged by "blinkd-hog"), bank1 8 lines "blinkd-gres-b" (line 0
#       named LED1); 6.1 allocates the bases downward (bank1 below bank0)
# gdup: 4 lines "blinkd-gres-c", line 1 named blinkd-dup too
sim_chip_create gres 8 --label blinkd-gres-a --name 3=LED0 --name 6=blinkd-dup \
    --hog 7=blinkd-hog:output-high --bank 8 --label blinkd-gres-b --name 0=LED1 ||
    { echo "setup: sim_chip_create gres failed"; exit 1; }
sim_chip_create gdup 4 --label blinkd-gres-c --name 1=blinkd-dup || { echo "setup: sim_chip_create gdup failed"; exit 1; }
R0=$SIM_GRES_B0_CHIP R0_BASE=$SIM_GRES_B0_BASE
R1=$SIM_GRES_B1_CHIP R1_BASE=$SIM_GRES_B1_BASE
D=$SIM_GDUP_CHIP
fact chips "$(chip_ranges | tr '\n' ';')"
T=$DL_TMP

# both BANK OFF: the sampled paths of bankBANK line OFF, then the same offset on
# the other bank
both() { echo "$(sim_path gres "$2" "$1") $(sim_path gres "$2" $((1 - $1)))"; }

# ---------------------------------------------------------------------------
# One argument of each form, the same list for --backend gpiod and sysfs:
#   LED0               line name            -> bank0 line 3
#   blinkd-gres-b:4    LABEL:OFFSET         -> bank1 line 4
#   $R0:2              gpiochipN:OFFSET     -> bank0 line 2
#   /dev/$R1:5         /dev/gpiochipN:OFFSET -> bank1 line 5
#   R1_BASE+6          global number        -> bank1 line 6
G=$((R1_BASE + 6))
set -- LED0 blinkd-gres-b:4 "$R0:2" "/dev/$R1:5" "$G"
FORMS="$*"
FORM_PATHS="$(both 0 3) $(both 1 4) $(both 0 2) $(both 1 5) $(both 1 6)"
FORM_WANT="LED0|$R0 [blinkd-gres-a] offset 3 (LED0, global $((R0_BASE + 3)))
blinkd-gres-b:4|$R1 [blinkd-gres-b] offset 4 (global $((R1_BASE + 4)))
$R0:2|$R0 [blinkd-gres-a] offset 2 (global $((R0_BASE + 2)))
/dev/$R1:5|$R1 [blinkd-gres-b] offset 5 (global $((R1_BASE + 5)))
$G|$R1 [blinkd-gres-b] offset 6 (global $G)"

# forms_toggled RUN: each form's line blinked twice, its twin on the other bank not
forms_toggled() {
    _c=1
    for _f in $FORMS; do
        toggled "$1: '$_f' drives its line" "$_c" 2
        toggled "$1: '$_f': the same offset on the other bank untouched" $((_c + 1)) 0
        _c=$((_c + 2))
    done
}

forms_gpiod_ran=0
if case_wanted resolve-forms || case_wanted same-line-both-backends; then
    # shellcheck disable=SC2086  # the forms have no blanks
    count_run forms-gpiod "$FORM_PATHS" $FORMS
    FORMS_GPIOD_LOG=$RUN_LOG FORMS_GPIOD_WAVE=$RUN_WAVE FORMS_GPIOD_RC=$RUN_RC
    forms_gpiod_ran=1
fi

if case_wanted resolve-forms; then
    case_begin resolve-forms "a line name (configfs), LABEL:OFFSET, gpiochipN:OFFSET, /dev/gpiochipN:OFFSET and a global number each request the right line; an ambiguous name exits 1 listing the candidates"
    RUN_LOG=$FORMS_GPIOD_LOG RUN_WAVE=$FORMS_GPIOD_WAVE
    check_eq "gpiod run: exit status" "$FORMS_GPIOD_RC" 0
    forms_toggled gpiod
    while IFS='|' read -r f want; do
        check_eq "'$f' resolved to" "$(described "$RUN_LOG" "$f")" "$want"
    done <<EOF_FORMS
$FORM_WANT
EOF_FORMS
    log_has "requested through the chardev" "$RUN_LOG" \
        "line 'LED0': $R0 [blinkd-gres-a] offset 3 (LED0, global $((R0_BASE + 3))) requested as an output by 'gpio-blinkd'"
    expect_fail ambiguous blinkd-dup
    if grep -qE "name 'blinkd-dup' is ambiguous: 2 lines carry it \(($R0:6, $D:1|$D:1, $R0:6)\)" "$RUN_LOG"; then
        check "stderr: ambiguous, both candidates ($R0:6, $D:1) listed" true
    else
        check "stderr: ambiguous, both candidates ($R0:6, $D:1) listed" false
        dl_show_log "$RUN_LOG"
    fi
    line_free "ambiguous: $R0:6 not requested" "$R0" 6
    line_free "ambiguous: $D:1 not requested" "$D" 1
    case_end
fi

if case_wanted same-line-both-backends; then
    case_begin same-line-both-backends "the same argument (name, label, chip, /dev/chip, global number) drives the same physical line through --backend sysfs and --backend gpiod"
    if [ "$forms_gpiod_ran" = 1 ]; then
        BLINKD_BACKEND=sysfs
        # shellcheck disable=SC2086  # the forms have no blanks
        count_run forms-sysfs "$FORM_PATHS" --unexport $FORMS
        BLINKD_BACKEND=gpiod
        log_has "sysfs run: the sysfs backend was used" "$RUN_LOG" "backend: sysfs"
        forms_toggled sysfs
        for f in $FORMS; do
            check_eq "'$f': sysfs describes the same line as gpiod" "$(described "$RUN_LOG" "$f")" \
                "$(described "$FORMS_GPIOD_LOG" "$f")"
        done
        for n in $((R0_BASE + 3)) $((R1_BASE + 4)) $((R0_BASE + 2)) $((R1_BASE + 5)) "$G"; do
            not_exported "sysfs run with --unexport" "$n"
        done
    else
        fail_now "the gpiod run of the forms"
    fi
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted busy-sysfs-export; then
    case_begin busy-sysfs-export "a line exported through /sys/class/gpio (consumer sysfs): exit 1, busy, the message says it is the sysfs export"
    N=$((R1_BASE + 1))
    check_eq "export $N" "$(gpio_export "$N")" OK
    check_eq "direction high" "$(sysfs_write "/sys/class/gpio/gpio$N/direction" high)" OK
    expect_fail busy-sysfs "$R1:1"
    log_has "stderr: busy, exported through sysfs" "$RUN_LOG" \
        "line '$R1:1': $R1 [blinkd-gres-b] offset 1 (global $N) is busy: Device or resource busy; it is exported through /sys/class/gpio (consumer 'sysfs')"
    expect_fail busy-sysfs-global "$N"
    log_has "global number: busy, consumer sysfs" "$RUN_LOG" "(consumer 'sysfs')"
    check_eq "the exported line keeps its level" "$(sim_value gres 1 1)" 1
    line_held_by "still held by sysfs" "$R1" 1 sysfs output
    check_eq "unexport $N" "$(gpio_unexport "$N")" OK
    case_end
fi

if case_wanted busy-chardev-holder; then
    case_begin busy-chardev-holder "a line requested by another chardev consumer (gpio-hold) or hogged: exit 1, busy, the consumer named, the holder undisturbed"
    if hold_line -v 1 "$R1" 7 blinkd-holder >/dev/null; then
        check "gpio-hold holds $R1:7" true
        expect_fail busy-holder "$R1:7"
        log_has "stderr: busy, consumer named" "$RUN_LOG" \
            "line '$R1:7': $R1 [blinkd-gres-b] offset 7 (global $((R1_BASE + 7))) is busy: Device or resource busy; held by consumer 'blinkd-holder'"
        check "the holder still runs" kill -0 "$HOLD_PID"
        check_eq "the held line keeps the holder's level" "$(sim_value gres 7 1)" 1
        kill -USR1 "$HOLD_PID"
        usleep 100000
        check "the holder still drives its line (SET value=0 ok)" grep -q "^SET value=0 ok" "$HOLD_LOG"
        check_eq "... and the line follows it" "$(sim_value gres 7 1)" 0
        hold_release "$HOLD_PID"
    else
        fail_now "gpio-hold holds $R1:7"
    fi
    expect_fail busy-hog "$R0:7"
    log_has "hogged line: busy, consumer named" "$RUN_LOG" "is busy: Device or resource busy; held by consumer 'blinkd-hog'"
    check_eq "the hogged line keeps its level" "$(sim_value gres 7 0)" 1
    case_end
fi

# ---------------------------------------------------------------------------
# list_canon FILE: a --list output as sorted "chip|NAME|LABEL|COUNT|FIRST-LAST"
# and "line|CHIP|OFF|GLOBAL|NAME|free or used:CONSUMER" records
list_canon() {
    sed -n -E \
        -e 's/^(gpiochip[0-9]+) \[(.*)\]: ([0-9]+) lines?, global ([0-9]+-[0-9]+)$/chip|\1|\2|\3|\4/p' \
        -e 's/^  line +([0-9]+)  global ([0-9]+) +(.*)$/line|\1|\2|\3/p' "$1" |
        awk -F'|' '
            $1 == "chip" { c = $2; print; next }
            {
                rest = $4; name = ""
                if (substr(rest, 1, 1) == "\"") { rest = substr(rest, 2); name = substr(rest, 1, index(rest, "\"") - 1); rest = substr(rest, length(name) + 2) }
                else rest = substr(rest, 2)
                use = "free"
                if (index(rest, "used by \"")) { u = substr(rest, index(rest, "used by \"") + 9); use = "used:" substr(u, 1, length(u) - 1) }
                else if (index(rest, "in use")) use = "used:"
                print "line|" c "|" $2 "|" $3 "|" name "|" use
            }' | sort
}

# kernel_canon: the same records from the kernel (chip info, debugfs bases, v2
# line info of every line)
kernel_canon() {
    for _d in /sys/bus/gpio/devices/gpiochip*; do
        _c=$(basename "$_d")
        _ci=$(gpio-chipinfo "/dev/$_c")
        _lb=$(echo "$_ci" | sed -n 's/.* label="\(.*\)" lines=.*/\1/p')
        _n=$(echo "$_ci" | sed -n 's/.* lines=\([0-9]*\)$/\1/p')
        _b=$(gpio_chip_base "$_c")
        echo "chip|$_c|$_lb|$_n|$_b-$((_b + _n - 1))"
        _o=0
        while [ "$_o" -lt "$_n" ]; do
            line_info "$_c" "$_o" | awk -F'"' -v c="$_c" -v o="$_o" -v g=$((_b + _o)) '{
                use = ($5 ~ /flags=used/) ? "used:" $4 : "free"
                print "line|" c "|" o "|" g "|" $2 "|" use }'
            _o=$((_o + 1))
        done
    done | sort
}

if case_wanted list; then
    case_begin list "--list against the kernel: every chip (name, label, line count, global range), every line (global number = base + offset, name, consumer of a used line)"
    if hold_line -v 0 "$R1" 7 blinkd-holder >/dev/null; then
        "$BLINKD" --backend gpiod --list >"$T/list.out" 2>"$T/list.err"
        check_eq "--list exit status" "$?" 0
        check_eq "last line" "$(tail -n 1 "$T/list.out")" "(backend gpiod)"
        check_eq "header of $R0" "$(grep "^$R0 " "$T/list.out")" "$R0 [blinkd-gres-a]: 8 lines, global $R0_BASE-$((R0_BASE + 7))"
        check_eq "header of $R1" "$(grep "^$R1 " "$T/list.out")" "$R1 [blinkd-gres-b]: 8 lines, global $R1_BASE-$((R1_BASE + 7))"
        list_canon "$T/list.out" >"$T/list.canon"
        kernel_canon >"$T/kernel.canon"
        check_eq "every line of the listing parsed (all but the last)" "$(wc -l <"$T/list.canon")" $(($(wc -l <"$T/list.out") - 1))
        if cmp -s "$T/list.canon" "$T/kernel.canon"; then
            check "listing = the kernel's chips and lines ($(grep -c '^chip' "$T/kernel.canon") chips, $(grep -c '^line' "$T/kernel.canon") lines)" true
        else
            check "listing = the kernel's chips and lines" false
            diff "$T/kernel.canon" "$T/list.canon" | head -n 12 | sed 's/^/  kernel-vs-list| /'
        fi
        check_eq "LED0 row" "$(grep -c "^line|$R0|3|$((R0_BASE + 3))|LED0|free$" "$T/list.canon")" 1
        check_eq "the held line: used by its consumer" "$(grep "^line|$R1|7|" "$T/list.canon")" "line|$R1|7|$((R1_BASE + 7))||used:blinkd-holder"
        check_eq "the hogged line: used by its consumer" "$(grep "^line|$R0|7|" "$T/list.canon")" "line|$R0|7|$((R0_BASE + 7))||used:blinkd-hog"
        "$BLINKD" --backend auto --list >"$T/list-auto.out" 2>"$T/list-auto.err"
        check_eq "--backend auto --list exit status" "$?" 0
        check_eq "--backend auto --list: last line" "$(tail -n 1 "$T/list-auto.out")" "(backend gpiod)"
        check "--backend auto --list: the same listing" cmp -s "$T/list.out" "$T/list-auto.out"
        hold_release "$HOLD_PID"
    else
        fail_now "gpio-hold holds $R1:7"
    fi
    case_end
fi

if case_wanted auto-picks-gpiod; then
    case_begin auto-picks-gpiod "--backend auto chooses gpiod when a chip exists, logs the resolved line (chip, label, offset, global) and blinks it"
    BLINKD_BACKEND=auto
    count_run auto "$(both 1 3)" blinkd-gres-b:3
    # shellcheck disable=SC2034  # read by blinkd_start
    BLINKD_BACKEND=gpiod
    log_has "stderr: auto chose gpiod" "$RUN_LOG" "backend auto: chose gpiod"
    log_has "stderr: the resolved line" "$RUN_LOG" \
        "line 'blinkd-gres-b:3': $R1 [blinkd-gres-b] offset 3 (global $((R1_BASE + 3))); blink (on 100ms, off 100ms), 2 cycles"
    log_has "stderr: requested through the chardev" "$RUN_LOG" "requested as an output by 'gpio-blinkd'"
    toggled "blinkd-gres-b:3 drives bank1 line 3" 1 2
    toggled "bank0 line 3 untouched" 2 0
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted eacces-non-root; then
    case_begin eacces-non-root "a chip node the user may not open (uid 1000): exit 1 with the hint about group gpio; with the node in its group the same user blinks"
    check_eq "precondition: /dev/$R0 is root-only" "$(stat -c '%a %u' "/dev/$R0")" "600 0"
    check "precondition: uid 1000 gets EACCES" sh -c "gpio-runas 1000 1000 gpio-chipinfo /dev/$R0 | grep -q EACCES"
    DL_WRAP="gpio-runas 1000 1000"
    expect_fail eacces "$R0:0"
    log_has "stderr: the chip cannot be opened" "$RUN_LOG" "/dev/$R0: cannot be opened: Permission denied"
    log_has "stderr: the hint about group gpio" "$RUN_LOG" "group 'gpio'"
    $DL_WRAP "$BLINKD" --backend gpiod --list >"$T/eacces-list.out" 2>"$T/eacces-list.log"
    check_eq "--list as uid 1000: exit status" "$?" 1
    log_has "--list: the hint about group gpio" "$T/eacces-list.log" "Permission denied; run as root, or in a group that may open it (group 'gpio'"
    line_free "nothing requested" "$R0" 0
    # the hint works: the node in group 997 (the "gpio" group), mode 0660
    chgrp 997 "/dev/$R0" && chmod 0660 "/dev/$R0"
    DL_WRAP="gpio-runas 1000 1000,997"
    count_run eacces-group "$(both 0 0)" "$R0:0"
    toggled "uid 1000 in group 997 blinks $R0:0" 1 2
    DL_WRAP=
    chgrp 0 "/dev/$R0" && chmod 0600 "/dev/$R0"
    case_end
fi

if case_wanted no-uapi-v1; then
    case_begin no-uapi-v1 "a kernel without the uAPI v1 (CONFIG_GPIO_CDEV_V1=n: Debian's 7.x, else emulated by seccomp): libgpiod 1.6 exits 1 naming CONFIG_GPIO_CDEV_V1, libgpiod 2 blinks"
    if gpio-lineinfo -1 "/dev/$R0" 3 | grep -q 'name="LED0"'; then
        echo "  the kernel has the uAPI v1: emulating a kernel without it (gpio-no-uapi-v1)"
        check "precondition: uAPI v1 line info under the filter: EINVAL" sh -c "gpio-no-uapi-v1 gpio-lineinfo -1 /dev/$R0 3 | grep -q 'errno=22 EINVAL'"
        check "precondition: uAPI v2 line info under the filter" sh -c "gpio-no-uapi-v1 gpio-lineinfo /dev/$R0 3 | grep -q 'name=\"LED0\"'"
        DL_WRAP=gpio-no-uapi-v1
    else
        echo "  the kernel itself has no uAPI v1"
        check "precondition: uAPI v1 line info: EINVAL from the kernel" sh -c "gpio-lineinfo -1 /dev/$R0 3 | grep -q 'errno=22 EINVAL'"
        check "precondition: uAPI v2 line info" sh -c "gpio-lineinfo /dev/$R0 3 | grep -q 'name=\"LED0\"'"
    fi
    if [ "$LIBGPIOD_MAJOR" = 1 ]; then
        expect_fail no-v1 "$R0:0"
        log_has "stderr: libgpiod 1.6 needs CONFIG_GPIO_CDEV_V1" "$RUN_LOG" "CONFIG_GPIO_CDEV_V1"
        line_free "nothing requested" "$R0" 0
    else
        count_run no-v1 "$(both 0 0)" "$R0:0"
        toggled "libgpiod $LIBGPIOD blinks $R0:0 without the uAPI v1" 1 2
        toggled "bank1 line 0 untouched" 2 0
        log_has "stderr: requested through libgpiod $LIBGPIOD" "$RUN_LOG" "requested as an output by 'gpio-blinkd', off (libgpiod $LIBGPIOD, 1 request for this chip)"
    fi
    DL_WRAP=
    libgpiod_as_built
    case_end
fi

cases_done
