// ByteBlock's loads (jar/internal/byte_block.h): every byte of a block in
// its place and, past the end of a short one, zero bytes, whichever way the
// block was read.

#include "jar/internal/byte_block.h"

#include <cstdint>
#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// Checks that `block` holds `text` from its first byte and zeros after it.
void ExpectBlock(const ByteBlock& block, const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    EXPECT_EQ(block.InRange(text[i], text[i]), 1u << i) << "byte " << i << " of " << text;
  }
  EXPECT_EQ(block.EqualsAny<'\0'>(), 0xffffu & ~((1u << text.size()) - 1)) << text;
}

TEST(ByteBlockTest, LoadUpToPutsEachByteInPlace) {
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  for (size_t n = 0; n <= ByteBlock::kSize; ++n) {
    const std::string text = letters.substr(0, n);
    // Exactly n bytes on the heap: a read past them is one the address
    // sanitizer reports.
    std::unique_ptr<char[]> bytes(new char[n == 0 ? 1 : n]);
    for (size_t i = 0; i < n; ++i) bytes[i] = text[i];
    ExpectBlock(ByteBlock::LoadUpTo(bytes.get(), bytes.get() + n, bytes.get()), text);
    // With readable bytes before it, the block is read from before its start.
    const std::string padded = std::string(ByteBlock::kSize, '-') + text;
    const char* start = padded.data() + ByteBlock::kSize;
    ExpectBlock(ByteBlock::LoadUpTo(start, start + n, padded.data()), text);
  }
}

TEST(ByteBlockTest, LoadUpToKeepsRepeatedAndHighBytes) {
  for (size_t n = 1; n < ByteBlock::kSize; ++n) {
    std::unique_ptr<char[]> bytes(new char[n]);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>(0x80 + i);
    const ByteBlock block = ByteBlock::LoadUpTo(bytes.get(), bytes.get() + n, bytes.get());
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(block.EqualsAny<'\0'>() & (1u << i), 0u) << n;
    }
    std::unique_ptr<char[]> same(new char[n]);
    for (size_t i = 0; i < n; ++i) same[i] = 'x';
    EXPECT_EQ(ByteBlock::LoadUpTo(same.get(), same.get() + n, same.get()).InRange('x', 'x'),
              (1u << n) - 1)
        << n;
  }
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
