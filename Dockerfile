# SPDX-License-Identifier: MIT
# gpio-blinkd as a container: a static binary alone in a FROM scratch image.
#
#   docker build -t gpio-blinkd .                                  # this machine's arch
#   docker build --platform linux/arm/v7 -t gpio-blinkd:armhf .    # C.H.I.P. (Pro), Pi 2/3
#   docker build --platform linux/arm/v6 -t gpio-blinkd:armel .    # Pi Zero/1 (ARMv6)
#   docker build --platform linux/arm64  -t gpio-blinkd:arm64 .    # 64-bit Pi OS, Pi 5
#   docker run --rm -v /sys:/sys gpio-blinkd                        # blinks sysfs GPIO 136
#   docker run --rm --device /dev/gpiochip0 gpio-blinkd --backend gpiod gpiochip0:17
#
# The build stage runs on the build machine (--platform=$BUILDPLATFORM) and cross-compiles
# with Debian's cross toolchain, so no emulation is needed. podman/buildah (4.x) do not
# predefine BUILDPLATFORM: for a cross build add --build-arg BUILDPLATFORM=linux/amd64.
# Only the archive of Debian is contacted (apt-get); see docs/deployment.md.

FROM --platform=$BUILDPLATFORM debian:bookworm AS build
ARG TARGETARCH
ARG TARGETVARIANT

# TARGETARCH/TARGETVARIANT (Docker's platform) -> Debian architecture and GNU triplet.
# arm/v6 is armel (ARMv5TE code, runs on the ARMv6 Pi Zero/1): Debian's armhf is ARMv7.
# (Every RUN starts with set -eu: buildah ignores SHELL in its default OCI format.)
RUN set -eu; \
    case "${TARGETARCH:-}/${TARGETVARIANT:-}" in \
        amd64/*) arch=amd64 ;; \
        arm64/*) arch=arm64 ;; \
        arm/v7) arch=armhf ;; \
        arm/v6|arm/v5) arch=armel ;; \
        /) arch=$(dpkg --print-architecture) ;; \
        *) echo "unsupported platform: ${TARGETARCH:-}/${TARGETVARIANT:-}" >&2; exit 1 ;; \
    esac; \
    case "$arch" in \
        amd64) triplet=x86_64-linux-gnu processor=x86_64 ;; \
        arm64) triplet=aarch64-linux-gnu processor=aarch64 ;; \
        armhf) triplet=arm-linux-gnueabihf processor=arm ;; \
        armel) triplet=arm-linux-gnueabi processor=arm ;; \
        *) echo "unsupported Debian architecture: $arch" >&2; exit 1 ;; \
    esac; \
    printf 'arch=%s\ntriplet=%s\nprocessor=%s\n' "$arch" "$triplet" "$processor" >/target.env; \
    if [ "$arch" = "$(dpkg --print-architecture)" ]; then \
        compiler=g++; \
    else \
        dpkg --add-architecture "$arch"; compiler="crossbuild-essential-$arch"; \
    fi; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "$compiler" cmake ninja-build \
        "libfmt-dev:$arch" "pkgconf:$arch"; \
    rm -rf /var/lib/apt/lists/*

# libgpiod 2 (uAPI v2), which the binary links: Debian 13's static libgpiod-dev for the
# target, fetched through a private apt state (bookworm has libgpiod 1.6 only), where
# the release-static preset looks for it.
ENV BLINKD_CACHE=/var/cache/gpio-blinkd
COPY scripts/fetch-libgpiod2 /usr/local/bin/
RUN set -eu; . /target.env; fetch-libgpiod2 "$arch"

WORKDIR /src
# Only what the build reads, so editing docs or tests does not rebuild the binary.
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY hal hal
COPY src src
COPY systemd systemd

# The project's release-static preset (MinSizeRel, -static, stripped); for another
# architecture the same preset with the cross compiler and its libraries.
RUN set -eu; . /target.env; \
    cross=""; \
    if [ "$arch" != "$(dpkg --print-architecture)" ]; then \
        cross="-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=$processor \
               -DCMAKE_CXX_COMPILER=$triplet-g++ -DCMAKE_LIBRARY_ARCHITECTURE=$triplet \
               -DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER"; \
    fi; \
    cmake --preset release-static -DPKG_CONFIG_EXECUTABLE="/usr/bin/$triplet-pkg-config" $cross; \
    cmake --build --preset release-static; \
    binary=build/release-static/gpio-blinkd; \
    if "$triplet-readelf" -lW "$binary" | grep -q 'program interpreter'; then \
        echo "$binary is not static" >&2; exit 1; \
    fi; \
    "$triplet-readelf" -hW "$binary" | grep -E 'Class|Machine'; \
    install -D -m 0755 "$binary" /out/gpio-blinkd; \
    rm -rf build

# The image: the binary alone. It runs as PID 1 (exec form), so docker stop's SIGTERM
# reaches it: every line is driven off and released, exit 0. It logs one line per
# write(2), unbuffered, to stderr. Exit 1 on every error, so --restart=on-failure applies.
FROM scratch
COPY --from=build /out/gpio-blinkd /gpio-blinkd
STOPSIGNAL SIGTERM
ENTRYPOINT ["/gpio-blinkd"]
# Sysfs GPIO 136: PE8, the C.H.I.P. Pro LED the original gadget-blink-rust blinked.
CMD ["136"]
