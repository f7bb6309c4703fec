# Include roots from the layer table of docs/architecture.md ("Layers"): each row's code compiles
# against build/include-roots/<code>/, where smtpsend/<module> is a symbolic link to
# include/smtpsend/<module> for the row's own module and each module its "may include" cell
# names, and nothing else. A header of any other module, included directly or by another header,
# is then not found. tests/check_layers.py reads the same table and also checks outside headers.
set(SMTPSEND_LAYER_TABLE ${PROJECT_SOURCE_DIR}/docs/architecture.md)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${SMTPSEND_LAYER_TABLE})

# "smtp/" -> "smtp", "tests/unit/support/" -> "tests-unit-support", "src/main.cpp" -> "src-main.cpp"
function(smtpsend_layer_root_name code out)
  string(REGEX REPLACE "/$" "" name "${code}")
  string(REPLACE "/" "-" name "${name}")
  set(${out} ${name} PARENT_SCOPE)
endfunction()

function(smtpsend_make_include_roots)
  # The table runs from its header line to the first blank line.
  file(READ ${SMTPSEND_LAYER_TABLE} text)
  string(FIND "${text}" "| code | may include | never reaches |" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "${SMTPSEND_LAYER_TABLE}: no '| code | may include | never reaches |' table")
  endif()
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "\n\n" end)
  string(SUBSTRING "${text}" 0 ${end} text)
  string(REPLACE "\n" ";" rows "${text}")
  set(codes "")
  foreach(row IN LISTS rows)
    if(NOT row MATCHES "^\\| `([^`]+)` \\|([^|]*)\\|")
      continue()
    endif()
    set(code ${CMAKE_MATCH_1})
    string(REPLACE "`" "" allowed "${CMAKE_MATCH_2}")
    string(REPLACE "," ";" allowed "${allowed}")
    set(modules "")
    foreach(module IN LISTS allowed)
      string(STRIP "${module}" module)
      if(module)
        list(APPEND modules ${module})
      endif()
    endforeach()
    # A module's row ("smtp/") names the module itself too.
    string(REGEX REPLACE "/$" "" own "${code}")
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/include/smtpsend/${own} AND NOT own MATCHES "/")
      list(APPEND modules ${own})
    endif()
    smtpsend_layer_root_name("${code}" name)
    set(root ${CMAKE_BINARY_DIR}/include-roots/${name})
    file(MAKE_DIRECTORY ${root}/smtpsend)
    # Links of an earlier configure that the table no longer allows go; file(REMOVE) removes a
    # link, never what it points to.
    file(GLOB old_links LIST_DIRECTORIES true ${root}/smtpsend/*)
    if(old_links)
      file(REMOVE ${old_links})
    endif()
    foreach(module IN LISTS modules)
      if(NOT IS_DIRECTORY ${PROJECT_SOURCE_DIR}/include/smtpsend/${module})
        message(FATAL_ERROR "${SMTPSEND_LAYER_TABLE}: row ${code} names '${module}', which has "
                            "no include/smtpsend/${module}/")
      endif()
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/smtpsend/${module} ${root}/smtpsend/${module}
           SYMBOLIC)
    endforeach()
    list(APPEND codes "${code}")
  endforeach()
  if(NOT codes)
    message(FATAL_ERROR "${SMTPSEND_LAYER_TABLE}: no layer table rows found")
  endif()
  set(SMTPSEND_LAYER_CODES "${codes}" CACHE INTERNAL "rows of the layer table")
endfunction()

# The target compiles against the include root of the table's row `code` only.
function(smtpsend_use_include_root target code)
  if(NOT "${code}" IN_LIST SMTPSEND_LAYER_CODES)
    message(FATAL_ERROR "${target}: no row '${code}' in the layer table of ${SMTPSEND_LAYER_TABLE}")
  endif()
  smtpsend_layer_root_name("${code}" name)
  target_include_directories(${target} PRIVATE ${CMAKE_BINARY_DIR}/include-roots/${name})
endfunction()

smtpsend_make_include_roots()
