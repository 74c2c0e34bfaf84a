# Installation layout and packaging.
include(GNUInstallDirs)

install(TARGETS gpio-blinkd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME gpio-blinkd)
set(CPACK_PACKAGE_VENDOR "gpio-blinkd developers")
set(CPACK_PACKAGE_CONTACT "gpio-blinkd developers")
set(CPACK_GENERATOR TGZ)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/out/;/\\\\.git/")
include(CPack)
