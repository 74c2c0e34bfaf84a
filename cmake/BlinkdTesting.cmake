# SPDX-License-Identifier: MIT
# blinkd_add_doctest(<name> SOURCES <files...> [LIBRARIES <targets...>] [LABELS <labels...>])
#
# One doctest executable, registered with CTest as one test per TEST_CASE so failures
# name the behaviour that broke. Cross builds run it through CMAKE_CROSSCOMPILING_EMULATOR.
include(doctest)

function(blinkd_add_doctest name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LIBRARIES;LABELS;PROPERTIES")
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE blinkd_test_main blinkd_test_support ${arg_LIBRARIES})
  blinkd_apply_defaults(${name})
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  if(CMAKE_CROSSCOMPILING)
    # Runs on the target architecture under qemu-user: label cross too. A directory
    # label, as doctest_discover_tests cannot pass a list of labels through.
    get_property(dir_labels DIRECTORY PROPERTY LABELS)
    if(NOT "cross" IN_LIST dir_labels)
      set_property(DIRECTORY APPEND PROPERTY LABELS cross)
    endif()
    if(BLINKD_STATIC)
      # The shipped binary's static runtimes; qemu-user needs no target sysroot.
      target_link_options(${name} PRIVATE -static)
    endif()
  endif()
  doctest_discover_tests(${name}
    TEST_PREFIX "${name}: "
    PROPERTIES LABELS "${arg_LABELS}" ${arg_PROPERTIES})
endfunction()
