# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# podman-store.sh - sourced by tests/deploy/podman-image-test and scripts/image: a
# private podman (own store, runc, no registries) whose debian:bookworm is the cached
# Debian 12 root filesystem (tests/deploy/debian-rootfs), so that building the
# Dockerfile contacts no registry; only its build stage's apt-get reaches Debian's
# archive. The store keeps the build cache, so a rebuild redoes only what changed.
#
#   podman_store CACHE_DIR        write its configuration, export CONTAINERS_* for it
#   podman_base ROOTFS CACHE_DIR  import ROOTFS as docker.io/library/debian:bookworm
#                                 once per rootfs (a new one drops every cached layer)
# Both print errors on stderr and return 1.

podman_store() {
    local cache=$1
    mkdir -p "$cache"
    # runc, and ulimits a root without CAP_SYS_RESOURCE can set: crun fails on hybrid
    # cgroups, and podman's default nofile/nproc limits exceed the hard limits of CI's
    # shell. (nproc: conmon runs with at most 32768 here, whatever the shell's limit.)
    local nofile nproc
    nofile=$(podman_at_most "$(ulimit -Hn)" 1048576)
    nproc=$(podman_at_most "$(ulimit -Hu)" 32768)
    cat >"$cache/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
CONF
    cat >"$cache/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$cache/storage"
runroot = "$cache/run"
CONF
    cat >"$cache/registries.conf" <<CONF
unqualified-search-registries = []
short-name-mode = "permissive"
CONF
    export CONTAINERS_CONF=$cache/containers.conf
    export CONTAINERS_STORAGE_CONF=$cache/storage.conf
    export CONTAINERS_REGISTRIES_CONF=$cache/registries.conf
}

podman_at_most() { if [ "$1" = unlimited ] || [ "$1" -gt "$2" ]; then echo "$2"; else echo "$1"; fi; }

podman_base() {
    local rootfs=$1 cache=$2 base=docker.io/library/debian:bookworm stamp started
    stamp="$(cat "$rootfs/.gpio-blinkd-rootfs") $(stat -c %Y "$rootfs/.gpio-blinkd-rootfs")"
    exec 9>"$cache/.import.lock"
    flock 9
    if [ "$(cat "$cache/base.stamp" 2>/dev/null)" != "$stamp" ] || ! podman image exists "$base"; then
        started=$SECONDS
        # A new base invalidates every cached layer: drop them all first.
        podman system prune --all --force >/dev/null 2>&1
        if ! tar -C "$rootfs" -c . | podman import -q - "$base" >/dev/null; then
            echo "podman import of $rootfs failed" >&2
            flock -u 9
            return 1
        fi
        printf '%s\n' "$stamp" >"$cache/base.stamp"
        echo "imported $rootfs as $base in $((SECONDS - started)) s" >&2
    fi
    flock -u 9
}
