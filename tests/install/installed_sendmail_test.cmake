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

# mailq beside it is `smtpsend queue list` (SPEC.md "Invocation"): an empty queue directory lists
# nothing and exits 0; under any other name "--queue-dir" would be no recipient and "-x" no option.
get_filename_component(link_dir "${link}" DIRECTORY)
set(mailq "${link_dir}/mailq")
file(READ_SYMLINK "${mailq}" mailq_text)
if(NOT mailq_text STREQUAL text)
  message(FATAL_ERROR "${mailq} -> '${mailq_text}', expected '${text}' as the sendmail link")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}/queue")
execute_process(COMMAND ${CMAKE_COMMAND} -E env "XDG_CONFIG_HOME=${WORK_DIR}/config" "${mailq}"
                        --queue-dir "${WORK_DIR}/queue"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "${mailq} --queue-dir: exit ${rc}, stdout: ${out}, stderr: ${err}")
endif()
message(STATUS "${mailq} -> ${mailq_text} answers as queue list: '${out}'")
