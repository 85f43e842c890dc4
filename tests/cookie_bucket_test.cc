// A site's bucket (jar/internal/cookie_bucket.h) against a plain model of
// its cookies: Find reads only the records whose tag (RecordTag, a byte of
// name and path length kept beside each pointer) matches, so a tag that
// falls out of step with its record, after any add, overwrite (in place, by
// a new record, moved by a new creation time), removal, compaction or the
// split into path groups, shows as a cookie Find no longer sees. Names
// whose tags collide must still be told apart.

#include "jar/internal/cookie_bucket.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "jar/internal/cookie_draft.h"
#include "jar/internal/record_arena.h"
#include "jar/internal/tagged_record_array.h"

namespace cookiejar {
namespace jar_internal {
namespace {

struct Key {
  std::string name;
  std::string path;
  bool host_only;
  bool operator<(const Key& other) const {
    return std::tie(name, path, host_only) < std::tie(other.name, other.path, other.host_only);
  }
};

struct Stored {
  std::string value;
  int64_t creation;
};

constexpr char kDomain[] = "example.com";
const char* const kPaths[] = {"/", "/ab", "/a", "/abcd"};

// Names whose tags equal that of `name` under the path length `path_size`.
std::vector<std::string> CollidingNames(const std::string& name, size_t path_size, size_t count) {
  std::vector<std::string> found;
  for (int i = 0; found.size() < count; ++i) {
    const std::string candidate = "c" + std::to_string(i);
    if (RecordTag(candidate, path_size) == RecordTag(name, path_size)) found.push_back(candidate);
  }
  return found;
}

class BucketModel {
 public:
  // Keys are made of `names`, the first `paths` of kPaths, and both host-only
  // flags.
  BucketModel(std::vector<std::string> names, size_t paths, uint32_t seed)
      : names_(std::move(names)), paths_(paths), random_(seed) {}
  ~BucketModel() {
    // Free every record through the bucket, so that the arena sees each.
    for (CookieRecord* record : bucket_.Live()) bucket_.Remove(&arena_, record);
  }

  // One random add, overwrite or removal, as JarCore::Store would do it.
  void Step() {
    Key key{names_[random_() % names_.size()], kPaths[random_() % paths_], random_() % 4 != 0};
    const std::string value(random_() % 90, static_cast<char>('a' + random_() % 26));
    CookieDraft draft;
    draft.name = key.name;
    draft.value = value;
    draft.domain = kDomain;
    draft.path = key.path;
    draft.host_only = key.host_only;
    draft.secure = random_() % 3 == 0;
    CookieRecord* same = bucket_.Find(key.name, kDomain, key.host_only, key.path);
    auto it = model_.find(key);
    ASSERT_EQ(same != nullptr, it != model_.end()) << key.name << " " << key.path;
    if (same == nullptr) {
      const int64_t creation = ++latest_;
      bucket_.Add(&arena_, draft, creation, creation, false);
      model_[key] = {value, creation};
    } else if (random_() % 4 == 0) {
      bucket_.Remove(&arena_, same);
      model_.erase(it);
    } else {
      // A kept creation time, a new one (the latest), or an import's older
      // one (earlier than any other, so times stay distinct).
      const int choice = random_() % 3;
      const int64_t creation =
          choice == 0 ? same->creation_us() : choice == 1 ? ++latest_ : --earliest_;
      bucket_.Overwrite(&arena_, same, draft, creation, creation, false, choice == 1);
      it->second = {value, creation};
    }
  }

  // Find sees every stored cookie and no other; the bucket holds them in
  // header order.
  void Check() {
    ASSERT_EQ(bucket_.size(), model_.size());
    for (const auto& [key, stored] : model_) {
      const CookieRecord* record = bucket_.Find(key.name, kDomain, key.host_only, key.path);
      ASSERT_NE(record, nullptr) << key.name << " " << key.path << " " << key.host_only;
      EXPECT_EQ(record->name(), key.name);
      EXPECT_EQ(record->path(), key.path);
      EXPECT_EQ(record->host_only(), key.host_only);
      EXPECT_EQ(record->value(), stored.value);
      EXPECT_EQ(record->creation_us(), stored.creation);
    }
    // Keys that differ from a stored one in the name only, or in the path.
    for (const auto& [key, stored] : model_) {
      for (const std::string& name : names_) {
        if (model_.count({name, key.path, key.host_only}) == 0) {
          EXPECT_EQ(bucket_.Find(name, kDomain, key.host_only, key.path), nullptr) << name;
        }
      }
      if (model_.count({key.name, "/abc", key.host_only}) == 0) {
        EXPECT_EQ(bucket_.Find(key.name, kDomain, key.host_only, "/abc"), nullptr);
      }
      break;  // One stored key is enough: the others' names are the same set.
    }
    std::vector<std::pair<size_t, int64_t>> expected, order;
    for (const auto& [key, stored] : model_) expected.push_back({key.path.size(), stored.creation});
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    bucket_.ForEach([&](const CookieRecord& record) {
      order.push_back({record.path_size(), record.creation_us()});
    });
    EXPECT_EQ(order, expected);
  }

  size_t size() const { return model_.size(); }

 private:
  std::vector<std::string> names_;
  size_t paths_;
  std::mt19937 random_;
  RecordArena arena_;  // Outlives the bucket.
  Bucket bucket_;
  std::map<Key, Stored> model_;
  int64_t latest_ = 0;
  int64_t earliest_ = 0;
};

TEST(RecordTagTest, DependsOnNameAndPathLength) {
  // Not a promise of the hash, only that the test's collisions are real
  // and that the two inputs both count.
  const std::vector<std::string> colliding = CollidingNames("session", 1, 3);
  for (const std::string& name : colliding) {
    EXPECT_NE(name, "session");
    EXPECT_EQ(RecordTag(name, 1), RecordTag("session", 1));
  }
  int differ = 0;
  for (size_t path_size = 2; path_size < 20; ++path_size) {
    differ += RecordTag("session", path_size) != RecordTag("session", 1);
  }
  EXPECT_GT(differ, 10);
}

// A site of a browser's size (at most 8 names x 2 paths x 2 host-only flags,
// so never past the 32 cookies above which a bucket keeps a name index and
// Find no longer reads the tags), with names whose tags collide under the
// usual path "/".
TEST(CookieBucketTest, FindSeesEveryCookieOfASmallSite) {
  std::vector<std::string> names = {"session", "", "id", "theme", "a_long_cookie_name_x"};
  for (const std::string& name : CollidingNames("session", 1, 3)) names.push_back(name);
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    BucketModel model(names, 2, seed);
    for (int i = 0; i < 400; ++i) {
      ASSERT_NO_FATAL_FAILURE(model.Step());
      ASSERT_NO_FATAL_FAILURE(model.Check());
    }
  }
}

// Past the name index (32 cookies) and past the split into path groups
// (256), and back down through removals and compactions.
TEST(CookieBucketTest, FindSeesEveryCookieOfALargeSite) {
  std::vector<std::string> names;
  for (int i = 0; i < 90; ++i) names.push_back("name" + std::to_string(i));
  for (const std::string& name : CollidingNames("name0", 1, 4)) names.push_back(name);
  BucketModel model(names, 4, 7);
  size_t largest = 0;
  for (int i = 0; i < 6000; ++i) {
    ASSERT_NO_FATAL_FAILURE(model.Step());
    largest = std::max(largest, model.size());
    if (i % 25 == 0) {
      ASSERT_NO_FATAL_FAILURE(model.Check());
    }
  }
  ASSERT_NO_FATAL_FAILURE(model.Check());
  EXPECT_GT(largest, 256u);
}

}  // namespace
}  // namespace jar_internal
}  // namespace cookiejar
