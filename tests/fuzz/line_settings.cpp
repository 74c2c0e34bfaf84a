// SPDX-License-Identifier: MIT
// blinkd::parse_line (LINE[,SETTING]...) with the daemon's option table: it fails only
// with UsageError; a line without settings keeps the defaults; every plan is within
// bounds, names the spec before the first comma and reads back from its own rendering.
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "command_line.hpp"
#include "fuzz_support.hpp"
#include "line_render.hpp"
#include "option_table.hpp"
#include "usage_error.hpp"

namespace {

using namespace std::chrono_literals;

std::array<blinkd::LineConfig, 2> defaults() {
  blinkd::LineConfig other;
  other.on = 3ms;
  other.off = 7ms;
  other.phase = 1s;
  other.pattern = "heartbeat";
  other.states = {{"ok", "slow"}, {"sos", "morse:SOS"}};
  other.settings = {true, hal::Drive::OpenDrain, hal::Bias::PullUp, hal::OnExit::Park};
  return {blinkd::LineConfig{}, other};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto& table = blinkd::option_table();
  const std::string_view spec_text = text.substr(0, text.find(','));
  for (const auto& config : defaults()) {
    std::optional<blinkd::LinePlan> plan;
    fuzz::accepts<blinkd::UsageError>([&] { plan = blinkd::parse_line(text, config, table); });
    if (!plan) {
      continue;
    }
    fuzz::check(fuzz::plan_in_bounds(*plan), "a line's timing is within bounds", text);
    std::optional<hal::LineSpec> spec;
    fuzz::accepts<std::invalid_argument>([&] { spec = hal::parse_line_spec(spec_text); });
    fuzz::check(spec && plan->spec == *spec, "the line is the spec before the first comma", text);
    if (spec_text.size() == text.size()) {
      fuzz::check(plan->config.pattern == config.pattern && plan->config.on == config.on &&
                      plan->config.states == config.states && plan->settings == config.settings,
                  "a line without settings keeps the defaults", text);
    }
    const std::string rendered = fuzz::render_line(*plan);
    std::optional<blinkd::LinePlan> again;
    fuzz::accepts<blinkd::UsageError>(
        [&] { again = blinkd::parse_line(rendered, blinkd::LineConfig{}, table); });
    fuzz::check(again && fuzz::same_plan(*plan, *again), "a line reads back from its rendering",
                fmt::format("'{}' rendered '{}'", text, rendered));
  }
  return 0;
}
