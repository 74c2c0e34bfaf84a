# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by the tests that boot a Debian root filesystem with a real systemd as PID 1 in
# systemd-nspawn (nspawn-unit-test, package-lifecycle). Source it, set NSPAWN_TEST (the
# name in messages), then call boot_container ROOTFS [NSPAWN_ARGS...].
#
# The container runs over a throw-away overlay (--volatile=overlay: the cached root
# filesystem is never changed) with a unified cgroup hierarchy and BPF, so that
# DevicePolicy= is enforced even on a hybrid host that is not itself run by systemd
# (--keep-unit, --register=no: no machined needed). There each container gets a cgroup of
# its own (own_cgroup_prefix): with --keep-unit it would otherwise share the caller's, and two
# containers at once (ctest -j2) would run one system.slice between their two systemds, each
# stopping and killing the other's services (seen: "status=219/CGROUP", a daemon killed by
# the other container's `systemctl stop`).

nspawn_pid=
container_pid=
failures=0
# Read by the sourcing test.
export T_START
T_START=$(date +%s.%N)

say() { printf '%s: %s\n' "$NSPAWN_TEST" "$*"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
die() { say "FAIL: $*"; exit 1; }
ok() { say "ok   $*"; }
fail() {
    say "FAIL $*"
    failures=$((failures + 1))
    # A test may define on_failure (the stage's journal, say) to show why, where it failed.
    if declare -F on_failure >/dev/null; then on_failure; fi
}
check() {  # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}
equals() { [ "$1" = "$2" ] || { say "     expected '$2', got '$1'"; return 1; }; }
wait_for() {  # SECONDS COMMAND...: true once COMMAND succeeds
    local deadline
    deadline=$(awk -v s="$1" 'BEGIN { srand(); print srand() + s }')
    shift
    while :; do
        "$@" && return 0
        [ "$(awk 'BEGIN { srand(); print srand() }')" -le "$deadline" ] || return 1
        sleep 0.1
    done
}

# What the tests need on the host; a missing tool fails the test, naming the package.
require_nspawn() {
    [ "$(id -u)" -eq 0 ] || die "needs root (systemd-nspawn)"
    command -v systemd-nspawn >/dev/null 2>&1 ||
        die "systemd-nspawn is missing (scripts/setup-debian test installs systemd-container)"
    command -v nsenter >/dev/null 2>&1 || die "nsenter is missing (util-linux)"
}

stop_container() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    nspawn_pid=
    container_pid=
    remove_own_cgroups
}

# The container's PID 1: a descendant of systemd-nspawn whose innermost pid is 1.
find_container_pid() {
    local pending=("$nspawn_pid") pid child
    while [ "${#pending[@]}" -gt 0 ]; do
        pid=${pending[0]}
        pending=("${pending[@]:1}")
        if [ "$pid" != "$nspawn_pid" ] &&
           [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status" 2>/dev/null)" = 1 ]; then
            echo "$pid"
            return 0
        fi
        # shellcheck disable=SC2013  # the children files are lists of pids
        for child in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do pending+=("$child"); done
    done
    return 1
}

in_container() { nsenter -t "$container_pid" -a "$@"; }

# The cgroup directories, one per hierarchy systemd uses (name=systemd on a hybrid host,
# the unified one), that own_cgroup_prefix made for this test; removed by remove_own_cgroups.
own_cgroups=()
own_cgroup_dirs() {  # the directories for this test, one per mounted systemd hierarchy
    local mount kind path
    for mount in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
        case "$(stat -f -c %T "$mount" 2>/dev/null)" in
            cgroup2fs) kind="0:" ;;
            cgroupfs) [ "$mount" = /sys/fs/cgroup/systemd ] || continue; kind="[0-9]*:name=systemd" ;;
            *) continue ;;
        esac
        # shellcheck disable=SC2053  # kind is a pattern
        path=$(while IFS=: read -r id controllers rest; do
                   [[ "$id:$controllers" == $kind ]] && { printf '%s' "$rest"; break; }
               done </proc/self/cgroup)
        [ -n "$path" ] && printf '%s\n' "$mount${path%/}/blinkd-nspawn-$$-$1"
    done
}
# own_cgroup_prefix: makes them; sets cgroup_prefix, a command prefix that moves the
# command into them before it runs (where the host has no systemd to give it a scope).
cgroup_prefix=()
own_cgroup_prefix() {
    local dir
    mapfile -t own_cgroups < <(own_cgroup_dirs "$RANDOM")
    for dir in "${own_cgroups[@]}"; do mkdir -p "$dir" || die "mkdir $dir (a cgroup of the test's own)"; done
    # shellcheck disable=SC2016  # expanded by the inner shell
    cgroup_prefix=(bash -c 'for dir in "${@:2:$1}"; do echo $$ >"$dir/cgroup.procs" || exit 125; done
                            shift $(($1 + 1)); exec "$@"' _ "${#own_cgroups[@]}" "${own_cgroups[@]}")
}
remove_own_cgroups() {  # the deepest first: systemd in the container made its slices there
    local dir
    for dir in "${own_cgroups[@]}"; do
        for _ in $(seq 50); do  # the container's last processes may still be exiting
            [ -d "$dir" ] || break
            find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
            sleep 0.1
        done
    done
    own_cgroups=()
    cgroup_prefix=()
}

boot_container() {  # ROOTFS LOG [NSPAWN_ARGS...]: boots and waits until systemd is running
    local rootfs=$1 log=$2 state="" booted
    shift 2
    local nspawn=(systemd-nspawn --boot --directory="$rootfs" --volatile=overlay
                  --machine="blinkd-test-$$" --register=no --console=passive
                  --system-call-filter=bpf "--capability=CAP_BPF,CAP_NET_ADMIN" "$@")
    [ -d /run/systemd/system ] || { nspawn+=(--keep-unit); own_cgroup_prefix; }
    booted=$(date +%s.%N)
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid "${cgroup_prefix[@]}" "${nspawn[@]}" </dev/null >"$log" 2>&1 &
    nspawn_pid=$!
    for _ in $(seq 200); do
        container_pid=$(find_container_pid) && break
        kill -0 "$nspawn_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$container_pid" ]; then
        cat "$log"
        die "systemd-nspawn did not start a container"
    fi
    for _ in $(seq 400); do
        state=$(in_container systemctl is-system-running 2>/dev/null)
        case "$state" in running|degraded) break ;; esac
        sleep 0.05
    done
    case "$state" in
        running) ;;
        degraded) say "note: system degraded: $(in_container systemctl --failed --no-legend --plain | tr '\n' ' ')" ;;
        *) tail -n 30 "$log"; die "the container did not boot (state '$state')" ;;
    esac
    say "booted systemd $(in_container systemctl --version | head -n1 | cut -d' ' -f2) in $(elapsed "$booted") s"
}

prop() { in_container systemctl show -P "$2" "$1"; }

# Journal checks look at what was logged since the last mark (the start of a step) and
# wait a little: the daemon's output reaches journald on its own stream, after systemd's
# own messages about the unit.
cursor=
mark() { cursor=$(in_container journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p'); }
journal() { in_container journalctl -u "$1" --no-pager -o cat ${cursor:+"--after-cursor=$cursor"}; }
logged() { journal "$1" | grep -qF -- "$2"; }
journal_has() { wait_for 10 logged "$1" "$2" || { say "     no '$2' in the journal of $1"; return 1; }; }
show_journal() {
    cursor=
    say "journal of $1:"
    journal "$1" | grep -v '^sim ' | tail -n 40 | sed 's/^/    /'
}
drop_in() {  # UNIT TEXT: a runtime drop-in (gone with the container), daemon-reload
    in_container sh -c "mkdir -p /run/systemd/system/$1.d &&
        printf '%b' '$2' >/run/systemd/system/$1.d/50-test.conf && systemctl daemon-reload"
}
no_drop_in() {
    in_container sh -c "rm -rf /run/systemd/system/$1.d && systemctl daemon-reload"
}

# The main process of UNIT: its uid, capabilities, groups. "uid 61234 caps 0 nnp 1 groups 999"
process_identity() {
    local pid status
    pid=$(prop "$1" MainPID)
    status=$(in_container cat "/proc/$pid/status" 2>/dev/null)
    awk '/^Uid:/ { uid = $2 } /^CapEff:/ { cap = $2 } /^NoNewPrivs:/ { nnp = $2 }
         /^Groups:/ { $1 = ""; groups = $0 }
         END { printf "uid %s caps %s nnp %s groups%s\n", uid, cap, nnp, groups }' <<<"$status"
}
