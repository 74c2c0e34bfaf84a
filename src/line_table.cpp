// SPDX-License-Identifier: MIT
#include "line_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "option_table.hpp"
#include "usage_error.hpp"

namespace blinkd {
namespace {

// The keys `set` accepts: timing only. Drive, bias and active-low are the hardware's
// wiring and stay as configured.
constexpr std::array<std::string_view, 5> kTimingKeys{"pattern", "on", "off", "phase",
                                                      "morse-unit"};

Pattern identify_pattern() {
  Pattern fast;
  fast.segments = {std::chrono::milliseconds(100), std::chrono::milliseconds(100)};
  fast.text = "identify";
  return fast;
}

// Status values are single words: a Morse text's spaces show as '_'.
std::string word(std::string text) {
  std::replace(text.begin(), text.end(), ' ', '_');
  return hal::printable(text);
}

}  // namespace

LineTable::LineTable(const std::vector<LinePlan>& plans, std::vector<hal::ResolvedLine> resolved,
                     Instant epoch, std::optional<std::uint64_t> count,
                     std::optional<std::string> initial_state)
    : state_(initial_state), initial_state_(std::move(initial_state)) {
  rows_.reserve(plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    LineRow row{
        &plans[i], std::move(resolved[i]), LineSchedule(plans[i].pattern, epoch, count), {}, {}, {},
        0};
    rows_.push_back(std::move(row));
  }
  for (auto& row : rows_) {
    const Pattern wanted = effective(row);
    if (!(wanted == row.schedule.pattern())) {
      row.schedule = LineSchedule(wanted, epoch, count);
    }
  }
}

Pattern LineTable::effective(const LineRow& row) const {
  if (row.identify_until) {
    return identify_pattern();
  }
  if (row.override_pattern) {
    return *row.override_pattern;
  }
  if (state_) {
    if (auto found = row.plan->states.find(*state_); found != row.plan->states.end()) {
      return found->second;
    }
  }
  return row.plan->pattern;
}

std::string LineTable::source(const LineRow& row) const {
  if (row.identify_until) {
    return "identify";
  }
  if (row.override_pattern) {
    return "set";
  }
  if (state_ && row.plan->states.contains(*state_)) {
    return "state:" + *state_;
  }
  return "config";
}

void LineTable::refresh(LineRow& row, Instant now) {
  Pattern wanted = effective(row);
  if (!(wanted == row.schedule.pattern())) {
    row.schedule.change(std::move(wanted), now);
  }
}

LineRow* LineTable::find(std::string_view text) {
  for (auto& row : rows_) {
    if (row.name() == text) {
      return &row;
    }
  }
  LineRow* named = nullptr;
  for (auto& row : rows_) {
    if (!row.resolved.name.empty() && row.resolved.name == text) {
      if (named != nullptr) {
        return nullptr;  // ambiguous: the configured text must be used
      }
      named = &row;
    }
  }
  return named;
}

Reply LineTable::show_state(const std::string& name, Instant now) {
  const bool defined = std::any_of(rows_.begin(), rows_.end(), [&](const LineRow& row) {
    return row.plan->states.contains(name);
  });
  if (!defined) {
    std::vector<std::string> known;
    for (const auto& row : rows_) {
      for (const auto& state : row.plan->states) {
        if (std::find(known.begin(), known.end(), state.first) == known.end()) {
          known.push_back(state.first);
        }
      }
    }
    return Reply{{},
                 false,
                 fmt::format("no line defines state '{}'{}", hal::printable(name),
                             known.empty() ? std::string("; no state is configured")
                                           : fmt::format("; defined: {}", fmt::join(known, ", "))),
                 false};
  }
  std::size_t switched = 0;
  state_ = name;
  for (auto& row : rows_) {
    if (row.plan->states.contains(name)) {
      ++switched;
    }
    refresh(row, now);
  }
  return Reply{{},
               true,
               fmt::format("state {} on {} line{}", name, switched, switched == 1 ? "" : "s"),
               true};
}

Reply LineTable::set(const std::string& line, std::string_view settings, Instant now) {
  LineRow* row = find(line);
  if (row == nullptr) {
    return Reply{
        {}, false, fmt::format("no line '{}' in the configuration", hal::printable(line)), false};
  }
  LineConfig config = row->plan->config;
  bool pattern_given = false;
  try {
    std::string_view rest = settings;
    if (rest.empty()) {
      throw UsageError("expected KEY=VALUE settings, e.g. pattern=heartbeat");
    }
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const auto equals = item.find('=');
      const std::string_view key = item.substr(0, equals);
      if (std::find(kTimingKeys.begin(), kTimingKeys.end(), key) == kTimingKeys.end()) {
        throw UsageError(fmt::format(
            "'{}' cannot be set at run time: only pattern, on, off, phase and morse-unit; drive, "
            "bias and active-low are the wiring's (restart with a new configuration)",
            hal::printable(key)));
      }
      if (equals == std::string_view::npos) {
        throw UsageError(fmt::format("'{}': expected KEY=VALUE", hal::printable(item)));
      }
      const auto& table = option_table();
      const auto spec = std::find_if(table.begin(), table.end(), [&](const OptionSpec& s) {
        return s.per_line() && s.name == key;
      });
      spec->apply_line(config, item.substr(equals + 1), std::string(key));
      pattern_given |= key == "pattern";
    }
    if (!pattern_given) {
      config.pattern = "blink";  // on/off alone: a blink of those
    }
    Pattern pattern = parse_pattern(config.pattern, "pattern", pattern_context(config));
    pattern.phase = config.phase;
    row->override_pattern = std::move(pattern);
    row->override_text = std::string(settings);
  } catch (const UsageError& error) {
    return Reply{{}, false, fmt::format("line '{}': {}", row->name(), error.what()), false};
  }
  refresh(*row, now);
  return Reply{{},
               true,
               fmt::format("line {} shows {}", row->name(), word(row->schedule.pattern().text)),
               true};
}

Reply LineTable::identify(const std::optional<std::string>& line, Duration duration, Instant now) {
  const LineRow* only = nullptr;  // none: every line
  if (line) {
    only = find(*line);
    if (only == nullptr) {
      return Reply{{},
                   false,
                   fmt::format("no line '{}' in the configuration", hal::printable(*line)),
                   false};
    }
  }
  for (auto& row : rows_) {
    if (only == nullptr || &row == only) {
      row.identify_until = now + duration;
      refresh(row, now);
    }
  }
  return Reply{{},
               true,
               fmt::format("identify {} for {}", line ? *line : std::string("every line"),
                           format_duration(duration)),
               false};
}

Reply LineTable::reset(const std::optional<std::string>& line, Instant now) {
  if (line) {
    LineRow* row = find(*line);
    if (row == nullptr) {
      return Reply{{},
                   false,
                   fmt::format("no line '{}' in the configuration", hal::printable(*line)),
                   false};
    }
    row->override_pattern.reset();
    row->override_text.reset();
    row->identify_until.reset();
    refresh(*row, now);
    return Reply{{}, true, fmt::format("line {} is back to the configuration", row->name()), true};
  }
  state_ = initial_state_;
  for (auto& row : rows_) {
    row.override_pattern.reset();
    row.override_text.reset();
    row.identify_until.reset();
    refresh(row, now);
  }
  return Reply{{}, true, "every line is back to the configuration", true};
}

Reply LineTable::status(Instant now) const {
  Reply reply;
  reply.data.push_back(fmt::format("state {}", state_ ? *state_ : std::string("none")));
  for (const auto& row : rows_) {
    const auto& resolved = row.resolved;
    reply.data.push_back(fmt::format(
        "line {} chip={} offset={} name={} pattern={} from={} level={} edges={} cycles={}{}",
        word(row.name()), resolved.chip.empty() ? "-" : resolved.chip, resolved.offset,
        resolved.name.empty() ? "-" : word(resolved.name), word(row.schedule.pattern().text),
        source(row), row.schedule.shown_on() ? "on" : "off", row.edges, row.schedule.cycles_shown(),
        row.identify_until
            ? fmt::format(" identify-left={}",
                          format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(
                              *row.identify_until - now)))
            : std::string()));
  }
  reply.message = fmt::format("{} line{}", rows_.size(), rows_.size() == 1 ? "" : "s");
  return reply;
}

Instant LineTable::next_deadline() const {
  Instant deadline = kNever;
  for (const auto& row : rows_) {
    if (row.identify_until) {
      deadline = std::min(deadline, *row.identify_until);
    }
  }
  return deadline;
}

void LineTable::expire(Instant now) {
  for (auto& row : rows_) {
    if (row.identify_until && *row.identify_until <= now) {
      row.identify_until.reset();
      refresh(row, now);
    }
  }
}

ControlSnapshot LineTable::snapshot() const {
  ControlSnapshot snapshot;
  if (state_ != initial_state_) {
    snapshot.state = state_;  // what the configuration gives needs no keeping
  }
  for (const auto& row : rows_) {
    if (row.override_text) {
      snapshot.sets.emplace_back(row.name(), *row.override_text);
    }
  }
  return snapshot;
}

std::vector<std::string> LineTable::restore(const ControlSnapshot& snapshot, Instant now) {
  std::vector<std::string> problems;
  if (snapshot.state) {
    if (const Reply reply = show_state(*snapshot.state, now); !reply.ok) {
      problems.push_back(reply.message);
    }
  }
  for (const auto& [line, settings] : snapshot.sets) {
    if (const Reply reply = set(line, settings, now); !reply.ok) {
      problems.push_back(reply.message);
    }
  }
  return problems;
}

}  // namespace blinkd
