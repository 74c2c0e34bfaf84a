# SPDX-License-Identifier: MIT
# Debian 12's clang 14 for the fuzz preset: libFuzzer and the sanitizers' runtimes come
# with it (libclang-rt-14-dev). A missing compiler fails here, saying what to install,
# rather than with CMake's bare "not found".
find_program(BLINKD_CLANG_CXX clang++-14)
if(NOT BLINKD_CLANG_CXX)
  message(FATAL_ERROR "clang++-14 not found: install the Debian packages clang-14 and "
    "libclang-rt-14-dev (scripts/setup-debian test does)")
endif()
set(CMAKE_CXX_COMPILER "${BLINKD_CLANG_CXX}")
