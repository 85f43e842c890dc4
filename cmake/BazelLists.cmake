# Reads the source lists of sources.bzl, the one list of the library's files
# that the Bazel and CMake builds share.
#
#   cookiejar_bzl_list(JAR_SRCS jar OUT)   # OUT = jar/canonical_cookie.cc;...
#   cookiejar_bzl_string(VERSION OUT)      # OUT = 1.0.0

file(READ "${CMAKE_CURRENT_LIST_DIR}/../sources.bzl" _cookiejar_bzl)
# A changed list re-runs the configuration (file(READ) alone is not tracked).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${CMAKE_CURRENT_LIST_DIR}/../sources.bzl")

# The strings of list NAME, each prefixed with DIR/ (DIR may be "").
function(cookiejar_bzl_list name dir out)
  string(REGEX MATCH "\n${name} = \\[[^]]*\\]" _match "${_cookiejar_bzl}")
  if(NOT _match)
    message(FATAL_ERROR "sources.bzl has no list ${name}")
  endif()
  string(REGEX MATCHALL "\"[^\"]+\"" _quoted "${_match}")
  set(_files)
  foreach(_item IN LISTS _quoted)
    string(REPLACE "\"" "" _file "${_item}")
    if(dir)
      list(APPEND _files "${dir}/${_file}")
    else()
      list(APPEND _files "${_file}")
    endif()
  endforeach()
  set(${out} ${_files} PARENT_SCOPE)
endfunction()

# The value of string NAME.
function(cookiejar_bzl_string name out)
  string(REGEX MATCH "\n${name} = \"[^\"]*\"" _match "${_cookiejar_bzl}")
  if(NOT _match)
    message(FATAL_ERROR "sources.bzl has no string ${name}")
  endif()
  string(REGEX REPLACE ".*\"([^\"]*)\"" "\\1" _value "${_match}")
  set(${out} "${_value}" PARENT_SCOPE)
endfunction()
