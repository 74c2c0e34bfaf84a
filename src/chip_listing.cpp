// SPDX-License-Identifier: MIT
#include "chip_listing.hpp"

#include <fmt/format.h>

namespace blinkd {
namespace {

std::string line_row(const hal::ChipInfo& chip, const hal::LineInfo& line) {
  std::string row = fmt::format("  line {:>3}", line.offset);
  row += chip.base ? fmt::format("  global {:<5}", *chip.base + line.offset) : std::string("  ");
  row += fmt::format("  {:<16}",
                     line.name.empty() ? std::string("-") : fmt::format("\"{}\"", line.name));
  row += fmt::format("  {:<6}", line.output ? "output" : "input");
  if (line.active_low) {
    row += "  active-low";
  }
  if (line.used) {
    row += line.consumer.empty() ? std::string("  in use")
                                 : fmt::format("  used by \"{}\"", line.consumer);
  }
  while (!row.empty() && row.back() == ' ') {
    row.pop_back();
  }
  return row + "\n";
}

}  // namespace

std::string format_chip_listing(const std::vector<hal::ChipInfo>& chips) {
  if (chips.empty()) {
    return "no GPIO chips\n";
  }
  std::string text;
  for (const auto& chip : chips) {
    text += fmt::format("{} [{}]: {} line{}", chip.name.empty() ? "chip" : chip.name, chip.label,
                        chip.ngpio, chip.ngpio == 1 ? "" : "s");
    if (chip.base && chip.ngpio > 0) {
      text += fmt::format(", global {}-{}", *chip.base, *chip.base + chip.ngpio - 1);
    } else {
      text += ", no global numbers";
    }
    text += "\n";
    for (const auto& line : chip.lines) {
      text += line_row(chip, line);
    }
  }
  return text;
}

}  // namespace blinkd
