// SPDX-License-Identifier: MIT
#include "hal/gpiod/gpiod_bank.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

namespace hal::gpiod {

void GpiodBank::add(ChipLines chip) {
  for (std::size_t position = 0; position < chip.indices.size(); ++position) {
    where_[chip.indices[position]] = {chips_.size(), position};
  }
  chips_.push_back(std::move(chip));
}

void GpiodBank::set(std::span<const LevelChange> changes) {
  for (const auto& change : changes) {
    const auto [chip, position] = where_[change.line];
    chips_[chip].positions.push_back(position);
    chips_[chip].values.push_back(change.on ? 1 : 0);
  }
  std::optional<Error> failure;
  for (auto& chip : chips_) {
    if (chip.positions.empty()) {
      continue;
    }
    const int err = chip.broken ? 0 : chip.request->set(chip.positions, chip.values);
    if (err != 0 && !failure) {
      chip.broken = true;
      failure.emplace(fmt::format("{} ({} {})", lines_of(chip, chip.positions),
                                  chip.device.string(), offsets_of(chip, chip.positions)),
                      "setting failed", err,
                      err == ENODEV || err == EIO || err == ENXIO
                          ? "the GPIO chip went away (driver unbound or device removed)"
                          : std::string());
    }
    chip.positions.clear();
    chip.values.clear();
  }
  if (failure) {
    throw hal::Error(std::move(*failure));
  }
}

std::vector<std::string> GpiodBank::release() noexcept {
  std::vector<std::string> failures;
  for (auto& chip : chips_) {
    try {
      release_chip(chip, failures);
    } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory while reporting
      failures.emplace_back(fmt::format("{}: not released cleanly", chip.chip));
    }
  }
  chips_.clear();
  return failures;
}

std::string GpiodBank::lines_of(const ChipLines& chip,
                                std::span<const std::size_t> positions) const {
  std::string text;
  for (const std::size_t position : positions) {
    text += fmt::format("{}'{}'", text.empty() ? "" : ", ", names_[chip.indices[position]]);
  }
  return fmt::format("{} {}", positions.size() == 1 ? "line" : "lines", text);
}

std::string GpiodBank::offsets_of(const ChipLines& chip, std::span<const std::size_t> positions) {
  std::string text;
  for (const std::size_t position : positions) {
    text += fmt::format("{}{}", text.empty() ? "" : ", ", chip.offsets[position]);
  }
  return fmt::format("{} {}", positions.size() == 1 ? "line" : "lines", text);
}

void GpiodBank::release_chip(ChipLines& chip, std::vector<std::string>& failures) {
  if (!chip.request) {
    return;
  }
  // A chip whose set failed is tried once more: a transient error (EIO from a bus, a
  // driver's hiccup) leaves the request usable, and a chip that is gone answers at once.
  const std::vector<std::size_t> positions = all_positions(chip);
  const std::vector<std::uint8_t> off(positions.size(), 0);
  if (const int err = chip.request->set(positions, off); err != 0) {
    failures.push_back(
        fmt::format("{}: could not drive to the safe level{}: {}", lines_of(chip, positions),
                    chip.broken ? " after the chip failed" : "", std::strerror(err)));
    chip.request.reset();
    return;
  }
  if (std::any_of(chip.exit.begin(), chip.exit.end(),
                  [](ParkAs how) { return how != ParkAs::Output; })) {
    if (const int parked = chip.request->park(chip.exit); parked != 0) {
      log_(LogLevel::Warning,
           fmt::format("{}: off, but could not be parked: {}; released as outputs",
                       lines_of(chip, positions), std::strerror(parked)));
    }
  }
  for (std::size_t position = 0; position < positions.size(); ++position) {
    log_(LogLevel::Info, fmt::format("line '{}': off, {}", names_[chip.indices[position]],
                                     chip.exit_text[position]));
  }
  chip.request.reset();
}

std::vector<std::size_t> GpiodBank::all_positions(const ChipLines& chip) {
  std::vector<std::size_t> positions(chip.indices.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    positions[i] = i;
  }
  return positions;
}

}  // namespace hal::gpiod
