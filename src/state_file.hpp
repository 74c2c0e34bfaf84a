// SPDX-License-Identifier: MIT
// What the application last asked for (the state, the `set` overrides), kept in a small
// versioned file so that a restart after a crash or a watchdog kill shows it again. The
// file records the boot it belongs to and a fingerprint of the configuration: after a
// reboot, a configuration change or damage it is discarded with a notice.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "line_table.hpp"
#include "options.hpp"

namespace blinkd {

inline constexpr int kStateFileVersion = 1;
inline constexpr std::size_t kMaxStateFile = std::size_t{64} * 1024;

struct StateRecord {
  std::string boot_id;      // "unknown" when it could not be read
  std::string fingerprint;  // of the configuration
  ControlSnapshot snapshot;
};

[[nodiscard]] std::string format_state(const StateRecord& record);
// Throws std::invalid_argument with what is wrong and where.
[[nodiscard]] StateRecord parse_state(std::string_view text);

// 16 hex digits of what decides what lines show: lines, patterns, states, phases.
[[nodiscard]] std::string configuration_fingerprint(const Options& options);
// /proc/sys/kernel/random/boot_id, or "unknown".
[[nodiscard]] std::string current_boot_id();

class StateStore {
 public:
  StateStore(std::filesystem::path path, std::string boot_id, std::string fingerprint);

  // What an earlier run kept, when it is for this boot and configuration; `notices`
  // says why a file that is there was discarded (and it is removed).
  [[nodiscard]] std::optional<ControlSnapshot> load(std::vector<std::string>& notices) const;
  // Written to a temporary file and renamed over the old one: never half written.
  // Returns an error message, or empty. An empty snapshot removes the file.
  [[nodiscard]] std::string save(const ControlSnapshot& snapshot) const;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string boot_id_;
  std::string fingerprint_;
};

}  // namespace blinkd
