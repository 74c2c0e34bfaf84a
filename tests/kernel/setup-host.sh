#!/bin/bash
# setup-host.sh - install everything the real-kernel GPIO test harness
# (tests/kernel/qemu-gpio-run) needs on a Debian 12 (bookworm) x86-64 host.
#
# Idempotent: safe to run again; it only adds what is missing.
# Needs root (re-executes itself through sudo when not root).
#
# What it does:
#   1. dpkg --add-architecture armhf arm64 (to `apt-get download` ARM kernels,
#      headers and busybox; nothing foreign is installed).
#   2. apt-get update; if the armhf index of bookworm-security is broken
#      (size mismatch, a known recurring archive problem), restrict the
#      security entry to the other architectures and update again.
#   3. apt-get install the host tools: QEMU (x86 + ARM/AArch64), cpio, xz,
#      kmod, gcc/make + linux-kbuild-6.1 (out-of-tree module builds), the ARM
#      cross compilers with their C libraries (static helpers + ARM modules),
#      linux-libc-dev (<linux/gpio.h>), shellcheck.
#   4. Checks that every command the harness uses is present.
#
# Environment:
#   GPIO_BLINKD_RESTRICT_SECURITY_ARMHF=1   apply the security-entry restriction
#                                           up front instead of only on failure.
set -euo pipefail

log() { printf 'setup-host: %s\n' "$*"; }
die() { printf 'setup-host: ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "must run as root (sudo not available)"
    log "not root: re-running through sudo"
    exec sudo -- "$0" "$@"
fi

[ -r /etc/debian_version ] || die "not a Debian system"
native_arch=$(dpkg --print-architecture)
[ "$native_arch" = amd64 ] || die "host architecture is $native_arch; only amd64 hosts are supported"
case "$(cat /etc/debian_version)" in
    12*|bookworm*) ;;
    *) log "WARNING: /etc/debian_version is $(cat /etc/debian_version); written for Debian 12" ;;
esac

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# --- 1. foreign architectures -------------------------------------------------
for a in armhf arm64; do
    if dpkg --print-foreign-architectures | grep -qx "$a"; then
        log "foreign architecture $a already enabled"
    else
        log "dpkg --add-architecture $a"
        dpkg --add-architecture "$a"
    fi
done

# --- 2. apt-get update with the bookworm-security armhf workaround ------------
# Restrict every *-security entry to the architectures other than armhf.
# deb822 (*.sources): add an "Architectures:" field to the stanza when it has
# none.  One-line format (*.list): add [arch=...] to "deb" lines.
restrict_security_armhf() {
    local archs="amd64 arm64" f changed=0 tmp
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        grep -qiE '^Suites:.*-security' "$f" || continue
        tmp=$(mktemp)
        # awk: buffer each stanza; if it names a -security suite and has no
        # Architectures field, append one.
        awk -v archs="$archs" '
            function flush() {
                if (n == 0) return
                if (sec && !hasarch) { buf[++n] = "Architectures: " archs; added = 1 }
                for (i = 1; i <= n; i++) print buf[i]
                n = 0; sec = 0; hasarch = 0
            }
            /^[ \t]*$/ { flush(); print; next }
            {
                buf[++n] = $0
                if (tolower($0) ~ /^suites:.*-security/) sec = 1
                if (tolower($0) ~ /^architectures:/) hasarch = 1
            }
            END { flush(); exit(added ? 0 : 3) }
        ' "$f" >"$tmp" && rc=0 || rc=$?
        if [ "$rc" -eq 0 ]; then
            cp -p "$f" "$f.gpio-blinkd.bak"
            cat "$tmp" >"$f"
            log "restricted the -security entry in $f to: $archs (backup: $f.gpio-blinkd.bak)"
            changed=1
        elif [ "$rc" -ne 3 ]; then
            rm -f "$tmp"; die "failed to rewrite $f"
        fi
        rm -f "$tmp"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        grep -qE '^[[:space:]]*deb[[:space:]]+[^[]*-security' "$f" || continue
        cp -p "$f" "$f.gpio-blinkd.bak"
        sed -i -E 's/^([[:space:]]*deb)([[:space:]]+)([^[[:space:]][^[]*-security)/\1 [arch=amd64,arm64]\2\3/' "$f"
        log "restricted -security lines in $f to amd64,arm64 (backup: $f.gpio-blinkd.bak)"
        changed=1
    done
    [ "$changed" -eq 1 ]
}

apt_update() {
    local out rc
    out=$(mktemp)
    log "apt-get update"
    set +e
    "${APT[@]}" update 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    set -e
    # apt-get update exits 0 even when some index failed to download
    # (only "W:"), so look for errors explicitly too.
    if [ "$rc" -ne 0 ] || grep -qE '^(E:|Err:)' "$out"; then
        if grep -E '^(E:|Err:)' "$out" | grep -qiE 'security.*armhf|armhf.*security'; then
            rm -f "$out"; return 2
        fi
        rm -f "$out"
        [ "$rc" -ne 0 ] && return 1
        log "WARNING: apt-get update reported errors (see above); continuing, install will tell"
        return 0
    fi
    rm -f "$out"
    return 0
}

if [ "${GPIO_BLINKD_RESTRICT_SECURITY_ARMHF:-0}" = 1 ]; then
    restrict_security_armhf || log "no -security entry needed a change"
fi
rc=0; apt_update || rc=$?
if [ "$rc" -eq 2 ]; then
    log "the armhf index of bookworm-security failed (known archive problem);"
    log "applying the workaround: armhf packages then come from bookworm main only"
    restrict_security_armhf || die "could not find a -security entry to restrict"
    rc=0; apt_update || rc=$?
fi
[ "$rc" -eq 0 ] || die "apt-get update failed (rc=$rc)"

# --- 3. packages --------------------------------------------------------------
pkgs=(
    # emulators (qemu-system-arm ships qemu-system-aarch64 too)
    qemu-system-x86 qemu-system-arm
    # initramfs / kernel unpacking / module tools
    cpio xz-utils gzip kmod util-linux coreutils findutils gawk file
    # native compiler, make, kbuild host tools (modpost, fixdep, objtool ...)
    gcc gcc-12 make libc6-dev linux-libc-dev linux-kbuild-6.1 libelf1 bc
    # ARM cross compilers + C libraries (static helpers, ARM module builds)
    gcc-aarch64-linux-gnu gcc-12-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
    gcc-arm-linux-gnueabihf gcc-12-arm-linux-gnueabihf binutils-arm-linux-gnueabihf libc6-dev-armhf-cross
    # apt-get download needs nothing more; lint
    shellcheck
)
missing=()
for p in "${pkgs[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    log "all ${#pkgs[@]} packages already installed"
else
    log "installing: ${missing[*]}"
    "${APT[@]}" install -y --no-install-recommends "${missing[@]}" || die "apt-get install failed"
fi

# --- 4. verify ----------------------------------------------------------------
need_cmds=(qemu-system-x86_64 qemu-system-aarch64 qemu-system-arm cpio xz gzip modinfo
           flock timeout gcc-12 gcc make aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc
           aarch64-linux-gnu-gcc-12 arm-linux-gnueabihf-gcc-12 apt-get apt-cache dpkg-deb)
bad=0
for c in "${need_cmds[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { printf 'setup-host: ERROR: command %s missing\n' "$c" >&2; bad=1; }
done
[ -d /usr/lib/linux-kbuild-6.1/scripts ] || { echo "setup-host: ERROR: /usr/lib/linux-kbuild-6.1/scripts missing" >&2; bad=1; }
[ -f /usr/include/linux/gpio.h ] || { echo "setup-host: ERROR: /usr/include/linux/gpio.h missing" >&2; bad=1; }
[ "$bad" -eq 0 ] || die "host setup incomplete"

# The ARM kernels/headers/busybox are fetched later with `apt-get download`;
# check now that apt can see them so a problem shows up here, not mid-test.
for spec in linux-image-amd64 linux-image-arm64:arm64 linux-image-armmp:armhf \
            busybox-static busybox-static:arm64 busybox-static:armhf linux-source-6.1; do
    if ! apt-cache show --no-all-versions "$spec" >/dev/null 2>&1; then
        die "apt cannot see package $spec (apt-get update incomplete?)"
    fi
done
log "OK: host ready for tests/kernel/qemu-gpio-run"
