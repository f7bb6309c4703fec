# The sendmail link's install rule in every layout a packager may use: relative and absolute
# CMAKE_INSTALL_BINDIR/SBINDIR, DESTDIR staging, "cmake --install --prefix", both in one
# directory, and installing twice. Each case configures sendmail_link_project (no compiler),
# installs it, and checks that sbin/sendmail is a relative symbolic link that reaches the
# installed program and is listed in install_manifest.txt.
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

# install_case(NAME PREFIX p BINDIR b SBINDIR s [DESTDIR d] [INSTALL_PREFIX p2] [TWICE]
#              LINK <where the link must be> TARGET <its expected text>)
function(install_case name)
  cmake_parse_arguments(C "TWICE" "PREFIX;BINDIR;SBINDIR;DESTDIR;INSTALL_PREFIX;LINK;TARGET" ""
                        ${ARGN})
  set(build "${WORK_DIR}/${name}/build")
  run_or_fail("${name}: configure" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/sendmail_link_project"
              -B "${build}" -G "${GENERATOR}" "-DSMTPSEND_SOURCE_DIR=${SOURCE_DIR}"
              "-DCMAKE_INSTALL_PREFIX=${C_PREFIX}" "-DCMAKE_INSTALL_BINDIR=${C_BINDIR}"
              "-DCMAKE_INSTALL_SBINDIR=${C_SBINDIR}")
  set(install_args --install "${build}")
  if(C_INSTALL_PREFIX)
    list(APPEND install_args --prefix "${C_INSTALL_PREFIX}")
  endif()
  set(ENV{DESTDIR} "${C_DESTDIR}")
  run_or_fail("${name}: install" ${CMAKE_COMMAND} ${install_args})
  if(C_TWICE)  # the link exists already: it is replaced, not an error
    run_or_fail("${name}: second install" ${CMAKE_COMMAND} ${install_args})
  endif()
  unset(ENV{DESTDIR})

  # mailq is installed beside sendmail (SPEC.md "Invocation"), with the same link text.
  get_filename_component(link_dir "${C_LINK}" DIRECTORY)
  foreach(link IN ITEMS "${C_LINK}" "${link_dir}/mailq")
    if(NOT IS_SYMLINK "${link}")
      file(GLOB_RECURSE found LIST_DIRECTORIES false "${WORK_DIR}/${name}/*")
      list(FILTER found EXCLUDE REGEX "/build/")
      message(FATAL_ERROR "${name}: no symbolic link ${link}; installed: ${found}")
    endif()
    file(READ_SYMLINK "${link}" text)
    if(IS_ABSOLUTE "${text}" OR NOT text STREQUAL C_TARGET)
      message(FATAL_ERROR "${name}: ${link} -> '${text}', expected '${C_TARGET}'")
    endif()
    file(READ "${link}" content)  # through the link: it must reach the installed program
    if(NOT content STREQUAL "the installed smtpsend\n")
      message(FATAL_ERROR "${name}: ${link} does not reach the installed smtpsend")
    endif()
    file(STRINGS "${build}/install_manifest.txt" manifest)
    if(NOT link IN_LIST manifest)
      message(FATAL_ERROR "${name}: ${link} missing from install_manifest.txt: ${manifest}")
    endif()
    message(STATUS "${name}: ${link} -> ${text}")
  endforeach()
endfunction()

set(w "${WORK_DIR}")
install_case(relative_dirs PREFIX "${w}/relative_dirs/usr" BINDIR bin SBINDIR sbin TWICE
             LINK "${w}/relative_dirs/usr/sbin/sendmail" TARGET ../bin/smtpsend)
install_case(prefix_with_trailing_slash PREFIX "${w}/prefix_with_trailing_slash/p/" BINDIR bin
             SBINDIR sbin LINK "${w}/prefix_with_trailing_slash/p/sbin/sendmail"
             TARGET ../bin/smtpsend)
install_case(prefix_at_install_time PREFIX /nonexistent/prefix BINDIR bin SBINDIR sbin
             INSTALL_PREFIX "${w}/prefix_at_install_time/opt"
             LINK "${w}/prefix_at_install_time/opt/sbin/sendmail" TARGET ../bin/smtpsend)
install_case(absolute_sbindir PREFIX /usr/local BINDIR bin SBINDIR /usr/sbin
             DESTDIR "${w}/absolute_sbindir/stage"
             LINK "${w}/absolute_sbindir/stage/usr/sbin/sendmail" TARGET ../local/bin/smtpsend)
install_case(absolute_bindir PREFIX /opt/mail BINDIR /usr/bin SBINDIR sbin
             DESTDIR "${w}/absolute_bindir/stage"
             LINK "${w}/absolute_bindir/stage/opt/mail/sbin/sendmail"
             TARGET ../../../usr/bin/smtpsend)
install_case(both_absolute PREFIX /usr BINDIR /usr/lib/smtpsend/bin SBINDIR /usr/sbin
             DESTDIR "${w}/both_absolute/stage" TWICE
             LINK "${w}/both_absolute/stage/usr/sbin/sendmail" TARGET ../lib/smtpsend/bin/smtpsend)
install_case(same_directory PREFIX "${w}/same_directory/p" BINDIR bin SBINDIR bin
             LINK "${w}/same_directory/p/bin/sendmail" TARGET smtpsend)
