# "cmake --install" of this very build into a staging directory (DESTDIR, prefix /usr/local, as a
# package build does), then the staged smtpsend-queue.service and .timer, system and user flavour,
# checked by "systemd-analyze verify" as they will be on the target: the staged /usr/local is
# bind-mounted over /usr/local in a mount namespace of its own (unshare, so nothing outside
# WORK_DIR changes), where verify finds ExecStart='s program and the man page it documents.
# Then an install with "cmake --install --prefix" (no DESTDIR), whose ExecStart= must follow the
# prefix given at install time. Needs root (mount namespace); a failure to get one fails the test.
#
#   cmake -DBUILD_DIR=<build> -DWORK_DIR=<scratch> -DBINDIR=<CMAKE_INSTALL_BINDIR> -P this file
cmake_minimum_required(VERSION 3.25)
foreach(var IN ITEMS BUILD_DIR WORK_DIR BINDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
# Debian packages systemd, util-linux and mount: a missing one fails here, loudly.
find_program(systemd_analyze systemd-analyze REQUIRED)
find_program(unshare unshare REQUIRED)
find_program(mount mount REQUIRED)

function(install_into prefix)  # DESTDIR from the environment, if set
  execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install --prefix ${prefix} failed (${rc}):\n${out}")
  endif()
endfunction()

# expect_units(<unit directory root> <the ExecStart= line expected>)
function(expect_units root exec_start)
  foreach(flavour IN ITEMS system user)
    foreach(unit IN ITEMS smtpsend-queue.service smtpsend-queue.timer)
      if(NOT EXISTS "${root}/lib/systemd/${flavour}/${unit}")
        message(FATAL_ERROR "not installed: ${root}/lib/systemd/${flavour}/${unit}")
      endif()
    endforeach()
    file(STRINGS "${root}/lib/systemd/${flavour}/smtpsend-queue.service" lines REGEX "^ExecStart=")
    if(NOT lines STREQUAL "${exec_start}")
      message(FATAL_ERROR "${flavour} unit: '${lines}', expected '${exec_start}'")
    endif()
    file(STRINGS "${root}/lib/systemd/${flavour}/smtpsend-queue.timer" timer)
    foreach(line IN ITEMS "OnCalendar=*:0/5" "Persistent=true" "WantedBy=timers.target")
      if(NOT line IN_LIST timer)
        message(FATAL_ERROR "${flavour} timer lacks ${line}: ${timer}")
      endif()
    endforeach()
  endforeach()
endfunction()

# 1. DESTDIR staging under the prefix /usr/local.
set(stage "${WORK_DIR}/stage")
set(ENV{DESTDIR} "${stage}")
install_into(/usr/local)
unset(ENV{DESTDIR})
if(IS_ABSOLUTE "${BINDIR}")
  set(program "${BINDIR}/smtpsend")
else()
  set(program "/usr/local/${BINDIR}/smtpsend")
endif()
expect_units("${stage}/usr/local" "ExecStart=${program} queue run")

# verify, system and user manager, in a private mount namespace where the staged tree is
# /usr/local. XDG_RUNTIME_DIR: the user manager verify sets up needs one (a fresh 0700 directory).
file(MAKE_DIRECTORY "${WORK_DIR}/runtime")
file(CHMOD "${WORK_DIR}/runtime" DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
set(units /usr/local/lib/systemd)
set(script "set -e
mount --make-rprivate /
mount --bind '${stage}/usr/local' /usr/local
test -x '${program}'
systemd-analyze verify ${units}/system/smtpsend-queue.service ${units}/system/smtpsend-queue.timer
XDG_RUNTIME_DIR='${WORK_DIR}/runtime' systemd-analyze --user verify ${units}/user/smtpsend-queue.service ${units}/user/smtpsend-queue.timer
")
execute_process(COMMAND ${unshare} --mount sh -c "${script}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 60)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
  message(FATAL_ERROR "systemd-analyze verify of the staged units: exit ${rc}\n${out}")
endif()
message(STATUS "systemd-analyze verify: staged system and user units clean")

# 2. The prefix given at install time, no DESTDIR: ExecStart= names the program installed there,
# and verify finds it without any namespace.
set(prefix "${WORK_DIR}/opt/smtpsend")
install_into("${prefix}")
if(NOT IS_ABSOLUTE "${BINDIR}")
  expect_units("${prefix}" "ExecStart=${prefix}/${BINDIR}/smtpsend queue run")
  execute_process(COMMAND ${systemd_analyze} --man=no verify
                          "${prefix}/lib/systemd/system/smtpsend-queue.service"
                          "${prefix}/lib/systemd/system/smtpsend-queue.timer"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 60)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
    message(FATAL_ERROR "systemd-analyze verify under --prefix ${prefix}: exit ${rc}\n${out}")
  endif()
endif()
message(STATUS "units follow the install-time prefix ${prefix}")
