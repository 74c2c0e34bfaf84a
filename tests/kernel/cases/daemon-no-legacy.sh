#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2034  # BLINKD_BACKEND and DL_WRAP are read by daemon-lib.sh
# daemon-no-legacy.sh - guest script: the whole gpio-blinkd (every backend) on a kernel
# with neither the legacy sysfs ABI (CONFIG_GPIO_SYSFS_LEGACY) nor the character
# device's uAPI v1 (CONFIG_GPIO_CDEV_V1), where kernels are going. Runs on Debian's 7.x
# kernel, which really has no uAPI v1; the legacy export is hidden from the daemon by
# gpio-no-legacy-sysfs (a mount namespace whose /sys/class/gpio holds only the chipN
# links), while the kernel's per-chip ABI stays. The libgpiod 2 build (what ships)
# blinks through gpiod, auto and sysfs (per-chip); the libgpiod 1.6 build says the
# uAPI v1 is missing, and its auto falls back to sysfs saying why. Levels are read from
# outside the daemon, through gpio-sim's sim_gpioX/value, next to the same offset on
# the other bank (the line a wrong mapping would drive).
# By hand:
#   tests/kernel/qemu-gpio-run --arch amd64 --kernel backports \
#       --payload build/release-static-tests/gpio-blinkd --payload tests/kernel/cases/daemon-lib.sh \
#       tests/kernel/cases/daemon-no-legacy.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh
gpiod_setup

# nl: bank0 8 lines "blinkd-nl-a" (line 3 named NLED), bank1 8 lines "blinkd-nl-b"
sim_chip_create nl 8 --label blinkd-nl-a --name 3=NLED --bank 8 --label blinkd-nl-b ||
    { echo "setup: sim_chip_create nl failed"; exit 1; }
R0=$SIM_NL_B0_CHIP R0_BASE=$SIM_NL_B0_BASE
R1=$SIM_NL_B1_CHIP
# Every daemon of this group sees /sys/class/gpio without the legacy ABI.
DL_WRAP=gpio-no-legacy-sysfs

# both BANK OFF: the sampled paths of bankBANK line OFF, then the same offset on the
# other bank
both() { echo "$(sim_path nl "$2" "$1") $(sim_path nl "$2" $((1 - $1)))"; }

# ---------------------------------------------------------------------------
if case_wanted no-legacy-kernel; then
    case_begin no-legacy-kernel "the daemon's view of this kernel: no uAPI v1 (the real kernel), only chipN in /sys/class/gpio (the legacy ABI hidden), the rest of the system untouched"
    check "uAPI v1 line info: EINVAL from the kernel itself (no filter)" \
        sh -c "gpio-lineinfo -1 /dev/$R0 3 | grep -q 'errno=22 EINVAL'"
    check "uAPI v2 line info works" sh -c "gpio-lineinfo /dev/$R0 3 | grep -q 'name=\"NLED\"'"
    # shellcheck disable=SC2016  # expanded by the inner sh
    seen=$(gpio-no-legacy-sysfs sh -c 'for f in /sys/class/gpio/*; do printf "%s " "${f##*/}"; done')
    check_eq "/sys/class/gpio as the daemon sees it" "$seen" "$(for f in /sys/class/gpio/chip*; do printf '%s ' "${f##*/}"; done)"
    for c in "$R0" "$R1"; do
        case " $seen " in
            *" chip${c#gpiochip} "*) check "chip${c#gpiochip} ($c) is there" true ;;
            *) check "chip${c#gpiochip} ($c) is there (saw: $seen)" false ;;
        esac
    done
    check "outside the daemon's view the legacy export stays" test -e /sys/class/gpio/export
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted no-legacy-gpiod; then
    case_begin no-legacy-gpiod "--backend gpiod: libgpiod 2 blinks through the uAPI v2; libgpiod 1.6 exits 1 saying the kernel lacks the uAPI v1"
    if [ "$LIBGPIOD_MAJOR" = 1 ]; then
        expect_fail gpiod-v1 "$R0:1"
        log_has "stderr: the uAPI v1 is missing" "$RUN_LOG" "this kernel has no GPIO character device uAPI v1 (CONFIG_GPIO_CDEV_V1), which libgpiod 1.6 needs"
        check_eq "stderr: one error line" "$(grep -cw error "$RUN_LOG")" 1
        line_free "nothing requested" "$R0" 1
    else
        count_run gpiod-v2 "$(both 0 1)" "$R0:1"
        toggled "$R0:1 blinks" 1 2
        toggled "the other bank's line 1 untouched" 2 0
        log_has "stderr: requested through libgpiod $LIBGPIOD" "$RUN_LOG" "line '$R0:1': $R0 [blinkd-nl-a] offset 1"
        log_has "stderr: the request" "$RUN_LOG" "requested as an output by 'gpio-blinkd', off (libgpiod $LIBGPIOD"
    fi
    libgpiod_as_built
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted no-legacy-auto; then
    case_begin no-legacy-auto "--backend auto: gpiod with libgpiod 2; with libgpiod 1.6 it says why gpiod cannot be used and blinks through the per-chip sysfs ABI"
    BLINKD_BACKEND=auto
    count_run auto "$(both 0 4)" "$R0:4"
    BLINKD_BACKEND=gpiod
    toggled "$R0:4 blinks" 1 2
    toggled "the other bank's line 4 untouched" 2 0
    if [ "$LIBGPIOD_MAJOR" = 1 ]; then
        log_has "stderr: why not gpiod" "$RUN_LOG" "backend auto: gpiod cannot be used here: "
        log_has "stderr: ... the uAPI v1 is missing" "$RUN_LOG" "(CONFIG_GPIO_CDEV_V1), which libgpiod 1.6 needs"
        log_has "stderr: auto chose sysfs" "$RUN_LOG" "backend auto: chose sysfs"
        log_has "stderr: per-chip ABI" "$RUN_LOG" "line '$R0:4': $R0 [blinkd-nl-a] offset 4 is an output, off (per-chip sysfs ABI)"
        check "exported through chip${R0#gpiochip}/export" test -d "/sys/class/gpio/chip${R0#gpiochip}/gpio4"
        gpio-write "/sys/class/gpio/chip${R0#gpiochip}/unexport" 4 >/dev/null
    else
        log_has "stderr: auto chose gpiod" "$RUN_LOG" "backend auto: chose gpiod"
        line_free "released after the exit" "$R0" 4
    fi
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted no-legacy-sysfs; then
    case_begin no-legacy-sysfs "--backend sysfs without the legacy ABI: chipN/export by offset for gpiochipN:OFFSET, LABEL:OFFSET and a line name, active-low in software; a global number is refused"
    BLINKD_BACKEND=sysfs
    count_run sysfs "$(both 1 2) $(both 1 5) $(both 0 3) $(both 0 6)" \
        "$R1:2" "blinkd-nl-b:5" NLED "$R0:6,active-low"
    toggled "$R1:2 blinks" 1 2
    toggled "... the other bank's line 2 untouched" 2 0
    toggled "blinkd-nl-b:5 blinks" 3 2
    toggled "... the other bank's line 5 untouched" 4 0
    toggled "NLED (bank0 line 3) blinks" 5 2
    toggled "... bank1 line 3 untouched" 6 0
    w=$(wave "$RUN_WAVE" 7)
    check_eq "$R0:6,active-low: physical levels (off = high)" "$(wave_get "$w" levels)" 010101
    for f in "$R1 line 2" "$R1 line 5" "$R0 line 3" "$R0 line 6"; do
        log_has "stderr: exported $f by offset" "$RUN_LOG" "exported $f"
    done
    check_eq "lines with the per-chip ABI" "$(grep -c '(per-chip sysfs ABI)' "$RUN_LOG")" 4
    check_eq "the active-low line rests high" "$(sim_value nl 6 0)" 1
    check "the exports stay for a restart (chip${R1#gpiochip}/gpio2)" test -d "/sys/class/gpio/chip${R1#gpiochip}/gpio2"
    for e in "$R1 2" "$R1 5" "$R0 3" "$R0 6"; do
        # shellcheck disable=SC2086  # chip and offset
        set -- $e
        gpio-write "/sys/class/gpio/chip${1#gpiochip}/unexport" "$2" >/dev/null
    done
    # no legacy ABI, and a 7.x debugfs shows no bases: global numbers mean nothing here
    expect_fail sysfs-global $((R0_BASE + 1))
    log_has "global number refused" "$RUN_LOG" "line '$((R0_BASE + 1))': this kernel has no global GPIO numbers"
    log_has "... with the forms that work" "$RUN_LOG" "name the line as gpiochipN:OFFSET, LABEL:OFFSET or by its name"
    BLINKD_BACKEND=gpiod
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted no-legacy-sysfs-abi-legacy; then
    case_begin no-legacy-sysfs-abi-legacy "--sysfs-abi legacy without the legacy ABI: exit 1 saying /sys/class/gpio/export is missing, nothing exported"
    BLINKD_BACKEND=sysfs
    expect_fail abi-legacy --sysfs-abi legacy "$R0:7"
    BLINKD_BACKEND=gpiod
    log_has "stderr: the legacy export is missing" "$RUN_LOG" "/sys/class/gpio/export"
    check_eq "stderr: one error line" "$(grep -cw error "$RUN_LOG")" 1
    check "nothing exported (chip${R0#gpiochip}/gpio7)" test ! -e "/sys/class/gpio/chip${R0#gpiochip}/gpio7"
    check "nothing exported (gpio$((R0_BASE + 7)))" test ! -e "/sys/class/gpio/gpio$((R0_BASE + 7))"
    case_end
fi

cases_done
