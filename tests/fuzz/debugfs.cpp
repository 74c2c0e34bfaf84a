// SPDX-License-Identifier: MIT
// hal::sysfs::parse_debugfs_bases (/sys/kernel/debug/gpio): every chip header
// "gpiochipN: GPIOs B-..." gives N -> B (a later header for N wins), other lines are
// skipped, and a header with a number beyond INT_MAX is a hal::Error naming the file.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "hal/hal.hpp"
#include "hal/sysfs_chips.hpp"
#include "hal/text.hpp"

namespace {

constexpr std::string_view kFile = "/sys/kernel/debug/gpio";

// The number at the start of `text`, consumed; empty when there are no digits; over
// means beyond the kernel's range.
struct Number {
  bool present = false;
  bool over = false;
  std::uint64_t value = 0;
};

Number take_number(std::string_view& text) {
  Number number;
  while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    number.present = true;
    number.value = number.value * 10 + static_cast<std::uint64_t>(text.front() - '0');
    if (number.value > hal::kMaxKernelNumber) {
      number.over = true;
      number.value = hal::kMaxKernelNumber + 1ULL;
    }
    text.remove_prefix(1);
  }
  return number;
}

bool consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) {
    return false;
  }
  text.remove_prefix(prefix.size());
  return true;
}

// nullopt: the summary must be refused.
std::optional<std::map<unsigned, unsigned>> reference(std::string_view text) {
  std::map<unsigned, unsigned> bases;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!consume(line, "gpiochip")) {
      continue;
    }
    const Number id = take_number(line);
    if (!id.present || !consume(line, ": GPIOs ")) {
      continue;
    }
    const Number base = take_number(line);
    if (!base.present || !line.starts_with('-')) {
      continue;
    }
    if (id.over || base.over) {
      return std::nullopt;
    }
    bases[static_cast<unsigned>(id.value)] = static_cast<unsigned>(base.value);
  }
  return bases;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<std::map<unsigned, unsigned>> bases;
  std::string message;
  try {
    bases = hal::sysfs::parse_debugfs_bases(text, kFile);
  } catch (const hal::Error& error) {
    message = error.what();
    fuzz::check_message(message);
    fuzz::check(message.starts_with(kFile), "the refusal names the file", message);
  } catch (const std::exception& error) {
    fuzz::fail("only hal::Error escapes parse_debugfs_bases", error.what());
  }
  fuzz::check(bases == reference(text), "the bases are what the chip headers say",
              fmt::format("'{}'", hal::printable(text, 300)));
  return 0;
}
