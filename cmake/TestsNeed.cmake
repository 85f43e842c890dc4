# What the test suite (cmake/tests) needs beyond the library: every optional
# part of the build, GoogleTest, cpp-httplib, the Python module and the
# Python packages its tests import, and the programs the tests start
# (redis-server and redis-cli, curl). tools/setup.sh installs all of them.
#
#   cookiejar_tests_missing(OUT)   # OUT = what is missing, with its Debian package

function(cookiejar_tests_missing out)
  set(missing)
  foreach(part COOKIEJAR_BUILD_CLI COOKIEJAR_WITH_SQLITE COOKIEJAR_WITH_REDIS
               COOKIEJAR_WITH_CURL COOKIEJAR_WITH_FORMATS COOKIEJAR_PYTHON)
    if(NOT ${part})
      if(part STREQUAL "COOKIEJAR_PYTHON")
        list(APPEND missing "the Python module (${COOKIEJAR_PYTHON_WHY})")
      else()
        list(APPEND missing "${part}=ON")
      endif()
    endif()
  endforeach()

  find_package(GTest QUIET)
  if(NOT TARGET GTest::gmock)
    list(APPEND missing "GoogleTest and GoogleMock (libgtest-dev, libgmock-dev)")
  endif()
  find_package(PkgConfig QUIET)
  pkg_check_modules(COOKIEJAR_TESTS_HTTPLIB QUIET cpp-httplib)
  if(NOT COOKIEJAR_TESTS_HTTPLIB_FOUND)
    list(APPEND missing "cpp-httplib (libcpp-httplib-dev)")
  endif()
  foreach(program redis-server redis-cli curl)
    string(MAKE_C_IDENTIFIER "COOKIEJAR_TESTS_${program}" var)
    find_program(${var} ${program})
    if(NOT ${var})
      if(program STREQUAL "curl")
        list(APPEND missing "the curl command (curl)")
      else()
        list(APPEND missing "${program} (redis-server, redis-tools)")
      endif()
    endif()
  endforeach()
  if(COOKIEJAR_PYTHON)
    execute_process(
      COMMAND ${Python_EXECUTABLE} -c "
import importlib.util
wanted = {'pytest': 'python3-pytest', 'requests': 'python3-requests',
          'httpx': 'python3-httpx', 'django': 'python3-django'}
print(';'.join('%s (%s)' % (m, p) for m, p in wanted.items() if importlib.util.find_spec(m) is None))"
      OUTPUT_VARIABLE python_missing OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
      list(APPEND missing "a working ${Python_EXECUTABLE}")
    elseif(python_missing)
      foreach(module IN LISTS python_missing)
        list(APPEND missing "the Python module ${module}")
      endforeach()
    endif()
  endif()
  set(${out} ${missing} PARENT_SCOPE)
endfunction()
