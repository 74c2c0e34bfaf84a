// Durations as users write them: "500ms", "1s", "1.5s", "250us", "2m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace blinkd {

using Duration = std::chrono::nanoseconds;

// Throws std::invalid_argument naming `what` and the expected form.
[[nodiscard]] Duration parse_duration(std::string_view text, std::string_view what);

// The shortest exact form: "1s", "1.5s", "250ms", "12.5us", "3ns".
[[nodiscard]] std::string format_duration(Duration duration);

}  // namespace blinkd
