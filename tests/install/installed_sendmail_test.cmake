# "cmake --install" of this very build (configured with SMTPSEND_INSTALL_SENDMAIL_LINK=ON, as
# scripts/test.sh does) into a staging directory, then the installed sendmail link run: the
# program must answer as sendmail (SPEC.md "Invocation"), which proves the link reaches it and
# the personality follows argv[0]. Nothing is written outside WORK_DIR.
#
#   cmake -DBUILD_DIR=<build> -DWORK_DIR=<scratch> -DSBINDIR=<CMAKE_INSTALL_SBINDIR> -P this file
cmake_minimum_required(VERSION 3.25)
foreach(var IN ITEMS BUILD_DIR WORK_DIR SBINDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")

set(prefix /usr/local)
set(ENV{DESTDIR} "${WORK_DIR}/stage")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
unset(ENV{DESTDIR})
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}")
endif()

if(IS_ABSOLUTE "${SBINDIR}")
  set(link "${WORK_DIR}/stage${SBINDIR}/sendmail")
else()
  set(link "${WORK_DIR}/stage${prefix}/${SBINDIR}/sendmail")
endif()
if(NOT IS_SYMLINK "${link}")
  message(FATAL_ERROR "no symbolic link ${link}:\n${out}")
endif()
file(READ_SYMLINK "${link}" text)
if(IS_ABSOLUTE "${text}")
  message(FATAL_ERROR "${link} -> ${text}: the link must be relative to survive DESTDIR")
endif()

# "-bs" is a sendmail option smtpsend refuses with its own sentence: only the sendmail
# personality knows it. An empty configuration directory keeps the user's file out of it.
file(MAKE_DIRECTORY "${WORK_DIR}/config")
execute_process(COMMAND ${CMAKE_COMMAND} -E env "XDG_CONFIG_HOME=${WORK_DIR}/config" "${link}" -bs
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
if(NOT rc EQUAL 64 OR NOT err MATCHES "sendmail -bs \\(SMTP on standard input\\) is not supported")
  message(FATAL_ERROR "${link} -bs: exit ${rc}, stderr: ${err}")
endif()
message(STATUS "${link} -> ${text} answers as sendmail: ${err}")
