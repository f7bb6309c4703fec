# The systemd unit install rule in the layouts a packager may use: prefix /usr, an absolute unit
# directory outside the prefix (/lib/systemd/system beside prefix /usr/local), an absolute
# CMAKE_INSTALL_BINDIR, a prefix with a trailing slash. Each case configures
# systemd_units_project (no compiler), installs it into a DESTDIR and checks where the four
# units landed, that ExecStart= names the program's installed path (never the DESTDIR), and that
# install_manifest.txt lists them (without the DESTDIR, as CMake lists the program).
#
#   cmake -DSOURCE_DIR=<checkout> -DWORK_DIR=<scratch> -DGENERATOR=<generator> -P this file
cmake_minimum_required(VERSION 3.25)
foreach(var IN ITEMS SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")

function(run_or_fail what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
endfunction()

# units_case(NAME PREFIX p [BINDIR b] [SYSTEM_DIR s] [USER_DIR u]
#            SYSTEM <expected system unit dir> USER <expected user unit dir> PROGRAM <ExecStart path>)
function(units_case name)
  cmake_parse_arguments(C "" "PREFIX;BINDIR;SYSTEM_DIR;USER_DIR;SYSTEM;USER;PROGRAM" "" ${ARGN})
  set(build "${WORK_DIR}/${name}/build")
  set(stage "${WORK_DIR}/${name}/stage")
  set(options "-DCMAKE_INSTALL_PREFIX=${C_PREFIX}")
  foreach(pair IN ITEMS "BINDIR;CMAKE_INSTALL_BINDIR" "SYSTEM_DIR;SMTPSEND_SYSTEMD_SYSTEM_UNIT_DIR"
                        "USER_DIR;SMTPSEND_SYSTEMD_USER_UNIT_DIR")
    list(GET pair 0 arg)
    list(GET pair 1 var)
    if(DEFINED C_${arg})
      list(APPEND options "-D${var}=${C_${arg}}")
    endif()
  endforeach()
  run_or_fail("${name}: configure" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/systemd_units_project"
              -B "${build}" -G "${GENERATOR}" "-DSMTPSEND_SOURCE_DIR=${SOURCE_DIR}" ${options})
  set(ENV{DESTDIR} "${stage}")
  run_or_fail("${name}: install" ${CMAKE_COMMAND} --install "${build}")
  unset(ENV{DESTDIR})
  file(STRINGS "${build}/install_manifest.txt" manifest)
  foreach(flavour IN ITEMS SYSTEM USER)
    foreach(unit IN ITEMS smtpsend-queue.service smtpsend-queue.timer)
      set(path "${stage}${C_${flavour}}/${unit}")
      if(NOT EXISTS "${path}")
        file(GLOB_RECURSE found LIST_DIRECTORIES false "${stage}/*")
        message(FATAL_ERROR "${name}: no ${path}; installed: ${found}")
      endif()
      # Listed as CMake lists what it installs itself: without the DESTDIR.
      if(NOT "${C_${flavour}}/${unit}" IN_LIST manifest)
        message(FATAL_ERROR "${name}: ${C_${flavour}}/${unit} missing from install_manifest.txt: ${manifest}")
      endif()
    endforeach()
    file(STRINGS "${stage}${C_${flavour}}/smtpsend-queue.service" exec REGEX "^ExecStart=")
    if(NOT exec STREQUAL "ExecStart=${C_PROGRAM} queue run")
      message(FATAL_ERROR "${name}: '${exec}', expected 'ExecStart=${C_PROGRAM} queue run'")
    endif()
  endforeach()
  message(STATUS "${name}: ${C_SYSTEM}, ${C_USER}, ExecStart=${C_PROGRAM}")
endfunction()

units_case(prefix_usr PREFIX /usr
           SYSTEM /usr/lib/systemd/system USER /usr/lib/systemd/user PROGRAM /usr/bin/smtpsend)
units_case(unit_dirs_outside_the_prefix PREFIX /usr/local
           SYSTEM_DIR /lib/systemd/system USER_DIR /usr/lib/systemd/user
           SYSTEM /lib/systemd/system USER /usr/lib/systemd/user PROGRAM /usr/local/bin/smtpsend)
units_case(absolute_bindir PREFIX /usr BINDIR /opt/smtpsend/bin
           SYSTEM /usr/lib/systemd/system USER /usr/lib/systemd/user PROGRAM /opt/smtpsend/bin/smtpsend)
units_case(prefix_with_trailing_slash PREFIX /usr/local/
           SYSTEM /usr/local/lib/systemd/system USER /usr/local/lib/systemd/user
           PROGRAM /usr/local/bin/smtpsend)
