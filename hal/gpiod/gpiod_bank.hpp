// SPDX-License-Identifier: MIT
// The gpiod backend's output bank: the lines of each chip as one request, every instant's
// changes on a chip one call, and at exit each line driven off, then parked or released.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hal/gpiod/gpiod_library.hpp"
#include "hal/hal.hpp"

namespace hal::gpiod {

// The lines of one chip, held as one request.
struct ChipLines {
  std::string chip;               // gpiochipN [label]
  std::filesystem::path device;   // /dev/gpiochipN
  std::vector<unsigned> offsets;  // by position in the request
  std::unique_ptr<ChipRequest> request;
  std::vector<std::size_t> indices;  // position in the request -> index in the Lines set
  std::vector<ParkAs> exit;          // what each position becomes when released
  std::vector<std::string> exit_text;
  bool broken = false;  // a set failed: the chip is gone or faulty, not driven again
  // Scratch for one instant's changes: no allocation per edge.
  std::vector<std::size_t> positions;
  std::vector<std::uint8_t> values;
};

class GpiodBank final : public OutputBank {
 public:
  GpiodBank(std::vector<std::string> names, LogSink log)
      : names_(std::move(names)), where_(names_.size()), log_(std::move(log)) {}
  GpiodBank(const GpiodBank&) = delete;
  GpiodBank& operator=(const GpiodBank&) = delete;
  GpiodBank(GpiodBank&&) = delete;
  GpiodBank& operator=(GpiodBank&&) = delete;
  ~GpiodBank() override { (void)release(); }

  void add(ChipLines chip);
  void set(std::span<const LevelChange> changes) override;
  std::vector<std::string> release() noexcept override;

 private:
  [[nodiscard]] std::string lines_of(const ChipLines& chip,
                                     std::span<const std::size_t> positions) const;
  static std::string offsets_of(const ChipLines& chip, std::span<const std::size_t> positions);
  void release_chip(ChipLines& chip, std::vector<std::string>& failures);
  static std::vector<std::size_t> all_positions(const ChipLines& chip);

  std::vector<std::string> names_;
  std::vector<ChipLines> chips_;
  std::vector<std::pair<std::size_t, std::size_t>> where_;  // line index -> (chip, position)
  LogSink log_;
};

}  // namespace hal::gpiod
