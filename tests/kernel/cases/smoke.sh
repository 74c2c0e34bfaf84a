#!/bin/sh
# SPDX-License-Identifier: MIT
# smoke.sh - guest script proving the real-kernel harness on one architecture:
#   tests/kernel/qemu-gpio-run --arch amd64|arm64|armhf [--kernel trixie|backports] \
#       tests/kernel/cases/smoke.sh
# Creates gpio-sim chips, drives lines through sysfs and the v2 chardev,
# removes a chip under an exported/held line, and prints "FACT key=value"
# lines (the observed kernel behaviour) plus PASS/FAIL lines.
# Exit status: 0 if every check passed.
# shellcheck disable=SC1091  # the guest copy of tests/kernel/guest-lib.sh
. /lib/gpio-guest.sh

rp() { readlink -f "$1"; }
wait_for_line() {
    # wait_for_line FILE REGEX: up to ~5 s
    _n=0
    while [ "$_n" -lt 250 ]; do
        grep -qs "$2" "$1" && return 0
        usleep 20000
        _n=$((_n + 1))
    done
    echo "timeout waiting for '$2' in $1:" >&2
    cat "$1" >&2
    return 1
}
lineinfo_field() {
    # lineinfo_field CHIP OFFSET FIELD  (name|consumer|flags)
    gpio-lineinfo "/dev/$1" "$2" | sed -n "s/.* $3=\"\{0,1\}\([^\" ]*\)\"\{0,1\}.*/\1/p"
}

echo "== $QG_ARCH $QG_KERNEL kernel $QG_KERNEL_RELEASE ($QG_KERNEL_VERSION)"
fact arch "$QG_ARCH"
fact kernel "$QG_KERNEL $QG_KERNEL_RELEASE $QG_KERNEL_VERSION"

# ---------------------------------------------------------------------------
echo "== chips present before gpio-sim (PL061 on ARM virt)"
pre_chips=$(for c in /dev/gpiochip*; do [ -e "$c" ] && basename "$c"; done | tr '\n' ' ')
fact chips_before_sim "${pre_chips:-none}"
for c in $pre_chips; do
    b=$(gpio_chip_base "$c")
    fact "chip_before.$c" "$(gpio-chipinfo "/dev/$c") base=$b"
    fact "d.realpath_class_gpiochip$b" "$(rp "/sys/class/gpio/gpiochip$b")"
    fact "d.realpath_class_gpiochip$b/device" "$(rp "/sys/class/gpio/gpiochip$b/device")"
    fact "d.realpath_bus_gpio_devices_$c" "$(rp "/sys/bus/gpio/devices/$c")"
    fact "d.lines_of_$c" "$(i=0; while [ "$i" -lt 8 ]; do gpio-lineinfo "/dev/$c" "$i" | tr -d '\n'; printf '; '; i=$((i + 1)); done)"
done

# ---------------------------------------------------------------------------
echo "== create sim chips"
check "create qga (2 banks, label, names, hog)" \
    sim_chip_create qga 8 --label blinkd-a --name 0=led0 --name 1=led1 \
    --hog 5=hogger:output-high --bank 4 --label blinkd-a-b1
A_CHIP=$SIM_QGA_CHIP A_BASE=$SIM_QGA_BASE A_DEV=$SIM_QGA_DEV
A1_CHIP=$SIM_QGA_B1_CHIP A1_BASE=$SIM_QGA_B1_BASE
check "create qgb (1 bank, no label)" sim_chip_create qgb 16
B_CHIP=$SIM_QGB_CHIP B_BASE=$SIM_QGB_BASE B_DEV=$SIM_QGB_DEV
fact sim_qga_bank0 "chip=$A_CHIP base=$A_BASE dev=$A_DEV label=$SIM_QGA_LABEL"
fact sim_qga_bank1 "chip=$A1_CHIP base=$A1_BASE dev=$SIM_QGA_B1_DEV label=$SIM_QGA_B1_LABEL"
fact sim_qgb_bank0 "chip=$B_CHIP base=$B_BASE dev=$B_DEV label=$SIM_QGB_LABEL"
fact dev_gpiochips "$(echo /dev/gpiochip*)"
fact debugfs_gpio "$(grep '^gpiochip' /sys/kernel/debug/gpio | tr '\n' ';')"

check_eq "chardev label of qga bank0" "$(gpio-chipinfo "/dev/$A_CHIP" | sed -n 's/.*label="\(.*\)".*/\1/p')" blinkd-a
check_eq "sysfs label of gpiochip$A_BASE" "$(cat "/sys/class/gpio/gpiochip$A_BASE/label")" blinkd-a
check_eq "sysfs ngpio of gpiochip$A_BASE" "$(cat "/sys/class/gpio/gpiochip$A_BASE/ngpio")" 8
check_eq "sysfs ngpio of gpiochip$A1_BASE" "$(cat "/sys/class/gpio/gpiochip$A1_BASE/ngpio")" 4
check_eq "line name via chardev" "$(lineinfo_field "$A_CHIP" 0 name)" led0
check_eq "hog consumer via chardev" "$(lineinfo_field "$A_CHIP" 5 consumer)" hogger
check_eq "hogged line level (output-high)" "$(sim_value qga 5)" 1
check_eq "gpio_chip_by_label" "$(gpio_chip_by_label blinkd-a-b1)" "$A1_CHIP"

# ---------------------------------------------------------------------------
echo "== (a) sysfs links: chardev name -> sysfs base"
for spec in "$A_CHIP:$A_BASE" "$A1_CHIP:$A1_BASE" "$B_CHIP:$B_BASE"; do
    c=${spec%%:*} b=${spec#*:}
    fact "a.realpath_class_gpiochip$b" "$(rp "/sys/class/gpio/gpiochip$b")"
    fact "a.readlink_class_gpiochip$b/device" "$(readlink "/sys/class/gpio/gpiochip$b/device")"
    fact "a.realpath_class_gpiochip$b/device" "$(rp "/sys/class/gpio/gpiochip$b/device")"
    fact "a.realpath_bus_gpio_devices_$c" "$(rp "/sys/bus/gpio/devices/$c")"
done
# candidate mapping: parent of the bus device == device of the class entry
map_candidates() {
    _parent=$(dirname "$(rp "/sys/bus/gpio/devices/$1")")
    for _g in /sys/class/gpio/gpiochip*; do
        [ "$(rp "$_g/device")" = "$_parent" ] && basename "$_g"
    done | tr '\n' ' '
}
fact a.map_candidates_qga_bank0 "$(map_candidates "$A_CHIP")"
fact a.map_candidates_qgb "$(map_candidates "$B_CHIP")"
check_eq "single-bank device maps uniquely via links" "$(map_candidates "$B_CHIP")" "gpiochip$B_BASE "
check_eq "banks of one device share the class device parent" \
    "$(rp "/sys/class/gpio/gpiochip$A_BASE/device")" "$(rp "/sys/class/gpio/gpiochip$A1_BASE/device")"
fact a.class_gpiochip_under "$(echo "/sys/devices/platform/$A_DEV/gpio/"gpiochip*)"
fact a.bus_device_is_parent_of_gpio_dir "$(ls -d "/sys/devices/platform/$A_DEV/$A_CHIP/gpio" 2>/dev/null || echo no)"

# ---------------------------------------------------------------------------
echo "== sysfs export / direction / value -> simulator"
n=$A_BASE
check_eq "export $n (qga line 0)" "$(gpio_export "$n")" OK
if [ -L "/sys/class/gpio/gpio$n" ]; then islink=yes; else islink=no; fi
fact e.class_gpioN_is_symlink "$islink"
fact "e.readlink_class_gpio$n" "$(readlink "/sys/class/gpio/gpio$n")"
fact "e.realpath_class_gpio$n" "$(rp "/sys/class/gpio/gpio$n")"
check_eq "exported line is a symlink" "$islink" yes
check_eq "gpioN realpath is under the chardev device" \
    "$(rp "/sys/class/gpio/gpio$n")" "$(rp "/sys/bus/gpio/devices/$A_CHIP")/gpio/gpio$n"
check_eq "default direction" "$(cat "/sys/class/gpio/gpio$n/direction")" in
check_eq "direction=out" "$(sysfs_write "/sys/class/gpio/gpio$n/direction" out)" OK
check_eq "value=1" "$(sysfs_write "/sys/class/gpio/gpio$n/value" 1)" OK
check_eq "sim sees 1" "$(sim_value qga 0)" 1
check_eq "value=0" "$(sysfs_write "/sys/class/gpio/gpio$n/value" 0)" OK
check_eq "sim sees 0" "$(sim_value qga 0)" 0
check_eq "direction=high" "$(sysfs_write "/sys/class/gpio/gpio$n/direction" high)" OK
check_eq "sim sees 1 after direction=high" "$(sim_value qga 0)" 1
fact b.lineinfo_sysfs_exported_output "$(gpio-lineinfo "/dev/$A_CHIP" 0)"
check_eq "chardev consumer of a sysfs-exported line" "$(lineinfo_field "$A_CHIP" 0 consumer)" sysfs
check_eq "direction=in" "$(sysfs_write "/sys/class/gpio/gpio$n/direction" in)" OK
sim_set_pull qga 0 pull-up
check_eq "input reads pull-up" "$(cat "/sys/class/gpio/gpio$n/value")" 1
sim_set_pull qga 0 pull-down
check_eq "input reads pull-down" "$(cat "/sys/class/gpio/gpio$n/value")" 0
fact b.export_twice "$(gpio_export "$n")"
check_eq "unexport $n" "$(gpio_unexport "$n")" OK
fact b.unexport_not_exported "$(gpio_unexport "$n")"
check "gpio$n gone after unexport" test ! -e "/sys/class/gpio/gpio$n"

# ---------------------------------------------------------------------------
echo "== (b) chardev holder vs sysfs export"
if hold_line -v 1 "$A_CHIP" 2 blinkd-holder; then
    check_eq "holder consumer via chardev" "$(lineinfo_field "$A_CHIP" 2 consumer)" blinkd-holder
    check_eq "sim sees held value 1" "$(sim_value qga 2)" 1
    kill -USR1 "$HOLD_PID"
    wait_for_line "$HOLD_LOG" '^SET value=0'
    check_eq "sim sees toggled value 0" "$(sim_value qga 2)" 0
    r=$(gpio_export $((A_BASE + 2)))
    fact b.export_of_chardev_held_line "$r"
    check_eq "export of a chardev-held line" "$r" EBUSY
    hold_release "$HOLD_PID"
    check_eq "export after release" "$(gpio_export $((A_BASE + 2)))" OK
    r=$(gpio-hold "/dev/$A_CHIP" 2 late 2>&1 | head -n1)
    fact b.chardev_request_of_sysfs_exported_line "$r"
    case "$r" in *EBUSY*) ok=EBUSY ;; *) ok="$r" ;; esac
    check_eq "chardev request of a sysfs-exported line" "$ok" EBUSY
    gpio_unexport $((A_BASE + 2)) >/dev/null
else
    check "gpio-hold could request the line" false
fi
r=$(gpio_export $((A_BASE + 5)))
fact b.export_of_hogged_line "$r"
check_eq "export of a hogged line" "$r" EBUSY
r=$(gpio_export 5000)
fact b.export_outside_any_chip_5000 "$r"
check_eq "export of 5000 (no chip)" "$r" EINVAL
# a number just below the lowest sim chip (no chip there on any arch tested)
low=$B_BASE
for b in $A_BASE $A1_BASE; do [ "$b" -lt "$low" ] && low=$b; done
r=$(gpio_export $((low - 1)))
fact "b.export_below_lowest_sim_chip_$((low - 1))" "$r"

# ---------------------------------------------------------------------------
echo "== (c) remove a chip while a line is exported and held"
n=$((B_BASE + 3))
check_eq "export $n (qgb line 3)" "$(gpio_export "$n")" OK
check_eq "direction=out" "$(sysfs_write "/sys/class/gpio/gpio$n/direction" out)" OK
FD_LOG=/tmp/fdtest.log
gpio-fdtest "/sys/class/gpio/gpio$n/value" >"$FD_LOG" 2>&1 &
FD_PID=$!
wait_for_line "$FD_LOG" '^READY'
kill -USR1 "$FD_PID"
wait_for_line "$FD_LOG" '^DONE'
fact c.fd_ops_before_removal "$(sed -n '/^write/,/^DONE/p' "$FD_LOG" | grep -v DONE | tr '\n' ';')"
hold_line -v 1 "$B_CHIP" 4 blinkd-held
H_PID=$HOLD_PID H_LOG=$HOLD_LOG
: >"$FD_LOG.2"
dmesg -c >/dev/null
r=$(sysfs_write "/sys/kernel/config/gpio-sim/qgb/live" 0)
fact c.live0_with_exported_and_held_lines "$r"
check_eq "live=0 accepted" "$r" OK
if [ -e "/sys/class/gpio/gpio$n" ]; then gone=no; else gone=yes; fi
fact c.class_gpioN_removed "$gone"
if [ -e "/sys/class/gpio/gpiochip$B_BASE" ]; then gone=no; else gone=yes; fi
fact c.class_gpiochipBASE_removed "$gone"
if [ -e "/dev/$B_CHIP" ]; then gone=no; else gone=yes; fi
fact c.dev_gpiochipN_removed "$gone"
if [ -e "/sys/bus/gpio/devices/$B_CHIP" ]; then gone=no; else gone=yes; fi
fact c.bus_gpiochipN_removed "$gone"
kill -USR1 "$FD_PID"
wait_for_line "$FD_LOG" '^DONE' >/dev/null
sleep 0
# second DONE block = after removal
after=$(awk '/^DONE/ { d++; next } d == 1' "$FD_LOG" | tr '\n' ';')
fact c.fd_ops_after_removal "$after"
fact c.write_on_open_value_fd_after_removal "$(echo "$after" | tr ';' '\n' | grep '^write ')"
fact c.pwrite_on_open_value_fd_after_removal "$(echo "$after" | tr ';' '\n' | grep '^pwrite ')"
kill -USR1 "$H_PID"
wait_for_line "$H_LOG" '^SET' >/dev/null
kill -USR2 "$H_PID"
wait_for_line "$H_LOG" '^GET' >/dev/null
fact c.chardev_request_after_removal "$(grep -E '^(SET|GET)' "$H_LOG" | tr '\n' ';')"
fact c.dmesg_on_removal "$(dmesg | grep -v 'module verification' | head -n 8 | tr '\n' ';')"
fact c.unexport_after_removal "$(gpio_unexport "$n")"
kill -TERM "$FD_PID" 2>/dev/null
wait "$FD_PID" 2>/dev/null
hold_release "$H_PID"
check "remove qgb configfs tree" sim_chip_remove qgb
fact c.class_gpio_after_all_closed "$(echo /sys/class/gpio/*)"
fact c.unexport_after_all_closed "$(gpio_unexport "$n")"
check "chip B chardev gone" test ! -e "/dev/$B_CHIP"

# ---------------------------------------------------------------------------
echo "== gpio-mockup"
if [ ! -f /lib/modules/gpio-mockup.ko ]; then
    # 7.x kernels ship gpio-sim, not gpio-mockup (deprecated); the harness builds it
    # only where it builds gpio-sim out of tree
    fact mockup "not available for $QG_KERNEL_RELEASE"
elif mockup_load -1,8; then
    m=$MOCKUP_BASE
    fact mockup "chip=$MOCKUP_CHIP base=$m label=$MOCKUP_LABEL"
    check_eq "mockup export" "$(gpio_export "$m")" OK
    sysfs_write "/sys/class/gpio/gpio$m/direction" high >/dev/null
    check_eq "mockup outside view reads 1" "$(mockup_value "$MOCKUP_CHIP" 0)" 1
    sysfs_write "/sys/class/gpio/gpio$m/direction" in >/dev/null
    mockup_drive "$MOCKUP_CHIP" 0 1
    check_eq "mockup drive input 1" "$(cat "/sys/class/gpio/gpio$m/value")" 1
    gpio_unexport "$m" >/dev/null
    check "mockup unload" mockup_unload
else
    check "mockup_load -1,8" false
fi

# ---------------------------------------------------------------------------
echo "== sampling"
n=$((A_BASE + 1))
gpio_export "$n" >/dev/null
sysfs_write "/sys/class/gpio/gpio$n/direction" out >/dev/null
(
    v=0 i=0
    while [ "$i" -lt 12 ]; do
        v=$((1 - v))
        echo "$v" >"/sys/class/gpio/gpio$n/value"
        usleep 50000
        i=$((i + 1))
    done
) &
tog=$!
gpio-sample "$SIM_QGA_OUTSIDE/sim_gpio1/value" 1000 900 >/tmp/sample.txt
wait "$tog"
summary=$(sample_edges /tmp/sample.txt)
fact sampling_50ms_toggle "$summary; $(tail -n1 /tmp/sample.txt)"
edges=$(echo "$summary" | sed -n 's/^edges=\([0-9]*\).*/\1/p')
check "sampler saw >= 8 edges" test "${edges:-0}" -ge 8
gpio_unexport "$n" >/dev/null

# ---------------------------------------------------------------------------
# The per-chip ABI (Linux 6.17+): class/gpio/chipN with export/unexport by offset.
# What it offers and answers, for the fake kernel of tests/fixtures/fake_sysfs.
if [ -e "/sys/class/gpio/chip${A_CHIP#gpiochip}" ]; then
    echo "== (d) per-chip sysfs ABI"
    sim_chip_create qgc 8 --label blinkd-c --hog 5=smoke-hog:output-high >/dev/null
    A_CHIP=$SIM_QGC_CHIP A_BASE=$SIM_QGC_BASE
    C=/sys/class/gpio/chip${A_CHIP#gpiochip}
    ls_names() { for _f in "$1"/*; do [ -e "$_f" ] || [ -L "$_f" ] && printf '%s ' "${_f##*/}"; done; }
    fact d.chipN_is_symlink "$([ -L "$C" ] && echo yes || echo no)"
    fact d.readlink_chipN "$(readlink "$C")"
    fact d.readlink_chipN/device "$(readlink "$C/device")"
    fact d.chipN_entries "$(ls_names "$C")"
    fact d.chipN_label_ngpio "$(cat "$C/label") $(cat "$C/ngpio")"
    fact d.read_export "$(head -c1 "$C/export" 2>&1 >/dev/null | sed 's/.*: //')"
    check_eq "per-chip export of offset 2" "$(gpio-write "$C/export" 2)" OK
    fact d.chipN_gpioY_entries "$(ls_names "$C/gpio2")"
    fact d.legacy_view_of_per_chip_export "$([ -e "/sys/class/gpio/gpio$((A_BASE + 2))" ] && echo "gpio$((A_BASE + 2)) exists" || echo none)"
    fact d.gpioY_direction_after_export "$(cat "$C/gpio2/direction")"
    fact d.export_again "$(gpio-write "$C/export" 2)"
    fact d.legacy_export_of_per_chip_exported "$(gpio_export $((A_BASE + 2)))"
    fact d.export_offset_ngpio "$(gpio-write "$C/export" "$(cat "$C/ngpio")")"
    fact d.export_minus_1 "$(gpio-write "$C/export" -1)"
    fact d.export_text "$(gpio-write "$C/export" abc)"
    fact d.export_hogged "$(gpio-write "$C/export" 5)"
    fact d.unexport_not_exported "$(gpio-write "$C/unexport" 3)"
    fact d.value_write_input "$(gpio-write "$C/gpio2/value" 1)"
    fact d.direction_bogus "$(gpio-write "$C/gpio2/direction" bogus)"
    check_eq "per-chip direction high" "$(gpio-write "$C/gpio2/direction" high)" OK
    check_eq "per-chip high drives the pin" "$(sim_value qgc 2)" 1
    fact d.value_after_high "$(cat "$C/gpio2/value")"
    fact d.value_write_7 "$(gpio-write "$C/gpio2/value" 0) $(gpio-write "$C/gpio2/value" 7) $(cat "$C/gpio2/value")"
    fact d.value_write_text "$(gpio-write "$C/gpio2/value" x)"
    fact d.lineinfo_per_chip_export "$(gpio-lineinfo "/dev/$A_CHIP" 2)"
    fact d.unexport_per_chip_by_legacy "$(gpio_unexport $((A_BASE + 2))) $([ -e "$C/gpio2" ] && echo gpio2-stays || echo gpio2-gone)"
    gpio_export $((A_BASE + 3)) >/dev/null
    fact d.per_chip_view_of_legacy_export "$([ -d "$C/gpio3" ] && ls_names "$C/gpio3" || echo none)"
    fact d.unexport_legacy_by_per_chip "$(gpio-write "$C/unexport" 3) $([ -e "/sys/class/gpio/gpio$((A_BASE + 3))" ] && echo legacy-stays || echo legacy-gone)"
    hold_line "$A_CHIP" 4 smoke-holder >/dev/null && H4=$HOLD_PID
    fact d.export_chardev_held "$(gpio-write "$C/export" 4)"
    hold_release "$H4"
    # the legacy ABI hidden (tests/kernel/gpio-helper.c): only chipN stays
    # shellcheck disable=SC2016  # expanded by the inner sh
    fact d.no_legacy_view "$(gpio-no-legacy-sysfs sh -c 'for f in /sys/class/gpio/*; do printf "%s " "${f##*/}"; done')"
    check "no-legacy view: export hidden" gpio-no-legacy-sysfs sh -c '! [ -e /sys/class/gpio/export ]'
    check "no-legacy view: chipN/export reachable" gpio-no-legacy-sysfs sh -c "[ -e /sys/class/gpio/${C##*/}/export ]"
    check "no-legacy view: not seen outside" test -e /sys/class/gpio/export
    check "remove qgc" sim_chip_remove qgc
fi

# ---------------------------------------------------------------------------
check "remove qga" sim_chip_remove qga
checks_done
