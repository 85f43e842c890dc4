#include "jar/internal/short_bytes.h"

#include <string>

#include "gtest/gtest.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// Every length through the word-at-a-time sizes into memcmp's, and a
// difference at every position: each byte is compared.
TEST(ShortBytesTest, SameBytesSeesEveryByte) {
  for (size_t n = 0; n <= 80; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    const std::string b = a;
    EXPECT_TRUE(SameBytes(a, b)) << n;
    EXPECT_TRUE(SameBytes(a.data(), b.data(), n)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      EXPECT_FALSE(SameBytes(a, c)) << n << " " << i;
      c[i] = static_cast<char>(a[i] ^ 0x80);
      EXPECT_FALSE(SameBytes(a, c)) << n << " " << i;
    }
    EXPECT_FALSE(SameBytes(a, a + "x")) << n;
  }
}

TEST(ShortBytesTest, SameBytesComparesOnlyTheViews) {
  const std::string text = "www.example.com/www.example.org";
  const std::string_view com = std::string_view(text).substr(0, 15);
  const std::string_view org = std::string_view(text).substr(16, 15);
  EXPECT_FALSE(SameBytes(com, org));
  EXPECT_TRUE(SameBytes(com.substr(0, 12), org.substr(0, 12)));
}

TEST(ShortBytesTest, ShortHashDependsOnTheBytesAndTheLength) {
  for (size_t n = 0; n <= 40; ++n) {
    const std::string a(n, 'a');
    EXPECT_EQ(ShortHash(a), ShortHash(std::string(a))) << n;
    EXPECT_NE(ShortHash(a), ShortHash(a + "a")) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = 'b';
      EXPECT_NE(ShortHash(a), ShortHash(b)) << n << " " << i;
    }
  }
  // Hosts that differ only inside their middle word land apart.
  EXPECT_NE(ShortHash("www.site1.example.com") % 1024, ShortHash("www.site2.example.com") % 1024);
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
