# The Debian package: `cmake --build build --target package` writes build/rdpcap_<version>-1_<arch>.deb with
#   /usr/bin/rdpcap-analyze, /usr/share/man/man1/rdpcap-analyze.1.gz and, when the plugin is built,
#   rdpcap.so in the system plugin folder of the Wireshark it was built against
#   (<libdir>/wireshark/plugins/X.Y/epan: Wireshark X.Y loads plugins built for X.Y only).
# Depends comes from dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS) over both binaries: libpcap, OpenSSL,
# fmt, and for the plugin the libwireshark<soname> of that Wireshark (libwireshark16 for 4.0 on Debian 12,
# libwireshark18 for 4.4 ...), which pins the package to the Wireshark minor version the plugin needs.
# dpkg-shlibdeps is in dpkg-dev (pulled in by build-essential, tools/setup-debian).

# Man page, compressed as Debian policy wants (gzip -9n: no name, no time stamp: reproducible).
set(RDPCAP_MAN_SOURCE ${PROJECT_SOURCE_DIR}/docs/man/rdpcap-analyze.1)
set(RDPCAP_MAN_GZ ${CMAKE_BINARY_DIR}/man/rdpcap-analyze.1.gz)
add_custom_command(OUTPUT ${RDPCAP_MAN_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND gzip -9n -c ${RDPCAP_MAN_SOURCE} > ${RDPCAP_MAN_GZ}
  DEPENDS ${RDPCAP_MAN_SOURCE} VERBATIM)
add_custom_target(rdpcap_man ALL DEPENDS ${RDPCAP_MAN_GZ})
install(FILES ${RDPCAP_MAN_GZ} DESTINATION share/man/man1)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rdpcap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "rdpcap maintainers <rdpcap@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "why did that Remote Desktop connection fail? (CLI and Wireshark plugin)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"why did that Remote Desktop connection fail? (CLI and Wireshark plugin)
 rdpcap-analyze reads a packet capture and tells, for every RDP connection in
 it, where the setup stopped, the most likely cause, the evidence and what to
 do. The Wireshark plugin shows the same diagnosis in the packet tree, as
 rdpcap.* fields and as expert infos.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)       # rdpcap_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)        # Depends from the binaries' libraries (libwireshark<N> ...)
if(TARGET rdpcap_plugin)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
endif()
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR})
include(CPack)
