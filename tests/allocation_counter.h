// Counts heap allocations made by the current thread, for tests that assert a
// code path allocates nothing. Linking :allocation_counter replaces the global
// operator new of the test binary.

#ifndef COOKIEJAR_TESTS_ALLOCATION_COUNTER_H_
#define COOKIEJAR_TESTS_ALLOCATION_COUNTER_H_

#include <cstddef>

namespace cookiejar {
namespace testing {

// Allocations by this thread since the program started.
size_t ThreadAllocationCount();

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_ALLOCATION_COUNTER_H_
