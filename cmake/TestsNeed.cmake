# What the test suite (cmake/tests) needs beyond the library: every optional
# part of the build, GoogleTest, cpp-httplib, the Python module and the
# Python packages its tests import, and the programs the tests start
# (redis-server and redis-cli, curl, tinyproxy, a D-Bus session bus and
# gnome-keyring). tools/setup.sh installs all of them.
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
  # Each program, and the Debian packages that bring it.
  set(programs
      "redis-server:redis-server, redis-tools" "redis-cli:redis-server, redis-tools"
      "curl:curl" "tinyproxy:tinyproxy-bin"
      # tests/chromium_keyring_test.sh: a real keyring in private D-Bus sessions.
      "dbus-run-session:dbus-daemon" "dbus-send:dbus-bin"
      "gnome-keyring-daemon:gnome-keyring" "secret-tool:libsecret-tools")
  foreach(entry IN LISTS programs)
    string(REPLACE ":" ";" entry "${entry}")
    list(GET entry 0 program)
    list(GET entry 1 packages)
    string(MAKE_C_IDENTIFIER "COOKIEJAR_TESTS_${program}" var)
    find_program(${var} ${program})
    if(NOT ${var})
      list(APPEND missing "${program} (${packages})")
    endif()
  endforeach()
  if(NOT COOKIEJAR_WITH_KEYRING)
    list(APPEND missing "COOKIEJAR_WITH_KEYRING=ON")
  endif()
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
