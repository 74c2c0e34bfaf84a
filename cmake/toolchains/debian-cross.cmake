# SPDX-License-Identifier: MIT
# Shared part of the Debian multiarch cross toolchains (armel.cmake, armhf.cmake,
# arm64.cmake set BLINKD_CROSS_* and include this file). Needs, for the target
# architecture <arch>, crossbuild-essential-<arch>, libgpiod-dev:<arch>,
# libfmt-dev:<arch>, pkgconf:<arch> and qemu-user-static (scripts/setup-debian test).
#
# Debian's multiarch layout is the sysroot: target headers and libraries live in
# /usr/include and /usr/lib/<triplet>, next to the build machine's own. The
# compiler knows its target's directories; CMAKE_LIBRARY_ARCHITECTURE makes
# find_library()/find_package() look in /usr/lib/<triplet> (never the build
# machine's /usr/lib/x86_64-linux-gnu), and <triplet>-pkg-config answers for the
# target only. With BLINKD_STATIC, cmake/BlinkdDependencies.cmake accepts .a only.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${BLINKD_CROSS_PROCESSOR})
set(CMAKE_LIBRARY_ARCHITECTURE ${BLINKD_CROSS_TRIPLET})

set(CMAKE_C_COMPILER ${BLINKD_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${BLINKD_CROSS_TRIPLET}-g++)

# Programs (pkg-config, git, qemu, readelf) come from the build machine; libraries,
# headers and CMake packages only from the target's directories. The multiarch
# "sysroot" is /, so the root path is / and CMAKE_LIBRARY_ARCHITECTURE picks the
# target's subdirectories.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg_check_modules() through the target's wrapper: its search path is
# /usr/lib/<triplet>/pkgconfig and /usr/share/pkgconfig only.
set(PKG_CONFIG_EXECUTABLE /usr/bin/${BLINKD_CROSS_TRIPLET}-pkg-config CACHE FILEPATH
  "pkg-config for the target architecture")

# CTest (and doctest_discover_tests at build time) run target binaries through
# qemu-user, on the oldest CPU the build is meant for. The binaries are static, so
# qemu needs no -L sysroot; binfmt_misc is not needed either.
find_program(BLINKD_QEMU_USER ${BLINKD_CROSS_QEMU} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${BLINKD_QEMU_USER};-cpu;${BLINKD_CROSS_QEMU_CPU}")

foreach(lang C CXX)
  set(CMAKE_${lang}_FLAGS_INIT "${BLINKD_CROSS_FLAGS}")
endforeach()
