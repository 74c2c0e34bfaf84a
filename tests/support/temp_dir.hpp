// SPDX-License-Identifier: MIT
// A directory under $TMPDIR that is removed with everything in it when the object goes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace test_support {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "gpio-blinkd-test");
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Write `text` to `file`, creating parent directories.
void write_file(const std::filesystem::path& file, std::string_view text);

// The whole content of `file`; throws std::runtime_error naming it when unreadable.
[[nodiscard]] std::string read_file(const std::filesystem::path& file);

}  // namespace test_support
