# SPDX-License-Identifier: MIT
# blinkd_debian_architecture(<var>): the Debian architecture of the build's target
# (amd64, arm64, armhf, armel), from its multiarch triplet.
function(blinkd_debian_architecture var)
  set(triplet "${CMAKE_LIBRARY_ARCHITECTURE}")
  if(triplet STREQUAL "x86_64-linux-gnu")
    set(arch amd64)
  elseif(triplet STREQUAL "aarch64-linux-gnu")
    set(arch arm64)
  elseif(triplet STREQUAL "arm-linux-gnueabihf")
    set(arch armhf)
  elseif(triplet STREQUAL "arm-linux-gnueabi")
    set(arch armel)
  else()
    message(FATAL_ERROR "no Debian architecture known for the target triplet '${triplet}' "
      "(CMAKE_LIBRARY_ARCHITECTURE)")
  endif()
  set(${var} ${arch} PARENT_SCOPE)
endfunction()
