// SPDX-License-Identifier: MIT
// --help, generated from the option table (so the variables and per-line settings it
// lists are the ones the daemon reads).
#pragma once

#include <string>
#include <vector>

#include "option_table.hpp"

namespace blinkd {

[[nodiscard]] std::string help_text(const std::vector<OptionSpec>& table);

// --check: the configuration the options and variables make, every value shown.
[[nodiscard]] std::string configuration_text(const Options& options);

// `text` wrapped at `width` columns, every line after the first indented by `indent`.
[[nodiscard]] std::string wrap(std::string_view text, std::size_t width, std::size_t indent);

}  // namespace blinkd
