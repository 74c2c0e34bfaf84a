# SPDX-License-Identifier: MIT
# Compile and link settings shared by every target of the project.
# Everything hangs on targets: call blinkd_apply_defaults(<target>) for each one.

# Size-oriented builds keep each function and object in its own section so the
# linker can drop what the static binary never calls.
set(BLINKD_SECTION_FLAGS -ffunction-sections -fdata-sections)

function(blinkd_apply_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic
    -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough -Wformat=2
    # GCC on armel/armhf notes an ABI change of 7.1 for every std::pair by value.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-psabi>
    $<$<BOOL:${BLINKD_WERROR}>:-Werror>
    ${BLINKD_SECTION_FLAGS})
  if(BLINKD_SANITIZE)
    target_compile_options(${target} PRIVATE
      -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(BLINKD_FUZZ)
    # Coverage feedback for libFuzzer from every library a fuzz target links; the
    # targets themselves link the fuzzer's main (tests/fuzz).
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# Executables that ship: static when asked, sections collected, symbols stripped in
# release builds.
function(blinkd_apply_executable_defaults target)
  blinkd_apply_defaults(${target})
  target_link_options(${target} PRIVATE -Wl,--gc-sections)
  if(BLINKD_STATIC)
    target_link_options(${target} PRIVATE -static)
  endif()
  if(CMAKE_BUILD_TYPE MATCHES "^(Release|MinSizeRel)$")
    target_link_options(${target} PRIVATE -s)
  endif()
endfunction()

if(BLINKD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "BLINKD_FUZZ needs clang's libFuzzer, not ${CMAKE_CXX_COMPILER_ID}: "
    "configure with `cmake --preset fuzz` (clang++-14; scripts/setup-debian test installs "
    "clang-14 and libclang-rt-14-dev)")
endif()

if(BLINKD_STATIC AND BLINKD_SANITIZE)
  message(FATAL_ERROR "BLINKD_STATIC and BLINKD_SANITIZE cannot be combined: "
    "the sanitizer runtimes are shared libraries")
endif()
