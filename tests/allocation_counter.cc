#include "tests/allocation_counter.h"

#include <cstdlib>
#include <new>

namespace cookiejar {
namespace testing {
thread_local size_t allocations = 0;

size_t ThreadAllocationCount() { return allocations; }

}  // namespace testing
}  // namespace cookiejar

void* operator new(std::size_t size) {
  ++cookiejar::testing::allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
