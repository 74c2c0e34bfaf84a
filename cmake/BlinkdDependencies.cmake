# SPDX-License-Identifier: MIT
# Third-party dependencies, all from Debian packages (see scripts/setup-debian).

if(BLINKD_STATIC)
  # Only archives: a stray libfoo.so would make `-static` fail at link time with
  # "attempted static link of dynamic object".
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()

# Debian ships libfmt.so only, never libfmt.a. fmt's headers (those of its header-only
# target) and its implementation compiled once here make the archive a static binary
# links: header-only mode would compile the implementation into every file.
find_package(fmt 9 REQUIRED)
if(NOT TARGET fmt::fmt-header-only)
  message(FATAL_ERROR "fmt::fmt-header-only not found: install libfmt-dev (Debian 12: 9.1)")
endif()
get_target_property(blinkd_fmt_includes fmt::fmt-header-only INTERFACE_INCLUDE_DIRECTORIES)

add_library(blinkd_fmt STATIC "${CMAKE_CURRENT_LIST_DIR}/fmt_implementation.cpp")
target_include_directories(blinkd_fmt SYSTEM PUBLIC ${blinkd_fmt_includes})
blinkd_apply_defaults(blinkd_fmt)
# fmt's locale support pulls std::locale into the static binary (~40% of its size);
# the daemon never formats with a locale.
target_compile_definitions(blinkd_fmt PUBLIC FMT_STATIC_THOUSANDS_SEPARATOR=',')

find_package(Threads REQUIRED)
