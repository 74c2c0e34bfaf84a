// SPDX-License-Identifier: MIT
// The daemon's own entries of the option table, by section, and the builders they share
// with the entries the HAL and the backends declare. option_table.cpp assembles the table.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hal/registry.hpp"
#include "option_table.hpp"

namespace blinkd {

using LineApply = std::function<void(LineConfig&, std::string_view, const std::string&)>;
using GlobalApply = std::function<void(Configuration&, std::string_view, const std::string&)>;

// An entry that is both a global default (--name, GPIO_BLINKD_NAME) and a per-line setting.
[[nodiscard]] OptionSpec line_entry(std::string_view name, std::string value_name, std::string help,
                                    std::string default_text, Section section,
                                    LineApply apply_line);
[[nodiscard]] OptionSpec global_entry(std::string_view name, char short_name,
                                      std::string value_name, std::string help,
                                      std::string default_text, Section section, Scope scope,
                                      GlobalApply apply);

void add_timing_entries(std::vector<OptionSpec>& table);
void add_control_entries(std::vector<OptionSpec>& table);
void add_line_entries(std::vector<OptionSpec>& table);
void add_output_and_action_entries(std::vector<OptionSpec>& table);
// --backend, with the backends compiled into this binary as its choices.
[[nodiscard]] OptionSpec backend_entry(std::span<const hal::BackendDescriptor> backends);

}  // namespace blinkd
