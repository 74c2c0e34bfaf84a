// SPDX-License-Identifier: MIT
#include <fmt/format.h>

#include "hal/hal.hpp"

namespace hal {
namespace {

std::string chip_title(const ChipInfo& chip) {
  std::string title = chip.name.empty() ? std::string("chip") : chip.name;
  if (!chip.label.empty()) {
    title += fmt::format(" [{}]", chip.label);
  }
  return title;
}

ResolvedLine resolved_from(const ChipInfo& chip, unsigned offset) {
  ResolvedLine line;
  line.chip = chip.name;
  line.label = chip.label;
  line.offset = offset;
  if (chip.base) {
    line.global = *chip.base + offset;
  }
  for (const auto& info : chip.lines) {
    if (info.offset == offset) {
      line.name = info.name;
      break;
    }
  }
  return line;
}

std::string_view strip_dev_prefix(std::string_view chip) {
  constexpr std::string_view prefix = "/dev/";
  if (chip.starts_with(prefix)) {
    chip.remove_prefix(prefix.size());
  }
  return chip;
}

ResolvedLine resolve_global(const LineSpec& spec, unsigned number,
                            const std::vector<ChipInfo>& chips) {
  for (const auto& chip : chips) {
    if (chip.base && number >= *chip.base && number - *chip.base < chip.ngpio) {
      return resolved_from(chip, number - *chip.base);
    }
  }
  throw Error(fmt::format("line '{}'", spec.text),
              fmt::format("no chip covers global GPIO number {}", number), 0,
              fmt::format("chips found: {}", describe_chips(chips)));
}

ResolvedLine resolve_chip_offset(const LineSpec& spec, const ChipOffset& address,
                                 const std::vector<ChipInfo>& chips) {
  const std::string_view wanted = strip_dev_prefix(address.chip);
  std::vector<const ChipInfo*> matches;
  for (const auto& chip : chips) {
    if (!chip.name.empty() && chip.name == wanted) {
      matches = {&chip};
      break;
    }
    if (chip.label == address.chip) {
      matches.push_back(&chip);
    }
  }
  if (matches.empty()) {
    throw Error(fmt::format("line '{}'", spec.text),
                fmt::format("no chip named or labelled '{}'", address.chip), 0,
                fmt::format("chips found: {}", describe_chips(chips)));
  }
  if (matches.size() > 1) {
    std::string names;
    for (const auto* chip : matches) {
      names += fmt::format("{}{}", names.empty() ? "" : ", ", chip_title(*chip));
    }
    throw Error(fmt::format("line '{}'", spec.text),
                fmt::format("label '{}' is ambiguous: {} chips carry it ({})", address.chip,
                            matches.size(), names),
                0, "name the chip as gpiochipN instead");
  }
  const ChipInfo& chip = *matches.front();
  if (address.offset >= chip.ngpio) {
    throw Error(fmt::format("line '{}'", spec.text),
                fmt::format("offset {} is out of range for {} ({} lines: 0..{})", address.offset,
                            chip_title(chip), chip.ngpio, chip.ngpio == 0 ? 0 : chip.ngpio - 1));
  }
  return resolved_from(chip, address.offset);
}

ResolvedLine resolve_name(const LineSpec& spec, const std::string& name,
                          const std::vector<ChipInfo>& chips) {
  std::vector<ResolvedLine> candidates;
  for (const auto& chip : chips) {
    for (const auto& line : chip.lines) {
      if (line.name == name) {
        candidates.push_back(resolved_from(chip, line.offset));
      }
    }
  }
  if (candidates.empty()) {
    throw Error(
        fmt::format("line '{}'", spec.text), fmt::format("no line is named '{}'", name), 0,
        fmt::format("searched {}; names are case-sensitive (try --list)", describe_chips(chips)));
  }
  if (candidates.size() > 1) {
    std::string names;
    for (const auto& candidate : candidates) {
      names +=
          fmt::format("{}{}:{}", names.empty() ? "" : ", ",
                      candidate.chip.empty() ? candidate.label : candidate.chip, candidate.offset);
    }
    throw Error(fmt::format("line '{}'", spec.text),
                fmt::format("name '{}' is ambiguous: {} lines carry it ({})", name,
                            candidates.size(), names),
                0, "name the line as CHIP:OFFSET instead");
  }
  return candidates.front();
}

}  // namespace

ResolvedLine resolve_on_chips(const LineSpec& spec, const std::vector<ChipInfo>& chips) {
  return std::visit(
      [&](const auto& address) -> ResolvedLine {
        using T = std::decay_t<decltype(address)>;
        if constexpr (std::is_same_v<T, GlobalNumber>) {
          return resolve_global(spec, address.value, chips);
        } else if constexpr (std::is_same_v<T, ChipOffset>) {
          return resolve_chip_offset(spec, address, chips);
        } else {
          return resolve_name(spec, address.name, chips);
        }
      },
      spec.address);
}

std::string describe_chips(const std::vector<ChipInfo>& chips) {
  if (chips.empty()) {
    return "no GPIO chips";
  }
  std::string text;
  for (const auto& chip : chips) {
    if (!text.empty()) {
      text += ", ";
    }
    text += chip_title(chip);
    if (chip.base && chip.ngpio > 0) {
      text += fmt::format(" global {}-{}", *chip.base, *chip.base + chip.ngpio - 1);
    } else {
      text += fmt::format(" {} lines", chip.ngpio);
    }
  }
  return text;
}

}  // namespace hal
