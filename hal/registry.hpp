// SPDX-License-Identifier: MIT
// The backends compiled into this binary, and how one is chosen. Each folder under
// hal/ that calls hal_add_backend() in its CMakeLists.txt appears here; nothing else
// needs to know it exists.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hal/hal.hpp"

namespace hal {

struct BackendDescriptor {
  std::string_view name;
  std::string_view summary;  // one line for --help
  // What the backend lets users set; each becomes an option and a variable.
  std::span<const SettingDecl> settings;
  // `auto` picks the usable backend with the highest priority; 0 = never picked.
  int auto_priority = 0;
  // Empty when the backend can work with these options on this machine, else why not.
  std::string (*unusable_reason)(const BackendOptions&) = nullptr;
  std::unique_ptr<Backend> (*create)(const BackendOptions&) = nullptr;
};

// Every backend in this binary, in a stable order.
[[nodiscard]] const std::vector<BackendDescriptor>& backends();

// nullptr when `name` is not compiled in.
[[nodiscard]] const BackendDescriptor* find_backend(std::string_view name);

// Create the backend `name`, or for "auto" the best usable one. Throws hal::Error
// naming the backend and why it cannot be used.
[[nodiscard]] std::unique_ptr<Backend> make_backend(std::string_view name,
                                                    const BackendOptions& options);

}  // namespace hal
