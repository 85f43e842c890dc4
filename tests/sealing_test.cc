// The sealing module (persistence/internal/sealing.h): what it seals opens
// only with the same key and associated data, a key ring rotates, hostile
// texts are refused with a reason, and names hash under the name key only.

#include "persistence/internal/sealing.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace cookiejar {
namespace {

using persistence_internal::Sealer;

std::string Secret(char fill) { return std::string(32, fill); }

std::unique_ptr<Sealer> Make(std::vector<StoreKey> keys, std::string name_key = Secret('n')) {
  StoreKeyRing ring;
  ring.keys = std::move(keys);
  ring.name_key = std::move(name_key);
  auto sealer = Sealer::Create(ring, /*need_name_key=*/true);
  EXPECT_TRUE(sealer.ok()) << sealer.status();
  return sealer.ok() ? std::move(*sealer) : nullptr;
}

TEST(SealingTest, OpensWithTheSameKeyAndAssociatedDataOnly) {
  auto sealer = Make({{"k1", Secret('a')}});
  const std::string plaintext = "sid\nsecret-session-token\nbank.example";
  const std::string sealed = sealer->Seal(plaintext, "profile\ncookie-key");
  EXPECT_FALSE(absl::StrContains(sealed, "secret-session-token"));
  EXPECT_FALSE(absl::StrContains(sealed, "bank.example"));
  EXPECT_EQ(Sealer::KeyIdOf(sealed), "k1");
  absl::StatusOr<std::string> opened = sealer->Open(sealed, "profile\ncookie-key");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
  // Moved to another cookie or another profile: it does not open.
  EXPECT_TRUE(absl::IsDataLoss(sealer->Open(sealed, "profile\nother-key").status()));
  EXPECT_TRUE(absl::IsDataLoss(sealer->Open(sealed, "other\ncookie-key").status()));
  // Same id, another secret (a wrong key given to one worker).
  auto impostor = Make({{"k1", Secret('b')}});
  absl::Status wrong = impostor->Open(sealed, "profile\ncookie-key").status();
  EXPECT_TRUE(absl::IsDataLoss(wrong));
  EXPECT_TRUE(absl::StrContains(wrong.message(), "\"k1\""));
  // An empty plaintext seals too.
  EXPECT_EQ(*sealer->Open(sealer->Seal("", "ad"), "ad"), "");
}

TEST(SealingTest, EverySealHasItsOwnNonce) {
  auto sealer = Make({{"k1", Secret('a')}});
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(sealer->Seal("same", "ad"));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SealingTest, EveryAlteredByteIsRefused) {
  auto sealer = Make({{"k1", Secret('a')}});
  const std::string sealed = sealer->Seal("name\nvalue", "ad");
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(sealer->Open(altered, "ad").ok()) << "byte " << i;
  }
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(sealer->Open(sealed.substr(0, n), "ad").ok()) << "first " << n << " bytes";
  }
  EXPECT_FALSE(sealer->Open(sealed + "x", "ad").ok());
  EXPECT_FALSE(sealer->Open("name\nvalue", "ad").ok());  // A record in clear.
}

TEST(SealingTest, RotationSealsWithTheFirstKeyAndOpensWithAny) {
  auto old_ring = Make({{"2026-06", Secret('a')}});
  auto both = Make({{"2026-12", Secret('c')}, {"2026-06", Secret('a')}});
  auto new_only = Make({{"2026-12", Secret('c')}});
  const std::string before = old_ring->Seal("v-old", "ad");
  const std::string after = both->Seal("v-new", "ad");
  EXPECT_EQ(Sealer::KeyIdOf(after), "2026-12");
  EXPECT_EQ(*both->Open(before, "ad"), "v-old");
  EXPECT_EQ(*new_only->Open(after, "ad"), "v-new");
  // The old key retired: its records are reported with the key they need.
  absl::Status lacking = new_only->Open(before, "ad").status();
  EXPECT_TRUE(absl::IsDataLoss(lacking));
  EXPECT_TRUE(absl::StrContains(lacking.message(), "\"2026-06\", which the key ring lacks"))
      << lacking;
  EXPECT_EQ(both->key_ids(), (std::vector<std::string>{"2026-12", "2026-06"}));
  EXPECT_EQ(both->current_id(), "2026-12");
}

TEST(SealingTest, BadRingsAreRefusedWithoutTheirSecrets) {
  const std::string leaked = "0123456789abcdef0123456789abcdeX";  // 32 bytes
  StoreKeyRing ring;
  EXPECT_TRUE(absl::IsInvalidArgument(Sealer::Create(ring, false).status()));  // No key.
  ring.keys = {{"k", "short"}};
  absl::Status status = Sealer::Create(ring, false).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_FALSE(absl::StrContains(status.message(), "short"));
  ring.keys = {{"k", leaked}, {"k", leaked}};
  status = Sealer::Create(ring, false).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_FALSE(absl::StrContains(status.message(), leaked));
  for (const std::string& id : {std::string(), std::string(33, 'a'), std::string("a b"),
                                std::string("a\nb"), std::string("\x01")}) {
    ring.keys = {{id, leaked}};
    EXPECT_TRUE(absl::IsInvalidArgument(Sealer::Create(ring, false).status())) << id;
  }
  ring.keys = {{"k", leaked}};
  EXPECT_TRUE(Sealer::Create(ring, false).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(Sealer::Create(ring, true).status()));  // No name key.
  ring.name_key = "too short";
  EXPECT_TRUE(absl::IsInvalidArgument(Sealer::Create(ring, false).status()));
}

TEST(SealingTest, NamesHashUnderTheNameKeyOnly) {
  auto a = Make({{"k1", Secret('a')}}, Secret('n'));
  auto rotated = Make({{"k2", Secret('b')}, {"k1", Secret('a')}}, Secret('n'));
  auto other = Make({{"k1", Secret('a')}}, Secret('m'));
  const std::string name = "sid\nbank.example\n1\n/\n";
  EXPECT_EQ(a->HashName(name).size(), 22u);
  EXPECT_FALSE(absl::StrContains(a->HashName(name), "bank"));
  // Stable across key rotation (a cookie keeps its field), different under
  // another name key, different for another cookie.
  EXPECT_EQ(a->HashName(name), rotated->HashName(name));
  EXPECT_NE(a->HashName(name), other->HashName(name));
  EXPECT_NE(a->HashName(name), a->HashName("sid\nbank.example\n0\n/\n"));
  EXPECT_EQ(a->NameKeyCheck(), rotated->NameKeyCheck());
  EXPECT_NE(a->NameKeyCheck(), other->NameKeyCheck());
  EXPECT_EQ(a->KeyCheck("k1"), rotated->KeyCheck("k1"));
  EXPECT_NE(a->KeyCheck("k1"), Make({{"k1", Secret('z')}})->KeyCheck("k1"));
  EXPECT_EQ(a->KeyCheck("absent"), "");
}

}  // namespace
}  // namespace cookiejar
