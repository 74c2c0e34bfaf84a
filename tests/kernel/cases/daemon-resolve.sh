#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-resolve.sh - guest script: how gpio-blinkd --backend sysfs finds a line
# on a real gpiolib (global numbers, gpiochipN:OFFSET, LABEL:OFFSET, line
# names, two-bank gpio-sim devices whose bases 6.1 allocates downward, later
# kernels upward) and how it fails (EINVAL outside every chip, a line busy
# through the chardev); with SYSFS_ABI=chip (group chip-resolve) through the
# per-chip ABI, which exports by offset and knows no global numbers.
# Which line really toggled is read from gpio-sim's sim_gpioX/value, next to
# the same offset on the other bank (the line a wrong mapping would drive).
# Bases and chip names are read at run time, never assumed.
# By hand:
#   tests/kernel/qemu-gpio-run --arch arm64 --payload build/release-static-arm64/gpio-blinkd \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-resolve.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh

# res:  bank0 8 lines "blinkd-res-a" (line 3 named blinkd-led, line 6 hogged)
#       bank1 8 lines "blinkd-res-b": same parent device and size, bases
#       allocated downward by 6.1 (bank1 below bank0)
# twin-a, twin-b: two devices of 4 lines, both labelled "blinkd-twin"
#       (gpio-sim refuses equal labels within one device)
sim_chip_create res 8 --label blinkd-res-a --name 3=blinkd-led --hog 6=blinkd-hog:output-high \
    --bank 8 --label blinkd-res-b || { echo "setup: sim_chip_create res failed"; exit 1; }
sim_chip_create twin-a 4 --label blinkd-twin || { echo "setup: sim_chip_create twin-a failed"; exit 1; }
sim_chip_create twin-b 4 --label blinkd-twin || { echo "setup: sim_chip_create twin-b failed"; exit 1; }
R0=$SIM_RES_B0_CHIP R0_BASE=$SIM_RES_B0_BASE
R1=$SIM_RES_B1_CHIP R1_BASE=$SIM_RES_B1_BASE
TA=$SIM_TWIN_A_CHIP TA_BASE=$SIM_TWIN_A_BASE
TB=$SIM_TWIN_B_CHIP TB_BASE=$SIM_TWIN_B_BASE
fact chips "$(chip_ranges | tr '\n' ';')"

# count_run, toggled, expect_fail, not_exported: daemon-lib.sh

# With SYSFS_ABI=chip (group chip-resolve) the daemon exports by offset through chipN and
# reads its chips from there: it knows no bases (7.x's debugfs shows none), so a global
# number names no line, and a line's description ends at its offset (and name).
chip_abi() { [ "${SYSFS_ABI:-}" = chip ]; }

# described_as DESC LOG ARG CHIP LABEL OFF GLOBAL [NAME]: the daemon's description of the
# line it opened for ARG: "CHIP [LABEL] offset OFF (NAME, global GLOBAL)"; through the
# per-chip ABI up to the offset and the name
described_as() {
    _da_n=${8:-}
    if chip_abi; then
        log_has "$1" "$2" "line '$3': $4 [$5] offset $6${_da_n:+ ($_da_n}"
    else
        log_has "$1" "$2" "line '$3': $4 [$5] offset $6 (${_da_n:+$_da_n, }global $7)"
    fi
}

# ---------------------------------------------------------------------------
if case_wanted resolve-global; then
    G1=$((R1_BASE + 2)) G0=$((R0_BASE + 5))
    if chip_abi; then
        case_begin resolve-global "a global number names no line through the per-chip ABI: exit 1, the forms that work named, nothing exported"
        expect_fail chip-global "$G1" "$G0"
        log_has "stderr: global numbers refused" "$RUN_LOG" "line '$G1': this kernel has no global GPIO numbers"
        log_has "stderr: the forms that work" "$RUN_LOG" "name the line as gpiochipN:OFFSET, LABEL:OFFSET or by its name"
        not_exported "global number" "$G1"
        not_exported "global number" "$G0"
        check "nothing exported through chip${R1#gpiochip}" test ! -e "/sys/class/gpio/chip${R1#gpiochip}/gpio2"
    else
        case_begin resolve-global "a global number is resolved from the chip's real base (two-bank device; 6.1 hands bases out downward, later kernels upward)"
        echo "  $R0 base $R0_BASE, $R1 base $R1_BASE; blinking $G1 and $G0"
        count_run global "$(sim_path res 2 1) $(sim_path res 2 0) $(sim_path res 5 0) $(sim_path res 5 1)" "$G1" "$G0"
        toggled "$G1 drives bank1 line 2" 1 2
        toggled "bank0 line 2 untouched" 2 0
        toggled "$G0 drives bank0 line 5" 3 2
        toggled "bank1 line 5 untouched" 4 0
        log_has "stderr describes $G1" "$RUN_LOG" "line '$G1': $R1 [blinkd-res-b] offset 2 (global $G1)"
        log_has "stderr describes $G0" "$RUN_LOG" "line '$G0': $R0 [blinkd-res-a] offset 5 (global $G0)"
    fi
    case_end
fi

if case_wanted resolve-chip-name; then
    case_begin resolve-chip-name "gpiochipN:OFFSET names the character device; each bank of a two-bank device maps to its own base"
    count_run chipname "$(sim_path res 4 1) $(sim_path res 4 0) $(sim_path res 1 0) $(sim_path res 1 1)" "$R1:4" "/dev/$R0:1"
    toggled "$R1:4 drives bank1 line 4" 1 2
    toggled "bank0 line 4 untouched" 2 0
    toggled "/dev/$R0:1 drives bank0 line 1" 3 2
    toggled "bank1 line 1 untouched" 4 0
    described_as "stderr describes $R1:4" "$RUN_LOG" "$R1:4" "$R1" blinkd-res-b 4 $((R1_BASE + 4))
    described_as "stderr describes /dev/$R0:1" "$RUN_LOG" "/dev/$R0:1" "$R0" blinkd-res-a 1 $((R0_BASE + 1))
    case_end
fi

if case_wanted resolve-same-label; then
    case_begin resolve-same-label "two chips with the same label: gpiochipN finds each, the bare label is refused as ambiguous"
    count_run twin "$(sim_path twin-b 1) $(sim_path twin-a 1) $(sim_path twin-a 2) $(sim_path twin-b 2)" "$TB:1" "$TA:2"
    toggled "$TB:1 drives twin-b line 1" 1 2
    toggled "twin-a line 1 untouched" 2 0
    toggled "$TA:2 drives twin-a line 2" 3 2
    toggled "twin-b line 2 untouched" 4 0
    described_as "stderr describes $TB:1" "$RUN_LOG" "$TB:1" "$TB" blinkd-twin 1 $((TB_BASE + 1))
    expect_fail twin-label "blinkd-twin:0"
    log_has "label blinkd-twin is refused as ambiguous" "$RUN_LOG" "label 'blinkd-twin' is ambiguous: 2 chips carry it"
    not_exported "ambiguous label" "$TA_BASE"
    not_exported "ambiguous label" "$TB_BASE"
    case_end
fi

if case_wanted resolve-label; then
    case_begin resolve-label "LABEL:OFFSET and a line name find the right bank"
    count_run label "$(sim_path res 0 1) $(sim_path res 0 0) $(sim_path res 7 0) $(sim_path res 7 1) $(sim_path res 3 0) $(sim_path res 3 1)" \
        "blinkd-res-b:0" "blinkd-res-a:7" "blinkd-led"
    toggled "blinkd-res-b:0 drives bank1 line 0" 1 2
    toggled "bank0 line 0 untouched" 2 0
    toggled "blinkd-res-a:7 drives bank0 line 7" 3 2
    toggled "bank1 line 7 untouched" 4 0
    toggled "line name blinkd-led drives bank0 line 3" 5 2
    toggled "bank1 line 3 untouched" 6 0
    described_as "stderr describes blinkd-res-b:0" "$RUN_LOG" blinkd-res-b:0 "$R1" blinkd-res-b 0 "$R1_BASE"
    described_as "stderr describes blinkd-led" "$RUN_LOG" blinkd-led "$R0" blinkd-res-a 3 $((R0_BASE + 3)) blinkd-led
    case_end
fi

# ---------------------------------------------------------------------------
if case_wanted einval-outside-chips && chip_abi; then
    # chipN/export answers EINVAL only for a masked line, which gpio-sim has none of: the
    # line outside the chip is an offset past its end, refused before any export
    case_begin einval-outside-chips "an offset past the chip's end (the per-chip ABI's outside): exit 1 naming the chip's range, nothing exported"
    expect_fail chip-offset "$R0:8"
    log_has "stderr: out of range" "$RUN_LOG" "line '$R0:8': offset 8 is out of range for $R0 [blinkd-res-a] (8 lines: 0..7)"
    check "nothing exported through chip${R0#gpiochip}" test ! -e "/sys/class/gpio/chip${R0#gpiochip}/gpio8"
    case_end
elif case_wanted einval-outside-chips; then
    case_begin einval-outside-chips "a global number no chip covers: the kernel's EINVAL, exit 1, every chip listed"
    N=$(($(lowest_base) - 1))
    if number_in_any_chip "$N"; then fail_now "precondition: $N is outside every chip"; fi
    expect_fail einval "$N"
    log_has "stderr: the kernel rejected it" "$RUN_LOG" "/sys/class/gpio/export: the kernel rejected GPIO $N: Invalid argument; no chip provides it; chips found: "
    for c in $(chip_ranges | tr ' ' '~'); do
        c=$(echo "$c" | tr '~' ' ')
        log_has "stderr lists $c" "$RUN_LOG" "$c"
    done
    not_exported einval "$N"
    # a small number (a board's old base-0 numbering): the message suggests base + N
    N=2
    if number_in_any_chip "$N"; then fail_now "precondition: $N is outside every chip"; fi
    expect_fail einval-small "$N"
    hint=$(sed -n 's/.*this kernel numbers \(gpiochip[0-9]*\) from \([0-9]*\): did you mean \([0-9]*\) (\(gpiochip[0-9]*\):2).*/\1 \2 \3 \4/p' "$RUN_LOG")
    # shellcheck disable=SC2086  # split the four words
    set -- $hint
    if [ $# -eq 4 ]; then
        check_eq "hint: $1 starts at its real base" "$2" "$(gpio_chip_base "$1")"
        check_eq "hint: did you mean base + 2" "$3" "$(($2 + 2))"
        check_eq "hint: same chip as CHIP:OFFSET" "$4" "$1"
    else
        fail_now "stderr suggests base + 2 ('did you mean')"
        dl_show_log "$RUN_LOG"
    fi
    case_end
fi

if case_wanted busy-chardev-holder; then
    case_begin busy-chardev-holder "a line requested through the chardev (and a hogged one): exit 1, busy, the kernel's consumer named"
    G=$((R1_BASE + 7))
    N7=$(sysfs_line_name "$R1" 7 "$G")
    if hold_line -v 1 "$R1" 7 blinkd-holder >/dev/null; then
        check "gpio-hold holds $R1:7" true
        expect_fail busy-chip "$R1:7"
        log_has "stderr: busy" "$RUN_LOG" "$N7: cannot be exported: $R1 [blinkd-res-b] offset 7"
        log_has "stderr: ... is busy" "$RUN_LOG" "is busy: Device or resource busy"
        log_has "stderr: consumer named" "$RUN_LOG" "the kernel names its consumer 'blinkd-holder'"
        # the other way to name it: its global number, or through the per-chip ABI (which
        # has no numbers) its label
        if chip_abi; then other=blinkd-res-b:7; else other=$G; fi
        expect_fail busy-other "$other"
        log_has "'$other': busy" "$RUN_LOG" "$N7: cannot be exported:"
        log_has "'$other': consumer named" "$RUN_LOG" "the kernel names its consumer 'blinkd-holder'"
        check "the holder still runs" kill -0 "$HOLD_PID"
        check_eq "the held line keeps the holder's level" "$(sim_value res 7 1)" 1
        not_exported busy "$G"
        hold_release "$HOLD_PID"
    else
        fail_now "gpio-hold holds $R1:7"
    fi
    expect_fail busy-hog "$R0:6"
    log_has "hogged line: busy" "$RUN_LOG" "$(sysfs_line_name "$R0" 6 $((R0_BASE + 6))): cannot be exported:"
    log_has "hogged line: consumer named" "$RUN_LOG" "the kernel names its consumer 'blinkd-hog'"
    check_eq "the hogged line keeps its level" "$(sim_value res 6 0)" 1
    case_end
fi

cases_done
