// The cookiejar command with many processes at once, hostile files and odd
// arguments: nothing acknowledged is lost, nothing is written by commands
// that change nothing, files that are not jars are never touched, and every
// outcome has its own message and exit code (issue "nothing lost, nothing
// bypassed").

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/subprocess.h"

namespace cookiejar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliReliabilityTest : public ::testing::Test {
 protected:
  CliReliabilityTest() {
    binary_ = std::string(std::getenv("TEST_SRCDIR")) + "/cookiejar/cli/cookiejar";
    static int counter = 0;
    dir_ = absl::StrCat(std::getenv("TEST_TMPDIR"), "/case", ++counter);
    mkdir(dir_.c_str(), 0700);
  }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    return testing::RunCommand(args);
  }

  static std::string Read(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }

  static bool Exists(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
  }

  static struct stat Stat(const std::string& path) {
    struct stat st = {};
    stat(path.c_str(), &st);
    return st;
  }

  // Runs `count` processes at once, each storing its own cookie kN=v.
  std::vector<testing::CommandResult> ParallelSets(const std::string& jar, int count) {
    std::vector<testing::CommandResult> results(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        results[i] = Run({"--jar", jar, "--wait", "60", "set", "https://a.example/",
                          absl::StrCat("k", i, "=v; Max-Age=3600")});
      });
    }
    for (std::thread& t : threads) t.join();
    return results;
  }

  std::string binary_, dir_;
};

TEST_F(CliReliabilityTest, ParallelWritersLoseNothing) {
  for (const char* name : {"/shared.txt", "/shared.db"}) {
    const std::string jar = dir_ + name;
    const int kWriters = 12;
    std::vector<testing::CommandResult> results = ParallelSets(jar, kWriters);
    std::vector<std::string> acknowledged;
    for (int i = 0; i < kWriters; ++i) {
      EXPECT_EQ(results[i].exit_code, 0) << name << " " << results[i].error;
      if (results[i].exit_code == 0) acknowledged.push_back(absl::StrCat("k", i, "=v"));
    }
    const std::string header = Run({"--jar", jar, "get", "https://a.example/"}).output;
    for (const std::string& cookie : acknowledged) {
      EXPECT_THAT(header, HasSubstr(cookie)) << name;
    }
  }
}

TEST_F(CliReliabilityTest, ReadOnlyCommandsWriteNothing) {
  // 4,200 cookies: more than the chromium profile keeps (180 a site).
  const std::string jar = dir_ + "/big.txt";
  {
    std::ofstream file(jar);
    file << "# Netscape HTTP Cookie File\n";
    for (int i = 0; i < 4200; ++i) {
      file << "site" << i % 20 << ".example\tFALSE\t/\tFALSE\t0\tc" << i << "\tv\n";
    }
  }
  const std::string db = dir_ + "/big.db";
  ASSERT_EQ(Run({"--jar", db, "--rules", "unlimited", "import", jar}).exit_code, 0);
  for (const std::string& file : {jar, db}) {
    const std::string before = Read(file);
    const struct stat stat_before = Stat(file);
    testing::CommandResult get = Run({"--jar", file, "get", "https://site1.example/"});
    EXPECT_EQ(get.exit_code, 0);
    EXPECT_THAT(get.error, HasSubstr("evicted on loading (the file is unchanged)"));
    EXPECT_EQ(Run({"--jar", file, "list"}).exit_code, 0);
    EXPECT_EQ(Run({"--jar", file, "explain", "https://site1.example/"}).exit_code, 0);
    EXPECT_EQ(Run({"--jar", file, "export", dir_ + "/out.txt"}).exit_code, 0);
    // A write command that changes nothing writes nothing either.
    EXPECT_EQ(Run({"--jar", file, "set", "https://site1.example/", "bad; Domain=com"}).exit_code,
              1);
    EXPECT_TRUE(Read(file) == before) << file;
    const struct stat stat_after = Stat(file);
    EXPECT_EQ(stat_after.st_ino, stat_before.st_ino) << file;
    EXPECT_EQ(stat_after.st_mtim.tv_nsec, stat_before.st_mtim.tv_nsec) << file;
    EXPECT_FALSE(Exists(file + "-wal")) << file;
  }
  // And a missing jar is not created by reading it.
  EXPECT_EQ(Run({"--jar", dir_ + "/none.txt", "get", "https://a.example/"}).exit_code, 0);
  EXPECT_EQ(Run({"--jar", dir_ + "/none.db", "list"}).exit_code, 0);
  EXPECT_FALSE(Exists(dir_ + "/none.txt"));
  EXPECT_FALSE(Exists(dir_ + "/none.db"));
}

TEST_F(CliReliabilityTest, AFileThatIsNotAJarIsNeverOverwritten) {
  const std::string notes = dir_ + "/notes.txt";
  std::ofstream(notes) << "buy milk\ncall Bob\n";
  const std::string passwd = dir_ + "/passwd";
  std::ofstream(passwd) << "root:x:0:0:root:/root:/bin/bash\n";
  for (const std::string& file : {notes, passwd}) {
    for (std::vector<std::string> command :
         {std::vector<std::string>{"get", "https://a.example/"},
          std::vector<std::string>{"list"},
          std::vector<std::string>{"set", "https://a.example/", "a=1"},
          std::vector<std::string>{"clear"}}) {
      command.insert(command.begin(), {"--jar", file});
      testing::CommandResult result = Run(command);
      EXPECT_EQ(result.exit_code, 4) << file << " " << command[2];
      EXPECT_THAT(result.error, HasSubstr("not a")) << file;
    }
    EXPECT_FALSE(Exists(file + ".lock"));
    EXPECT_FALSE(Exists(file + "-wal"));
  }
  EXPECT_EQ(Read(notes), "buy milk\ncall Bob\n");
  EXPECT_EQ(Read(passwd), "root:x:0:0:root:/root:/bin/bash\n");
  // Nor a directory.
  const std::string dir = dir_ + "/some_dir.txt";
  mkdir(dir.c_str(), 0700);
  testing::CommandResult list = Run({"--jar", dir, "list"});
  EXPECT_EQ(list.exit_code, 4);
  EXPECT_THAT(list.output, Not(HasSubstr("empty")));
}

TEST_F(CliReliabilityTest, ALockFileLinkCannotTruncateItsTarget) {
  const std::string victim = dir_ + "/victim.conf";
  std::ofstream(victim) << "important=1\n";
  const std::string jar = dir_ + "/jar.db";
  ASSERT_EQ(symlink(victim.c_str(), (jar + ".lock").c_str()), 0);
  EXPECT_EQ(Run({"--jar", jar, "set", "https://a.example/", "a=1"}).exit_code, 0);
  EXPECT_EQ(Run({"--jar", jar, "list"}).exit_code, 0);
  EXPECT_EQ(Read(victim), "important=1\n");
  // A link as the jar itself is refused, for either format.
  for (const char* name : {"/link.db", "/link.txt"}) {
    ASSERT_EQ(symlink(victim.c_str(), (dir_ + name).c_str()), 0);
    testing::CommandResult set = Run({"--jar", dir_ + name, "set", "https://a.example/", "a=1"});
    EXPECT_EQ(set.exit_code, 4) << name;
    EXPECT_THAT(set.error, HasSubstr("symbolic link")) << name;
  }
  EXPECT_EQ(Read(victim), "important=1\n");
}

TEST_F(CliReliabilityTest, JarFilesAreReadableByTheirOwnerOnly) {
  for (const char* name : {"/private.db", "/private.txt"}) {
    ASSERT_EQ(Run({"--jar", dir_ + name, "set", "https://a.example/", "sid=1; Max-Age=60"}).exit_code,
              0);
    EXPECT_EQ(Stat(dir_ + name).st_mode & 0777, 0600u) << name;
  }
}

TEST_F(CliReliabilityTest, WhatACookiesTxtCannotHoldIsRefusedNotLost) {
  const std::string jar = dir_ + "/jar.txt";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "keep=1"}).exit_code, 0);
  const std::string before = Read(jar);
  for (const char* line : {"s=1; SameSite=Strict", "p=1; Secure; Partitioned",
                           "h=1; Priority=High", "t=x\ty"}) {
    testing::CommandResult set = Run({"--jar", jar, "set", "https://a.example/", line});
    EXPECT_EQ(set.exit_code, 1) << line;
    EXPECT_THAT(set.output, HasSubstr("refused")) << line;
    EXPECT_THAT(set.output, Not(HasSubstr("stored"))) << line;
  }
  EXPECT_EQ(Read(jar), before);
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "keep=1\n");
}

TEST_F(CliReliabilityTest, FarFutureExpiryOutlivesTheSession) {
  const std::string jar = dir_ + "/far.txt";
  std::ofstream(jar) << "a.example\tFALSE\t/\tFALSE\t100000000000000000\tfar\t1\n"
                        "a.example\tFALSE\t/\tFALSE\t9223372036854775807\tmax\t1\n";
  EXPECT_EQ(Run({"--jar", jar, "end-session"}).output, "removed 0 cookies\n");
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "far=1; max=1\n");
}

TEST_F(CliReliabilityTest, ABusyJarHasItsOwnExitCodeAndNamesItsHolder) {
  const std::string jar = dir_ + "/busy.txt";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "a=1"}).exit_code, 0);
  const int fd = open(jar.c_str(), O_RDWR);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  testing::CommandResult set =
      Run({"--jar", jar, "--wait", "0.2", "set", "https://a.example/", "b=1"});
  EXPECT_EQ(set.exit_code, 3);
  EXPECT_THAT(set.error, HasSubstr(absl::StrCat("in use by another process (pid ", getpid(), ")")));
  // Readers are not held up by a writer of a cookies.txt.
  EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "a=1\n");
  close(fd);
  EXPECT_EQ(Run({"--jar", jar, "--wait", "0", "set", "https://a.example/", "b=1"}).exit_code, 0);
}

TEST_F(CliReliabilityTest, ExportToTheJarItselfIsRefused) {
  for (const char* name : {"/self.db", "/self.txt"}) {
    const std::string jar = dir_ + name;
    ASSERT_EQ(Run({"--jar", jar, "set", "https://a.example/", "a=1"}).exit_code, 0);
    testing::CommandResult exported = Run({"--jar", jar, "export", jar});
    EXPECT_EQ(exported.exit_code, 2) << name;
    EXPECT_THAT(exported.error, HasSubstr("the jar itself")) << name;
    EXPECT_THAT(exported.error, Not(HasSubstr("pid"))) << name;
    EXPECT_EQ(Run({"--jar", jar, "get", "https://a.example/"}).output, "a=1\n");
  }
}

TEST_F(CliReliabilityTest, HugeBadInputIsNotEchoedWhole) {
  const std::string huge(100000, 'x');  // Near the kernel's limit for one argument.
  testing::CommandResult set = Run({"set", "https://a.example/", "a=" + huge});
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_LT(set.output.size() + set.error.size(), 2000u);
  EXPECT_THAT(set.output, HasSubstr("name_value_too_long"));
  testing::CommandResult get = Run({"get", "https://" + huge});
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_LT(get.output.size() + get.error.size(), 2000u);
}

TEST_F(CliReliabilityTest, ListShowsNoControlBytesAndAsciiHosts) {
  const std::string jar = dir_ + "/show.db";
  ASSERT_EQ(Run({"--jar", jar, "set", "https://xn--80ak6aa92e.com/", "a=\xff\xfe\x1b"}).exit_code,
            1);  // The ESC is refused with the line.
  ASSERT_EQ(Run({"--jar", jar, "set", "https://xn--80ak6aa92e.com/", "a=\xff\xfe"}).exit_code, 0);
  testing::CommandResult list = Run({"--jar", jar, "list"});
  EXPECT_THAT(list.output, HasSubstr("xn--80ak6aa92e.com"));
  EXPECT_THAT(list.output, HasSubstr("\\xFF\\xFE"));
  EXPECT_THAT(list.output, Not(HasSubstr("\xff")));
}

TEST_F(CliReliabilityTest, ArgumentsAreStrict) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {{"clear", "extra"}, "clear takes 0 arguments, not 1 (extra: \"extra\")"},
           {{"list", "--foo", "bar"}, "unknown option --foo for list"},
           {{"get", "https://a.example/", "--bogus"}, "unknown option --bogus for get"},
           {{"help", "bogus"}, "no help for unknown command \"bogus\""},
           {{"--wait", "soon", "list"}, "--wait needs a number"},
           {{"--jar", "a.db", "--jar", "b.db", "list"}, "--jar given twice"},
           {{"--jar", "x.db", "psl", "a.com"}, "psl does not use a jar"},
       }) {
    std::vector<std::string> args = c.args;
    testing::CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << absl::StrJoin(args, " ");
    EXPECT_THAT(result.error, HasSubstr(c.message)) << absl::StrJoin(args, " ");
  }
  // `--` lets a value start with '-'.
  testing::CommandResult set = Run({"set", "https://a.example/", "--", "-a=1"});
  EXPECT_EQ(set.exit_code, 0);
  EXPECT_THAT(Run({"help"}).output, HasSubstr("exit codes:"));
}

TEST_F(CliReliabilityTest, ImportNeedsAJar) {
  const std::string txt = dir_ + "/in.txt";
  std::ofstream(txt) << "a.example\tFALSE\t/\tFALSE\t0\ta\t1\n";
  testing::CommandResult imported = Run({"import", txt});
  EXPECT_EQ(imported.exit_code, 2);
  EXPECT_THAT(imported.error, HasSubstr("import needs --jar FILE"));
}

}  // namespace
}  // namespace cookiejar
