#!/bin/sh
# SPDX-License-Identifier: MIT
# daemon-systemd.sh - guest script: the Debian package under systemd as PID 1 on a real
# kernel (qemu-gpio-run --root: Debian 12's root file system, booted whole as the
# initramfs), against gpio-sim's chip "blinkd" that gpio-sim-blinkd.service makes at
# boot. Installs /payload/gpio-blinkd_*.deb with dpkg, configures line LED0 in
# /etc/default/gpio-blinkd and runs the shipped gpio-blinkd.service with each backend
# (sysfs, then gpiod): READY, blinking, the unprivileged identity, stop, watchdog, start
# limit, and `gpio-blinkd ctl` by a user in group gpio. Every level is read from outside
# the daemon, through gpio-sim's sim_gpioX/value.
# Run by tests/kernel/cases/run-guest-group (groups systemd); by hand:
#   tests/kernel/qemu-gpio-run --arch amd64 --kernel backports --timeout 1800 --smp 2 \
#       --root "$(tests/deploy/debian-rootfs)" --unit tests/kernel/cases/gpio-sim-blinkd.service \
#       --payload build/release-static-tests/packages/gpio-blinkd_0.1.0_amd64.deb \
#       --payload tests/kernel/cases/daemon-lib.sh tests/kernel/cases/daemon-systemd.sh
# shellcheck disable=SC1091  # payload copy of tests/kernel/cases/daemon-lib.sh
. /payload/daemon-lib.sh

UNIT=gpio-blinkd.service
CONF=/etc/default/gpio-blinkd
OFF=3           # line LED0 of chip "blinkd"
T=$DL_TMP
# What a check may wait for under TCG on a loaded host (ms): a start of the sandboxed
# unit took up to 8 s on a host with a load of 13 (two cores).
SLOW=30000

prop() { systemctl show -P "$2" "$1"; }
# journal of the unit since the last mark
mark() { CURSOR=$(journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p'); }
journal() { journalctl -u "$UNIT" --no-pager -o cat ${CURSOR:+"--after-cursor=$CURSOR"}; }
# until MS COMMAND...: true once COMMAND succeeds within MS
until_ok() {
    _deadline=$(($(gpio-now) + $1 * 1000))
    shift
    until "$@"; do
        [ "$(gpio-now)" -gt "$_deadline" ] && return 1
        usleep 50000
    done
}
logged() { journal | grep -qF -- "$1"; }
journal_has() {
    if until_ok 5000 logged "$2"; then check "$1" true; else
        check "$1 (journal lacks: $2)" false
        journal | grep -v ': on$\|: off$' | tail -n 15 | sed 's/^/  | /'
    fi
}
ms_since() { echo $((($(gpio-now) - $1) / 1000)); }
# write_config BACKEND LINES [NAME=VALUE...]: the shipped file with these settings
write_config() {
    _be=$1 _lines=$2
    shift 2
    {
        sed -e '/^GPIO_BLINKD_LINES=/d' "$SHIPPED_CONF"
        echo "GPIO_BLINKD_BACKEND=$_be"
        echo "GPIO_BLINKD_LINES=\"$_lines\""
        # udev needed more than the default 2 s to give a new export's files to group gpio
        # under TCG on a loaded host (the setting the shipped file names for slow udev)
        echo "GPIO_BLINKD_PERMISSION_WAIT=20s"
        for _s in "$@"; do echo "$_s"; done
    } >"$CONF"
}
drop_in() {  # TEXT: a runtime drop-in of the unit
    mkdir -p "/run/systemd/system/$UNIT.d"
    printf '%b' "$1" >"/run/systemd/system/$UNIT.d/50-test.conf"
    systemctl daemon-reload
}
no_drop_in() { rm -rf "/run/systemd/system/$UNIT.d"; systemctl daemon-reload; }
state_is() { [ "$(prop $UNIT ActiveState)/$(prop $UNIT SubState)" = "$1" ]; }
restarted_once() { [ "$(prop $UNIT NRestarts)" = 1 ] && state_is active/running; }
# sample MS: the line's level every ms for MS ms; prints the wave summary
sample() {
    gpio-sample-all 1000 "$1" "$(sim_path blinkd $OFF)" >"$T/wave" 2>&1
    wave "$T/wave" 1
}
# blinks DESC MS MIN_RISES: the line blinks at 200ms/200ms while sampled for MS
blinks() {
    _w=$(sample "$2")
    echo "     wave: $_w"
    at_least "$1: rising edges in $2 ms" "$(wave_get "$_w" rises)" "$3"
    within "$1: mean high time (ms)" "$(wave_get "$_w" high_ms)" 200 60
}
# steady DESC LEVEL MS: the line stays at LEVEL while sampled for MS
steady() {
    _w=$(sample "$3")
    check_eq "$1: edges and level over $3 ms" "$(wave_get "$_w" edges)/$(wave_get "$_w" first)" "0/$2"
}
stop_unit() { systemctl stop "$UNIT"; systemctl reset-failed "$UNIT" 2>/dev/null; }
# start_unit DESC [start|restart]: a check that the start returns 0; the journal when not
start_unit() {
    if systemctl "${2:-start}" "$UNIT"; then check "$1" true; else
        check "$1" false
        journalctl -u "$UNIT" --no-pager -n 20 -o short-monotonic | sed 's/^/  | /'
    fi
}
# The process identity: "uid U caps C nnp N seccomp S groups G..."
identity() {
    awk '/^Uid:/ { uid = $2 } /^CapEff:/ { cap = $2 } /^NoNewPrivs:/ { nnp = $2 }
         /^Seccomp:/ { sc = $2 } /^Groups:/ { $1 = ""; groups = $0 }
         END { printf "uid %s caps %s nnp %s seccomp %s groups%s\n", uid, cap, nnp, sc, groups }' \
        "/proc/$(prop $UNIT MainPID)/status"
}
group_of() { stat -L -c '%G %A' "$1"; }

# --- the machine ---------------------------------------------------------------------------
SHIPPED_CONF=$T/gpio-blinkd.default
until_ok 60000 systemctl is-active --quiet gpio-sim-blinkd.service
sim_chip_adopt blinkd || { echo "setup: no chip 'blinkd' from gpio-sim-blinkd.service"; exit 1; }
C=$SIM_BLINKD_CHIP
N=$((SIM_BLINKD_BASE + OFF))
fact systemd "$(systemctl --version | head -n 1)"
# since the kernel started: multi-user.target reached, this script started
fact boot_multi_user_s "$(prop multi-user.target ActiveEnterTimestampMonotonic | awk '{ printf "%.1f", $1 / 1e6 }')"
fact boot_script_s "$(cut -d' ' -f1 /proc/uptime)"

case_begin systemd-install "the package installs on a system that booted with systemd: group gpio, the udev rules applied to the chip made at boot, the unit enabled, not started (no line configured)"
# (is-system-running says "starting": this script is part of the boot's goal, qg.target)
check_eq "multi-user.target reached, no unit failed" \
    "$(systemctl is-active multi-user.target) $(systemctl --failed --no-legend --plain | tr '\n' ' ')" "active "
check "no group gpio before the package" sh -c '! getent group gpio >/dev/null'
T0=$(gpio-now)
if dpkg -i /payload/gpio-blinkd_*.deb >"$T/dpkg.log" 2>&1; then check "dpkg -i gpio-blinkd_*.deb" true; else
    check "dpkg -i gpio-blinkd_*.deb" false
    sed 's/^/  | /' "$T/dpkg.log"
fi
fact dpkg_install_ms "$(ms_since "$T0")"
cp "$CONF" "$SHIPPED_CONF"
check "group gpio created (sysusers.d)" getent group gpio
udevadm settle --timeout=30
check_eq "/dev/$C: group gpio, 0660 (udev)" "$(group_of "/dev/$C")" "gpio crw-rw----"
check_eq "/sys/class/gpio/export: group gpio, writable by the group (udev)" \
    "$(group_of /sys/class/gpio/export)" "gpio --w--w----"
check_eq "enabled by multi-user.target" "$(systemctl is-enabled $UNIT)" enabled
check_eq "not started: no line configured (ExecCondition)" \
    "$(prop $UNIT ActiveState)/$(prop $UNIT Result)" inactive/exec-condition
check_eq "the unit is the package's, without drop-ins" \
    "$(prop $UNIT FragmentPath)|$(prop $UNIT DropInPaths)" "/lib/systemd/system/gpio-blinkd.service|"
useradd --no-create-home --groups gpio blinkd-user
useradd --no-create-home other-user
case_end

# --- the cases of one backend ------------------------------------------------------------------
ready_case() {  # BACKEND
    write_config "$1" LED0 GPIO_BLINKD_ON=200ms GPIO_BLINKD_OFF=200ms
    mark
    T0=$(gpio-now)
    start_unit "systemctl start returns 0"
    fact "${1}_start_ms" "$(ms_since "$T0")"
    # Type=notify: active once READY=1 came, and READY=1 comes once the line is set up.
    check "active (running) when start returns" state_is active/running
    check_eq "STATUS= from the daemon" "$(prop $UNIT StatusText)" "Blinking 1 line"
    if [ "$1" = sysfs ]; then
        check_eq "line exported as an output when start returns" \
            "$(cat "/sys/class/gpio/gpio$N/direction" 2>&1)" out
    else
        line_held_by "line requested as an output when start returns" "$C" $OFF gpio-blinkd output
    fi
    blinks "the line blinks" 2000 3
    stop_unit
    # Without READY=1 the same daemon blinks, but systemd never calls it started.
    drop_in '[Service]\nUnsetEnvironment=NOTIFY_SOCKET\nTimeoutStartSec=60s\n'
    systemctl start --no-block $UNIT
    until_ok "$SLOW" sh -c "[ \"\$(cat '$(sim_path blinkd $OFF)')\" = 1 ]"
    blinks "without READY=1: the line blinks" 1200 2
    check "... but the unit stays activating (start)" state_is activating/start
    stop_unit
    no_drop_in
}

identity_case() {  # BACKEND
    write_config "$1" LED0 GPIO_BLINKD_ON=200ms GPIO_BLINKD_OFF=200ms
    start_unit "systemctl start"
    _id=$(identity)
    echo "     main process: $_id"
    # shellcheck disable=SC2086  # fields
    set -- $_id
    _gid=$(getent group gpio | cut -d: -f3)
    at_least "a dynamic user, not root (uid)" "$2" 61184
    case " ${_id#*groups} " in
        *" $_gid "*) check "in group gpio ($_gid)" true ;;
        *) check "in group gpio ($_gid)" false ;;
    esac
    check_eq "no capabilities (CapEff)" "$4" 0000000000000000
    check_eq "no_new_privs" "$6" 1
    check_eq "seccomp filter" "$8" 2
    check_eq "DynamicUser=yes, the shipped hardening (no drop-in)" \
        "$(prop $UNIT DynamicUser)|$(prop $UNIT DropInPaths)|$(prop $UNIT ProtectSystem)|$(prop $UNIT DevicePolicy)" \
        "yes||strict|closed"
    if [ "$BACKEND" = sysfs ]; then
        check "exported by the service: /sys/class/gpio/gpio$N" test -d "/sys/class/gpio/gpio$N"
        check_eq "its value: group gpio, writable by the group (udev)" \
            "$(group_of "/sys/class/gpio/gpio$N/value")" "gpio -rw-rw-r--"
    else
        line_held_by "requested by the service through /dev/$C" "$C" $OFF gpio-blinkd output
    fi
    blinks "the line blinks" 1200 2
    stop_unit
}

stop_case() {  # BACKEND
    # Pulled up from outside: only the daemon's own doing leaves the line low after exit.
    sim_set_pull blinkd $OFF pull-up
    write_config "$1" LED0 GPIO_BLINKD_ON=1s GPIO_BLINKD_OFF=200ms
    start_unit "systemctl start"
    mark
    check "the line is on before the stop" wait_level blinkd $OFF 1 0 3000
    T0=$(gpio-now)
    check "systemctl stop returns 0" systemctl stop $UNIT
    fact "${1}_stop_ms" "$(ms_since "$T0")"
    check_eq "inactive, result success" "$(prop $UNIT ActiveState)/$(prop $UNIT Result)" inactive/success
    journal_has "journal: SIGTERM handled" "SIGTERM received"
    steady "the line is off after the stop" 0 500
    if [ "$1" = sysfs ]; then
        # HAL v2, sysfs: the export stays, an output at off, for a restart to adopt
        check_eq "still exported, an output at 0" \
            "$(cat "/sys/class/gpio/gpio$N/direction" "/sys/class/gpio/gpio$N/value" 2>&1 | tr '\n' ' ')" "out 0 "
    else
        # HAL v2, gpiod: parked (an input pulled toward off), then released
        line_free "released" "$C" $OFF
    fi
    sim_set_pull blinkd $OFF pull-down
}

watchdog_case() {  # BACKEND
    write_config "$1" LED0 GPIO_BLINKD_ON=200ms GPIO_BLINKD_OFF=200ms
    # 3 s instead of the shipped 10 s, to keep the run short; RestartSec= as shipped (2 s).
    drop_in '[Service]\nWatchdogSec=3s\n'
    start_unit "systemctl start"
    mark
    _main=$(prop $UNIT MainPID)
    T0=$(gpio-now)
    systemctl kill --signal=SIGSTOP $UNIT
    steady "SIGSTOP: the loop is frozen" "$(cat "$(sim_path blinkd $OFF)")" 1000
    check "restarted by the watchdog" until_ok "$SLOW" restarted_once
    fact "${1}_watchdog_restart_ms" "$(ms_since "$T0")"
    check "a new main process" test "$(prop $UNIT MainPID)" != "$_main"
    journal_has "journal: watchdog timeout" "Watchdog timeout"
    journal_has "journal: Failed with result 'watchdog'" "Failed with result 'watchdog'"
    blinks "the line blinks again" 1200 2
    stop_unit
    no_drop_in
}

start_limit_case() {  # BACKEND
    write_config "$1" NO-SUCH-LINE
    # RestartSec=100ms instead of the shipped 2 s; the burst as shipped (5), counted over
    # 10 minutes instead of 60 s: a failed start of the sandboxed unit took up to 20 s
    # under TCG at load 20-29, and five of them did not fit in a minute.
    drop_in '[Unit]\nStartLimitIntervalSec=600\n[Service]\nRestartSec=100ms\n'
    mark
    T0=$(gpio-now)
    if systemctl start $UNIT 2>/dev/null; then check "systemctl start fails (exit 1 before READY)" false
    else check "systemctl start fails (exit 1 before READY)" true; fi
    check "restarted until the start limit, then failed" until_ok $((SLOW * 8)) state_is failed/failed
    fact "${1}_start_limit_ms" "$(ms_since "$T0")"
    check_eq "NRestarts (StartLimitBurst=5)" "$(prop $UNIT NRestarts)" 5
    journal_has "journal: exit status 1" "status=1/FAILURE"
    journal_has "journal: the daemon names the line" "line 'NO-SUCH-LINE'"
    journal_has "journal: Start request repeated too quickly" "Start request repeated too quickly"
    steady "the line stays off" 0 300
    no_drop_in
    systemctl reset-failed $UNIT
}

ctl_case() {  # BACKEND
    write_config "$1" LED0 GPIO_BLINKD_ON=200ms GPIO_BLINKD_OFF=200ms 'GPIO_BLINKD_STATES="lit=on dark=off"'
    _socket=/run/gpio-blinkd/control
    check "the package ships gpio-blinkd.socket" test -f /lib/systemd/system/gpio-blinkd.socket
    check "systemctl start gpio-blinkd.socket" systemctl start gpio-blinkd.socket
    start_unit "systemctl start"
    blinks "blinks before any state" 1200 2
    check_eq "the socket: group gpio, 0660" "$(group_of $_socket)" "gpio srw-rw----"
    # ctl as a user, with no option, finds the system's socket (no daemon of its own runs)
    check "blinkd-user (group gpio): gpio-blinkd ctl state lit" \
        runuser -u blinkd-user -- /usr/bin/gpio-blinkd ctl state lit
    steady "state lit: the line is steadily on" 1 1000
    runuser -u other-user -- /usr/bin/gpio-blinkd ctl state dark >"$T/other.log" 2>&1
    check_eq "other-user (not in group gpio) is refused: exit status" "$?" 2
    sed 's/^/     other-user: /' "$T/other.log"
    steady "... and the line stays on" 1 500
    mark
    start_unit "systemctl restart returns 0" restart
    steady "after the restart the line is still steadily on (state lit kept)" 1 1000
    journal_has "journal: the state file was restored" "restored what was asked before the restart (state lit)"
    check "status after the restart says state lit" sh -c \
        "runuser -u blinkd-user -- /usr/bin/gpio-blinkd ctl status | grep -qx 'state lit'"
    check "blinkd-user: gpio-blinkd ctl state dark" \
        runuser -u blinkd-user -- /usr/bin/gpio-blinkd ctl state dark
    steady "state dark: the line is steadily off" 0 600
    # The socket would start the service again on the next connection.
    systemctl stop gpio-blinkd.socket
    stop_unit
    rm -f /run/systemd/system/gpio-blinkd.socket
    no_drop_in
}

# One backend after the other; each case has its own id, which CMake reads from these
# lines (tests/kernel/CMakeLists.txt). backend_case ID FUNCTION DESCRIPTION runs FUNCTION
# with the backend the id starts with.
backend_case() {
    case_wanted "$1" || return 0
    case_begin "$1" "$3"
    BACKEND=${1%%-*}
    "$2" "$BACKEND"
    case_end
}
backend_case sysfs-ready ready_case "sysfs: systemctl start returns once READY=1 came, with the line exported; it blinks; without READY=1 it blinks but stays activating"
backend_case sysfs-identity identity_case "sysfs: the shipped unit runs as a dynamic user in group gpio, without capabilities, and still exports the line (udev rules and group)"
backend_case sysfs-stop stop_case "sysfs: systemctl stop drives the line off; the export stays, an output at 0"
backend_case sysfs-watchdog watchdog_case "sysfs: a loop frozen by SIGSTOP is killed by the watchdog, restarted, and blinks again"
backend_case sysfs-start-limit start_limit_case "sysfs: a wrong line exits 1, is restarted, and the start limit stops it"
backend_case sysfs-ctl ctl_case "sysfs: a user in group gpio switches the state with gpio-blinkd ctl, others cannot, and the state survives systemctl restart"
# The sysfs backend keeps its export; the gpiod cases need the line free.
echo "$N" >/sys/class/gpio/unexport 2>/dev/null
backend_case gpiod-ready ready_case "gpiod: systemctl start returns once READY=1 came, with the line requested; it blinks; without READY=1 it blinks but stays activating"
backend_case gpiod-identity identity_case "gpiod: the shipped unit runs as a dynamic user in group gpio, without capabilities, and still requests the line (udev rules and group)"
backend_case gpiod-stop stop_case "gpiod: systemctl stop drives the line off; after the exit it is parked (pulled down) and released"
backend_case gpiod-watchdog watchdog_case "gpiod: a loop frozen by SIGSTOP is killed by the watchdog, restarted, and blinks again"
backend_case gpiod-start-limit start_limit_case "gpiod: a wrong line exits 1, is restarted, and the start limit stops it"
backend_case gpiod-ctl ctl_case "gpiod: a user in group gpio switches the state with gpio-blinkd ctl, others cannot, and the state survives systemctl restart"

cases_done
