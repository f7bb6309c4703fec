# Installs <prefix>/${CMAKE_INSTALL_SBINDIR}/sendmail as a relative symbolic link to the installed
# smtpsend, so the link survives DESTDIR staging and "cmake --install --prefix" alike.
file(RELATIVE_PATH smtpsend_from_sbin "/prefix/${CMAKE_INSTALL_SBINDIR}"
     "/prefix/${CMAKE_INSTALL_BINDIR}/smtpsend")
install(CODE "
  set(sbin \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SBINDIR}\")
  file(MAKE_DIRECTORY \"\${sbin}\")
  message(STATUS \"Installing: \${sbin}/sendmail -> ${smtpsend_from_sbin}\")
  file(CREATE_LINK \"${smtpsend_from_sbin}\" \"\${sbin}/sendmail\" SYMBOLIC)
")
