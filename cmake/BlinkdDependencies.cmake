# SPDX-License-Identifier: MIT
# Third-party dependencies, all from Debian packages (see scripts/setup-debian).

if(BLINKD_STATIC)
  # Only archives: a stray libfoo.so would make `-static` fail at link time with
  # "attempted static link of dynamic object".
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()

# Debian ships libfmt.so only, never libfmt.a: the header-only target is what a
# static binary can use.
find_package(fmt 9 REQUIRED)
if(NOT TARGET fmt::fmt-header-only)
  message(FATAL_ERROR "fmt::fmt-header-only not found: install libfmt-dev (Debian 12: 9.1)")
endif()

add_library(blinkd_fmt INTERFACE)
target_link_libraries(blinkd_fmt INTERFACE fmt::fmt-header-only)
# fmt's locale support pulls std::locale into the static binary (~40% of its size);
# the daemon never formats with a locale.
target_compile_definitions(blinkd_fmt INTERFACE FMT_STATIC_THOUSANDS_SEPARATOR=',')

find_package(Threads REQUIRED)
