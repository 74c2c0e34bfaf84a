#!/bin/sh
# SPDX-License-Identifier: MIT
# guest-init.sh - /init of the initramfs built by tests/kernel/qemu-gpio-run.
# Runs as PID 1 under busybox sh inside the QEMU guest.  Do not run on a host.
# With --systemd it is the ExecStart= of qg-script.service instead (qemu-gpio-run --root):
# systemd has mounted the file systems and loaded the modules, and its stdout is the
# serial console.
#
# Protocol on the serial console (NONCE is random per run, see qemu-gpio-run):
#   @@QG-BEGIN-NONCE@@             the guest script starts; what follows is its
#                                  stdout+stderr
#   @@QG-END-NONCE rc=N@@          the script ended with status N (always
#                                  preceded by an extra newline)
#   @@QG-FAIL-NONCE@@ message      harness failure inside the guest (rc 125)
#   @@QG-TIMEOUT-NONCE@@           the guest-side watchdog killed the script
#   @@QG-DMESG-NONCE@@ ... @@QG-DMESG-END-NONCE@@   dmesg tail (on failure)

QG_UNDER_SYSTEMD=0
[ "${1:-}" = --systemd ] && QG_UNDER_SYSTEMD=1
export PATH=/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=vt100
if [ "$QG_UNDER_SYSTEMD" = 0 ]; then
    /bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/bin /usr/sbin
    /bin/busybox --install -s
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    # re-open stdio on the (new) console node
    exec </dev/null >/dev/console 2>&1
    mount -t tmpfs -o mode=1777 tmpfs /tmp
    mount -t tmpfs -o mode=0755 tmpfs /run
    mount -t debugfs debugfs /sys/kernel/debug
fi
echo "1 4 1 7" >/proc/sys/kernel/printk

# shellcheck source=/dev/null
. /etc/qg/config

dmesg_tail() {
    # kernel messages since /init started (boot noise and the expected
    # "out-of-tree module taints kernel" lines left out), last 40 lines
    echo "@@QG-DMESG-${QG_NONCE}@@"
    dmesg | awk '
        /Run .* as init process/ { f = 1; skip = 1; next }
        !f { next }
        skip && /\]   / { next }
        { skip = 0 }
        /taints kernel|module verification failed/ { next }
        { print; n++ }
        END { if (!n) print "(no kernel messages since /init started)" }' | tail -n "${QG_DMESG_LINES:-40}"
    echo "@@QG-DMESG-END-${QG_NONCE}@@"
}

finish() {
    # $1 = exit status to report
    printf '\n@@QG-END-%s rc=%d@@\n' "$QG_NONCE" "$1"
    if [ "$1" -ne 0 ] || [ "${QG_DMESG:-0}" = 1 ]; then
        dmesg_tail
    fi
    sync
    # Under systemd, poweroff -f would still stop the units first: the kernel's own
    # power-off is immediate, and no disk needs a clean shutdown.
    if [ "$QG_UNDER_SYSTEMD" = 0 ]; then
        poweroff -f
        sleep 5
    fi
    echo o >/proc/sysrq-trigger
}

fail() {
    echo "@@QG-FAIL-${QG_NONCE}@@ $*"
    echo "@@QG-BEGIN-${QG_NONCE}@@"
    finish 125
}

# --- kernel modules: configfs (Debian's), irq_sim, gpio-sim, gpio-mockup ------
# (under systemd: loaded by systemd-modules-load, configfs mounted by sys-kernel-config.mount)
[ "$QG_UNDER_SYSTEMD" = 1 ] && QG_MODULES=
for m in $QG_MODULES; do
    case "$m" in
        gpio-mockup) args="${QG_MOCKUP_ARGS:-}" ;;
        *) args="" ;;
    esac
    # shellcheck disable=SC2086
    out=$(insmod "/lib/modules/$m.ko" $args 2>&1) || fail "insmod $m.ko failed: $out"
done
mkdir -p /sys/kernel/config
if [ "$QG_UNDER_SYSTEMD" = 0 ] && grep -qw configfs /proc/filesystems; then
    mount -t configfs configfs /sys/kernel/config || fail "mount configfs failed"
fi

# --- environment for the guest script ------------------------------------------
# shellcheck source=/dev/null
[ -f /etc/qg/env ] && . /etc/qg/env
cd /payload || fail "no /payload"

if [ "${QG_MODE:-run}" = shell ] && [ -z "${QG_SCRIPT:-}" ]; then
    echo "qemu-gpio-run: interactive shell (exit or Ctrl-D powers off; Ctrl-A X quits QEMU)"
    echo "  helpers: . /lib/gpio-guest.sh   (sim_chip_create, sim_value, ...)"
    if command -v cttyhack >/dev/null 2>&1; then setsid cttyhack sh -l; else sh -l; fi
    poweroff -f
fi

echo "@@QG-BEGIN-${QG_NONCE}@@"
eval "set -- ${QG_ARGS:-}"
if [ "${QG_MODE:-run}" = shell ]; then
    sh "/payload/$QG_SCRIPT" "$@"
    rc=$?
    echo "qemu-gpio-run: script exited with $rc; interactive shell (exit powers off)"
    if command -v cttyhack >/dev/null 2>&1; then setsid cttyhack sh -l; else sh -l; fi
    finish "$rc"
fi

# Run the script with a guest-side watchdog (the host has its own hard timeout).
setsid sh "/payload/$QG_SCRIPT" "$@" </dev/null &
pid=$!
timed_out=/run/qg-timed-out
(
    sleep "${QG_GUEST_TIMEOUT:-100}"
    : >"$timed_out"
    kill -TERM "-$pid" "$pid" 2>/dev/null
    sleep 2
    kill -KILL "-$pid" "$pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
wd=$!
wait "$pid"
rc=$?
kill "$wd" 2>/dev/null
if [ -e "$timed_out" ]; then
    echo "@@QG-TIMEOUT-${QG_NONCE}@@"
    rc=124
fi
finish "$rc"
