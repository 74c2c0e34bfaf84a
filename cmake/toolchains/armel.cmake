# SPDX-License-Identifier: MIT
# Debian armel (ARM EABI, soft-float ABI): Raspberry Pi Zero, Zero W and 1 (ARM1176JZF-S,
# ARMv6). Debian's armhf is always ARMv7 and faults on these boards; armel's libraries
# are ARMv5TE, a subset of ARMv6. Emulated CPU for tests: arm1176 (the Pi Zero/1 core).
# See docs/cross-builds.md.
set(BLINKD_CROSS_ARCH armel)
set(BLINKD_CROSS_PROCESSOR arm)
set(BLINKD_CROSS_TRIPLET arm-linux-gnueabi)
set(BLINKD_CROSS_QEMU qemu-arm-static)
set(BLINKD_CROSS_QEMU_CPU arm1176)
set(BLINKD_CROSS_FLAGS "")
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
