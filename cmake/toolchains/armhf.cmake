# SPDX-License-Identifier: MIT
# Debian armhf (ARMv7-A, Thumb-2, VFPv3-D16, hard-float ABI): Raspberry Pi 2 and 3 on
# a 32-bit OS, C.H.I.P. (Allwinner R8, Cortex-A8). Not for the Pi Zero/1 (use armel).
# Emulated CPU for tests: cortex-a8, the smallest ARMv7 core among the targets (no
# integer divide, no VFPv4): its instruction set is a subset of the Pi 2's cortex-a7.
set(BLINKD_CROSS_ARCH armhf)
set(BLINKD_CROSS_PROCESSOR arm)
set(BLINKD_CROSS_TRIPLET arm-linux-gnueabihf)
set(BLINKD_CROSS_QEMU qemu-arm-static)
set(BLINKD_CROSS_QEMU_CPU cortex-a8)
set(BLINKD_CROSS_FLAGS "")
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
