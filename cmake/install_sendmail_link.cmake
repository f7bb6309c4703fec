# Installs sbin/sendmail and, beside it, sbin/mailq as relative symbolic links to the installed
# smtpsend (SPEC.md "Invocation": a link named mailq is `smtpsend queue list`), so the links
# survive DESTDIR staging and "cmake --install --prefix" alike.
#
# Either directory may be absolute (-DCMAKE_INSTALL_SBINDIR=/usr/sbin with a prefix of /opt/x):
# the link text is file(RELATIVE_PATH) between the two absolute install directories, worked out
# at install time, since only then is the prefix known ("cmake --install --prefix" changes it).
# tests/install/sendmail_link_test.cmake installs through this rule in every such layout.
set(smtpsend_sendmail_link_code [=[
  set(bin "@CMAKE_INSTALL_BINDIR@")
  set(sbin "@CMAKE_INSTALL_SBINDIR@")
  foreach(dir IN ITEMS bin sbin)
    if(NOT IS_ABSOLUTE "${${dir}}")
      set(${dir} "${CMAKE_INSTALL_PREFIX}/${${dir}}")
    endif()
  endforeach()
  file(RELATIVE_PATH target "${sbin}" "${bin}/smtpsend")
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${sbin}")
  foreach(name IN ITEMS sendmail mailq)
    set(link "$ENV{DESTDIR}${sbin}/${name}")
    message(STATUS "Installing: ${link} -> ${target}")
    file(CREATE_LINK "${target}" "${link}" SYMBOLIC)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${link}")  # install_manifest.txt lists it too
  endforeach()
]=])
string(CONFIGURE "${smtpsend_sendmail_link_code}" smtpsend_sendmail_link_code @ONLY)
install(CODE "${smtpsend_sendmail_link_code}")
