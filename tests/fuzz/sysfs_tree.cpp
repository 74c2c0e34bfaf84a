// SPDX-License-Identifier: MIT
// The sysfs readers on a tree the input describes: discover_chips, discover_per_chip_abi,
// chardev_bases and read_unsigned_attribute. The input is text, one entry a line, paths
// relative to the tree's root:
//   f PATH CONTENT   a regular file ("\n" in CONTENT is a newline)
//   d PATH           a directory
//   p PATH           a FIFO (where sysfs has a file, nothing may block on it)
//   l PATH TARGET    a symbolic link to TARGET, also relative to the root
// Paths and targets with ".." or a leading "/" are ignored, so the tree never reaches
// the real filesystem (opening a real device, a watchdog say, is not harmless).
// Properties: only hal::Error escapes (the logger escapes what it names); numbers are within the
// kernel's range and are what the files hold; chips come sorted with distinct names.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "hal/hal.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/sysfs_chips.hpp"
#include "hal/text.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxEntries = 64;
// hal::Error names paths as they are; the logger escapes them.
constexpr auto kLogged = fuzz::Message::Logged;

// One directory per process for all inputs, removed when the fuzzer exits; each
// input's tree is removed after it.
class Scratch {
 public:
  Scratch() {
    // A tmpfs unless TMPDIR says otherwise: on a disk, creating and removing a tree per
    // input makes the target ten times slower.
    const char* tmp = std::getenv("TMPDIR");
    std::error_code ec;
    const std::string base = tmp != nullptr                     ? tmp
                             : fs::is_directory("/dev/shm", ec) ? "/dev/shm"
                                                                : "/tmp";
    std::string pattern = fmt::format("{}/blinkd-fuzz-sysfs-XXXXXX", base);
    if (::mkdtemp(pattern.data()) == nullptr) {
      fuzz::fail("a scratch directory can be made", pattern);
    }
    dir_ = pattern;
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&&) = delete;
  Scratch& operator=(Scratch&&) = delete;
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  [[nodiscard]] const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

std::optional<fs::path> inside(std::string_view text) {
  if (text.empty() || text.size() > 200 || text.front() == '/' ||
      text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  const fs::path path = fs::path(text).lexically_normal();
  for (const auto& part : path) {
    if (part == "..") {
      return std::nullopt;
    }
  }
  return path;
}

std::string decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The files the input made, by the path it gave, with what they hold.
using Files = std::map<fs::path, std::string>;

Files build(std::string_view text, const fs::path& root) {
  Files files;
  std::size_t entries = 0;
  while (!text.empty() && entries++ < kMaxEntries) {
    const auto newline = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(std::min(newline + 1, text.size()));
    if (line.size() < 3 || line[1] != ' ') {
      continue;
    }
    const std::string_view rest = line.substr(2);
    const auto space = rest.find(' ');
    const auto path = inside(rest.substr(0, space));
    const std::string_view argument =
        space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    if (!path) {
      continue;
    }
    const fs::path full = root / *path;
    std::error_code ec;
    fs::create_directories(full.parent_path(), ec);
    switch (line[0]) {
      case 'f': {
        const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
          const std::string content = decode(argument);
          const bool whole =
              ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
          ::close(fd);
          if (whole) {
            files[*path] = content;
          }
        }
        break;
      }
      case 'd':
        fs::create_directory(full, ec);
        break;
      case 'p':
        (void)::mkfifo(full.c_str(), 0644);
        break;
      case 'l':
        if (const auto target = inside(argument)) {
          fs::create_symlink(root / *target, full, ec);
        }
        break;
      default:
        break;
    }
  }
  return files;
}

// The number an attribute file holds, read independently: all of it, without the
// trailing newlines and spaces sysfs ends attributes with.
std::optional<unsigned> number_in(const std::string& content, unsigned max) {
  std::string text = content;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  const auto value = fuzz::digits_value(text, max);
  return value ? std::optional<unsigned>(static_cast<unsigned>(*value)) : std::nullopt;
}

std::string whole_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool chip_name(const std::string& name) {
  return name.size() > 8 && name.starts_with("gpiochip") &&
         name.find_first_not_of("0123456789", 8) == std::string::npos;
}

void check_distinct_names(const std::vector<hal::sysfs::SysfsChip>& chips, std::string_view what) {
  std::set<std::string> names;
  for (const auto& chip : chips) {
    if (!chip.info.name.empty()) {
      fuzz::check(chip_name(chip.info.name), "a chip's name is gpiochipN", chip.info.name);
      fuzz::check(names.insert(chip.info.name).second, "no two chips get one name",
                  fmt::format("{}: {}", what, chip.info.name));
    }
  }
}

void check_legacy(const fs::path& root) {
  std::vector<hal::sysfs::SysfsChip> chips;
  if (!fuzz::accepts<hal::Error>([&] { chips = hal::sysfs::discover_chips(root, root / "dev"); },
                                 kLogged)) {
    return;
  }
  for (std::size_t i = 0; i < chips.size(); ++i) {
    const auto& chip = chips[i];
    fuzz::check(chip.info.base.has_value(), "a legacy chip has a base", chip.sysfs_name);
    fuzz::check(i == 0 || *chips[i - 1].info.base <= *chip.info.base, "chips are sorted by base");
    fuzz::check(number_in(whole_file(chip.dir / "base"), hal::kMaxKernelNumber) == chip.info.base,
                "a chip's base is what its base file holds", chip.sysfs_name);
    fuzz::check(number_in(whole_file(chip.dir / "ngpio"), hal::kMaxChipLines) == chip.info.ngpio,
                "a chip's ngpio is what its ngpio file holds", chip.sysfs_name);
  }
  check_distinct_names(chips, "discover_chips");
}

void check_per_chip(const fs::path& root) {
  std::vector<hal::sysfs::SysfsChip> chips;
  if (!fuzz::accepts<hal::Error>([&] { chips = hal::sysfs::discover_per_chip_abi(root); },
                                 kLogged)) {
    return;
  }
  for (const auto& chip : chips) {
    fuzz::check(chip.info.ngpio <= hal::kMaxChipLines, "a chip's ngpio is in range");
    fuzz::check(!chip.info.base || *chip.info.base <= hal::kMaxKernelNumber,
                "a chip's base is in range");
  }
  check_distinct_names(chips, "discover_per_chip_abi");
}

void check_attributes(const fs::path& root, const Files& files) {
  for (const auto& entry : files) {
    const fs::path& path = entry.first;
    const std::string& content = entry.second;
    for (const unsigned max : {hal::kMaxKernelNumber, hal::kMaxChipLines}) {
      std::optional<unsigned> value;
      fuzz::accepts<hal::Error>(
          [&] { value = hal::sysfs::read_unsigned_attribute(root / path, max); }, kLogged);
      fuzz::check(value == number_in(content, max),
                  "an attribute reads as the number its file holds, or is refused",
                  fmt::format("{} holds '{}', read {}", path.string(), hal::printable(content, 300),
                              value ? fmt::format("{}", *value) : "nothing"));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  const fs::path root = scratch.dir() / "sys";
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directory(root, ec);
  const Files files = build(fuzz::as_text(data, size), root);

  check_legacy(root);
  check_per_chip(root);
  std::map<std::string, unsigned> bases;
  fuzz::accepts<hal::Error>([&] { bases = hal::sysfs::chardev_bases(root, root / "dev"); },
                            kLogged);
  for (const auto& [name, base] : bases) {
    fuzz::check(chip_name(name) && base <= hal::kMaxKernelNumber,
                "chardev_bases gives gpiochipN and bases in range", name);
  }
  check_attributes(root, files);
  fs::remove_all(root, ec);
  return 0;
}
