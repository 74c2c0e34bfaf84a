# Installation layout and packaging.
include(GNUInstallDirs)

install(TARGETS gpio-blinkd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md docs/deployment.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- systemd units (docs/deployment.md) ----------------------------------------------
# gpio-blinkd.service reads BLINKD_CONFIG_FILE; the template gpio-blinkd@.service blinks
# the line named by its instance, with optional settings in
# BLINKD_INSTANCE_CONFIG_DIR/<instance>.conf. Both come from systemd/gpio-blinkd.service.in
# in two passes: the unit settings now (build/systemd/*.in), the paths of the installed
# binary and documentation at install time, so `cmake --install --prefix X` points
# ExecStart= at X's binary. build/systemd/<unit> is the unit for the configured prefix.
option(BLINKD_INSTALL_SYSTEMD "Install the systemd units and the example configuration" ON)
set(BLINKD_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
  "Where the systemd units are installed (relative: under the install prefix)")
set(BLINKD_CONFIG_FILE "/etc/default/gpio-blinkd" CACHE STRING
  "EnvironmentFile of gpio-blinkd.service; installed from the example only if absent")
set(BLINKD_INSTANCE_CONFIG_DIR "/etc/gpio-blinkd" CACHE STRING
  "Directory of the optional <instance>.conf files of gpio-blinkd@.service")

function(blinkd_configure_unit unit)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAME;HEADER;DESCRIPTION;ENVIRONMENT" "")
  set(BLINKD_UNIT_NAME "${arg_NAME}")
  set(BLINKD_UNIT_HEADER "${arg_HEADER}")
  set(BLINKD_UNIT_DESCRIPTION "${arg_DESCRIPTION}")
  set(BLINKD_UNIT_ENVIRONMENT "${arg_ENVIRONMENT}")
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
  ENVIRONMENT "EnvironmentFile=${BLINKD_CONFIG_FILE}")
blinkd_configure_unit(gpio-blinkd@.service
  NAME "gpio-blinkd@INSTANCE"
  HEADER "gpio-blinkd@.service: blink the GPIO line named by the instance, e.g. gpio-blinkd@GPIO17."
  DESCRIPTION "GPIO blink daemon for line %i"
  ENVIRONMENT "Environment=GPIO_BLINKD_LINES=%i\nEnvironmentFile=-${BLINKD_INSTANCE_CONFIG_DIR}/%i.conf")

if(BLINKD_INSTALL_SYSTEMD)
  foreach(dir BINDIR DOCDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
      set(installed_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
      set(installed_${dir} "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_${dir}}")
    endif()
  endforeach()
  install(CODE "
    set(BLINKD_INSTALLED_BINARY \"${installed_BINDIR}/gpio-blinkd\")
    set(BLINKD_DOC_FILE \"${installed_DOCDIR}/deployment.md\")
    foreach(unit gpio-blinkd.service gpio-blinkd@.service)
      configure_file(\"${PROJECT_BINARY_DIR}/systemd/\${unit}.in\"
                     \"${PROJECT_BINARY_DIR}/systemd/install/\${unit}\" @ONLY)
    endforeach()")
  install(FILES "${PROJECT_BINARY_DIR}/systemd/install/gpio-blinkd.service"
                "${PROJECT_BINARY_DIR}/systemd/install/gpio-blinkd@.service"
          DESTINATION "${BLINKD_SYSTEMD_UNIT_DIR}")
  install(FILES systemd/gpio-blinkd.default DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
  # The configuration is the administrator's: install the example only where none is.
  get_filename_component(config_dir "${BLINKD_CONFIG_FILE}" DIRECTORY)
  get_filename_component(config_name "${BLINKD_CONFIG_FILE}" NAME)
  install(CODE "
    if(EXISTS \"\$ENV{DESTDIR}${BLINKD_CONFIG_FILE}\")
      message(STATUS \"Keeping: \$ENV{DESTDIR}${BLINKD_CONFIG_FILE}\")
    else()
      # file(INSTALL) puts DESTDIR in front of an absolute DESTINATION itself.
      file(INSTALL DESTINATION \"${config_dir}\" TYPE FILE
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
           RENAME \"${config_name}\" FILES \"${PROJECT_SOURCE_DIR}/systemd/gpio-blinkd.default\")
    endif()")
endif()

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
