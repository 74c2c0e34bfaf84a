// SPDX-License-Identifier: MIT
// What each line shows, and why: its configured pattern, the state the application
// asked for, a `set` override, an identify blink. The control commands change it here;
// the blink loop drives the schedules. Precedence: identify > set > state > configured.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hal/hal.hpp"
#include "options.hpp"
#include "scheduler.hpp"

namespace blinkd {

// What identify shows, and for how long at most.
inline constexpr Duration kIdentifyDefault = std::chrono::seconds(15);
inline constexpr DurationRange kIdentifyRange{std::chrono::seconds(1), std::chrono::minutes(10)};

struct LineRow {
  const LinePlan* plan;  // the configuration (outlives the table)
  hal::ResolvedLine resolved;
  LineSchedule schedule;
  std::optional<std::string> override_text;  // the settings of a `set`, as given
  std::optional<Pattern> override_pattern;
  std::optional<Instant> identify_until;
  std::uint64_t edges = 0;  // level changes written

  [[nodiscard]] const std::string& name() const { return plan->spec.text; }
};

// The outcome of a command: data lines, then ok or error with a message.
struct Reply {
  std::vector<std::string> data;
  bool ok = true;
  std::string message;
  bool changed = false;  // what lines show (or the state to keep) changed
};

// What a restart must bring back: the state asked for and the `set` overrides.
struct ControlSnapshot {
  std::optional<std::string> state;
  std::vector<std::pair<std::string, std::string>> sets;  // line name -> settings
  bool operator==(const ControlSnapshot&) const = default;
};

class LineTable {
 public:
  LineTable(const std::vector<LinePlan>& plans, std::vector<hal::ResolvedLine> resolved,
            Instant epoch, std::optional<std::uint64_t> count,
            std::optional<std::string> initial_state);

  [[nodiscard]] std::vector<LineRow>& rows() { return rows_; }
  [[nodiscard]] const std::vector<LineRow>& rows() const { return rows_; }
  [[nodiscard]] const std::optional<std::string>& state() const { return state_; }

  // The commands (see docs/control.md). `now` is when they take effect.
  Reply show_state(const std::string& name, Instant now);
  Reply set(const std::string& line, std::string_view settings, Instant now);
  Reply identify(const std::optional<std::string>& line, Duration duration, Instant now);
  Reply reset(const std::optional<std::string>& line, Instant now);
  [[nodiscard]] Reply status(Instant now) const;

  // Identify blinks end here.
  [[nodiscard]] Instant next_deadline() const;
  void expire(Instant now);

  [[nodiscard]] ControlSnapshot snapshot() const;
  // Applies a snapshot kept by an earlier run; returns what could not be applied.
  std::vector<std::string> restore(const ControlSnapshot& snapshot, Instant now);

  // Whether `text` names a line of the table (its configured spec, or its line name).
  [[nodiscard]] LineRow* find(std::string_view text);

 private:
  [[nodiscard]] Pattern effective(const LineRow& row) const;
  [[nodiscard]] std::string source(const LineRow& row) const;
  void refresh(LineRow& row, Instant now);

  std::vector<LineRow> rows_;
  std::optional<std::string> state_;
  std::optional<std::string> initial_state_;
};

}  // namespace blinkd
