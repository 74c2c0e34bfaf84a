# SPDX-License-Identifier: MIT
# Installation layout and packaging.
include(GNUInstallDirs)

install(TARGETS gpio-blinkd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md docs/deployment.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- systemd units, group, udev rules (docs/deployment.md) ------------------------------
# gpio-blinkd.service reads BLINKD_CONFIG_FILE; the template gpio-blinkd@.service blinks
# the line named by its instance, with optional settings in
# BLINKD_INSTANCE_CONFIG_DIR/<instance>.conf. Both come from systemd/gpio-blinkd.service.in
# in two passes: the unit settings now (build/systemd/*.in), the paths of the installed
# binary and documentation at install time, so `cmake --install --prefix X` points
# ExecStart= at X's binary. build/systemd/<unit> is the unit for the configured prefix.
# The units run in group gpio, which systemd/gpio-blinkd.sysusers creates and the udev
# rules systemd/60-gpio-blinkd.rules give the GPIO files.
#
# Where they go is decided at install time, from the prefix given then:
#   /usr           /lib/systemd/system, /lib/udev/rules.d, /usr/lib/sysusers.d: where
#                  Debian 12's packages put them (scripts/package installs this way)
#   anything else  <docdir>/examples/systemd/, outside systemd's and udev's search paths:
#                  systemd reads /usr/local/lib/systemd/system BEFORE /lib/systemd/system
#                  (`systemd-analyze unit-paths`), so units there would shadow the
#                  package's; deployment.md says how to use them from the examples
# BLINKD_SYSTEMD_UNIT_DIR, BLINKD_UDEV_RULES_DIR, BLINKD_SYSUSERS_DIR override that.
# A tree configured before the default became "by prefix" has the old default cached
# (recognised by its old description); that was no choice of the user's, so drop it.
get_property(unit_dir_help CACHE BLINKD_SYSTEMD_UNIT_DIR PROPERTY HELPSTRING)
if(BLINKD_SYSTEMD_UNIT_DIR STREQUAL "lib/systemd/system" AND
   unit_dir_help STREQUAL "Where the systemd units are installed (relative: under the install prefix)")
  unset(BLINKD_SYSTEMD_UNIT_DIR CACHE)
endif()
option(BLINKD_INSTALL_SYSTEMD "Install the systemd units, udev rules, sysusers.d file and example configuration" ON)
set(BLINKD_SYSTEMD_UNIT_DIR "" CACHE STRING
  "Where the systemd units are installed (relative: under the prefix; empty: by prefix, see BlinkdInstall.cmake)")
set(BLINKD_UDEV_RULES_DIR "" CACHE STRING
  "Where the udev rules are installed (relative: under the prefix; empty: by prefix)")
set(BLINKD_SYSUSERS_DIR "" CACHE STRING
  "Where the sysusers.d file creating group gpio is installed (relative: under the prefix; empty: by prefix)")
set(BLINKD_CONFIG_FILE "/etc/default/gpio-blinkd" CACHE STRING
  "EnvironmentFile of gpio-blinkd.service; installed from the example only if absent")
set(BLINKD_INSTANCE_CONFIG_DIR "/etc/gpio-blinkd" CACHE STRING
  "Directory of the optional <instance>.conf files of gpio-blinkd@.service")

function(blinkd_configure_unit unit)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAME;HEADER;DESCRIPTION;ENVIRONMENT;CONFIG;SOCKET;RUNTIME" "")
  set(BLINKD_UNIT_NAME "${arg_NAME}")
  set(BLINKD_UNIT_HEADER "${arg_HEADER}")
  set(BLINKD_UNIT_DESCRIPTION "${arg_DESCRIPTION}")
  set(BLINKD_UNIT_ENVIRONMENT "${arg_ENVIRONMENT}")
  set(BLINKD_UNIT_CONFIG "${arg_CONFIG}")
  set(BLINKD_UNIT_SOCKET "${arg_SOCKET}")
  set(BLINKD_UNIT_RUNTIME "${arg_RUNTIME}")
  # Left for the second pass.
  set(BLINKD_INSTALLED_BINARY "@BLINKD_INSTALLED_BINARY@")
  set(BLINKD_DOC_FILE "@BLINKD_DOC_FILE@")
  configure_file("${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd.service.in"
                 "${PROJECT_BINARY_DIR}/systemd/${unit}.in" @ONLY)
  set(BLINKD_INSTALLED_BINARY "${CMAKE_INSTALL_FULL_BINDIR}/gpio-blinkd")
  set(BLINKD_DOC_FILE "${CMAKE_INSTALL_FULL_DOCDIR}/deployment.md")
  configure_file("${PROJECT_BINARY_DIR}/systemd/${unit}.in"
                 "${PROJECT_BINARY_DIR}/systemd/${unit}" @ONLY)
endfunction()

blinkd_configure_unit(gpio-blinkd.service
  NAME gpio-blinkd
  HEADER "gpio-blinkd.service: blink the GPIO lines set in ${BLINKD_CONFIG_FILE}."
  DESCRIPTION "GPIO blink daemon"
  ENVIRONMENT "EnvironmentFile=${BLINKD_CONFIG_FILE}"
  CONFIG "${BLINKD_CONFIG_FILE}"
  SOCKET gpio-blinkd.socket
  RUNTIME "RuntimeDirectory=gpio-blinkd-state")
blinkd_configure_unit(gpio-blinkd@.service
  NAME "gpio-blinkd@INSTANCE"
  HEADER "gpio-blinkd@.service: blink the GPIO line named by the instance, e.g. gpio-blinkd@GPIO17."
  DESCRIPTION "GPIO blink daemon for line %i"
  ENVIRONMENT "Environment=GPIO_BLINKD_LINES=%i\nEnvironmentFile=-${BLINKD_INSTANCE_CONFIG_DIR}/%i.conf"
  CONFIG "${BLINKD_INSTANCE_CONFIG_DIR}/%i.conf"
  SOCKET "gpio-blinkd@%i.socket"
  # Named here, not left to $RUNTIME_DIRECTORY: an instance name may hold a ':'
  # (gpiochip0:17), the separator of that variable's list.
  RUNTIME "RuntimeDirectory=gpio-blinkd-state@%i\nEnvironment=GPIO_BLINKD_STATE_FILE=%t/gpio-blinkd-state@%i/state")

if(BLINKD_INSTALL_SYSTEMD)
  foreach(dir BINDIR DOCDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
      set(installed_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
      set(installed_${dir} "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_${dir}}")
    endif()
  endforeach()
  # The directories, by the prefix of this install (see the top of this section).
  install(CODE "
    set(blinkd_examples \"${installed_DOCDIR}/examples/systemd\")
    foreach(kind SYSTEMD_UNIT UDEV_RULES SYSUSERS)
      set(blinkd_\${kind}_DIR \"\${blinkd_examples}\")
    endforeach()
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      set(blinkd_SYSTEMD_UNIT_DIR /lib/systemd/system)
      set(blinkd_UDEV_RULES_DIR /lib/udev/rules.d)
      set(blinkd_SYSUSERS_DIR /usr/lib/sysusers.d)
    else()
      message(STATUS \"Units, udev rules and sysusers.d file go to \${blinkd_examples}: \"
        \"systemd would read them before the package's (docs/deployment.md)\")
    endif()
    set(blinkd_configured_SYSTEMD_UNIT_DIR \"${BLINKD_SYSTEMD_UNIT_DIR}\")
    set(blinkd_configured_UDEV_RULES_DIR \"${BLINKD_UDEV_RULES_DIR}\")
    set(blinkd_configured_SYSUSERS_DIR \"${BLINKD_SYSUSERS_DIR}\")
    foreach(kind SYSTEMD_UNIT UDEV_RULES SYSUSERS)
      set(dir \"\${blinkd_configured_\${kind}_DIR}\")
      if(dir AND IS_ABSOLUTE \"\${dir}\")
        set(blinkd_\${kind}_DIR \"\${dir}\")
      elseif(dir)
        set(blinkd_\${kind}_DIR \"\${CMAKE_INSTALL_PREFIX}/\${dir}\")
      endif()
    endforeach()
    set(BLINKD_INSTALLED_BINARY \"${installed_BINDIR}/gpio-blinkd\")
    set(BLINKD_DOC_FILE \"${installed_DOCDIR}/deployment.md\")
    foreach(unit gpio-blinkd.service gpio-blinkd@.service)
      configure_file(\"${PROJECT_BINARY_DIR}/systemd/\${unit}.in\"
                     \"${PROJECT_BINARY_DIR}/systemd/install/\${unit}\" @ONLY)
    endforeach()
    # file(INSTALL) puts DESTDIR in front of an absolute DESTINATION itself.
    file(INSTALL DESTINATION \"\${blinkd_SYSTEMD_UNIT_DIR}\" TYPE FILE FILES
         \"${PROJECT_BINARY_DIR}/systemd/install/gpio-blinkd.service\"
         \"${PROJECT_BINARY_DIR}/systemd/install/gpio-blinkd@.service\"
         \"${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd.socket\"
         \"${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd@.socket\")
    file(INSTALL DESTINATION \"\${blinkd_UDEV_RULES_DIR}\" TYPE FILE FILES
         \"${PROJECT_SOURCE_DIR}/systemd/60-gpio-blinkd.rules\")
    file(INSTALL DESTINATION \"\${blinkd_SYSUSERS_DIR}\" TYPE FILE
         RENAME gpio-blinkd.conf FILES \"${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd.sysusers\")")
  install(FILES systemd/gpio-blinkd.default DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
  # The configuration is the administrator's: install the example only where none is.
  get_filename_component(config_dir "${BLINKD_CONFIG_FILE}" DIRECTORY)
  get_filename_component(config_name "${BLINKD_CONFIG_FILE}" NAME)
  install(CODE "
    if(EXISTS \"\$ENV{DESTDIR}${BLINKD_CONFIG_FILE}\")
      message(STATUS \"Keeping: \$ENV{DESTDIR}${BLINKD_CONFIG_FILE}\")
    else()
      file(INSTALL DESTINATION \"${config_dir}\" TYPE FILE
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
           RENAME \"${config_name}\" FILES \"${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd.default\")
    endif()")
endif()

include(BlinkdPackaging)

set(CPACK_PACKAGE_NAME gpio-blinkd)
set(CPACK_PACKAGE_VENDOR "gpio-blinkd developers")
set(CPACK_PACKAGE_CONTACT "gpio-blinkd developers")
set(CPACK_GENERATOR TGZ)
# Stage through DESTDIR with the real prefix: the units' ExecStart= must name the
# installed binary, and /etc/default/gpio-blinkd belongs in the package, not on the
# packaging machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/out/;/\\\\.git/")
include(CPack)
