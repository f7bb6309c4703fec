# Installs smtpsend-queue.service and smtpsend-queue.timer (SPEC.md "Queue": no daemon; a timer
# runs "smtpsend queue run") for the system manager and for user managers, from the templates in
# dist/systemd/. Both directories are searched by systemd under /usr/local and /usr alike.
#
# The units are generated at install time, not at configure time: ExecStart= must name the
# installed program, and "cmake --install --prefix" sets the prefix only then (the same reason
# as cmake/install_sendmail_link.cmake). DESTDIR stages them without entering ExecStart=.
set(SMTPSEND_SYSTEMD_SYSTEM_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where system units go (relative: under the install prefix)")
set(SMTPSEND_SYSTEMD_USER_UNIT_DIR "lib/systemd/user" CACHE STRING
    "Where user units go (relative: under the install prefix)")

# The templates beside this file, so a test project can include the rule too
# (tests/install/systemd_units_project).
get_filename_component(smtpsend_systemd_templates "${CMAKE_CURRENT_LIST_DIR}/../dist/systemd" ABSOLUTE)
set(smtpsend_systemd_units_code [=[
  set(bindir "@CMAKE_INSTALL_BINDIR@")
  set(system_dir "@SMTPSEND_SYSTEMD_SYSTEM_UNIT_DIR@")
  set(user_dir "@SMTPSEND_SYSTEMD_USER_UNIT_DIR@")
  foreach(dir IN ITEMS bindir system_dir user_dir)
    if(NOT IS_ABSOLUTE "${${dir}}")
      set(${dir} "${CMAKE_INSTALL_PREFIX}/${${dir}}")
    endif()
  endforeach()
  cmake_path(NORMAL_PATH bindir)
  string(REGEX REPLACE "(.)/$" "\\1" SMTPSEND_UNIT_BINDIR "${bindir}")
  set(templates "@smtpsend_systemd_templates@")
  set(generated "@PROJECT_BINARY_DIR@/systemd-units")
  foreach(flavour IN ITEMS system user)
    configure_file("${templates}/${flavour}/smtpsend-queue.service.in"
                   "${generated}/${flavour}/smtpsend-queue.service" @ONLY)
    configure_file("${templates}/smtpsend-queue.timer.in"
                   "${generated}/${flavour}/smtpsend-queue.timer" @ONLY)
    file(INSTALL DESTINATION "${${flavour}_dir}" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES "${generated}/${flavour}/smtpsend-queue.service"
               "${generated}/${flavour}/smtpsend-queue.timer")
  endforeach()
]=])
string(CONFIGURE "${smtpsend_systemd_units_code}" smtpsend_systemd_units_code @ONLY)
install(CODE "${smtpsend_systemd_units_code}")
