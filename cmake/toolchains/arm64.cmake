# SPDX-License-Identifier: MIT
# Debian arm64 (AArch64, ARMv8-A): Raspberry Pi 3, 4, 5 (and Zero 2 W) on a 64-bit OS.
# A Pi 5 with its 16 KiB-page kernel has no 32-bit compat: it needs this build.
# Emulated CPU for tests: cortex-a53 (Pi 3, Zero 2 W), the oldest of the cores.
set(BLINKD_CROSS_ARCH arm64)
set(BLINKD_CROSS_PROCESSOR aarch64)
set(BLINKD_CROSS_TRIPLET aarch64-linux-gnu)
set(BLINKD_CROSS_QEMU qemu-aarch64-static)
set(BLINKD_CROSS_QEMU_CPU cortex-a53)
set(BLINKD_CROSS_FLAGS "")
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
