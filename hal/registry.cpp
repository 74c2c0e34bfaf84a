// SPDX-License-Identifier: MIT
#include "hal/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hal {
namespace {

std::string compiled_in_names() {
  std::string names;
  for (const auto& backend : backends()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", backend.name);
  }
  return names;
}

}  // namespace

const BackendDescriptor* find_backend(std::string_view name) {
  const auto& all = backends();
  auto found = std::find_if(all.begin(), all.end(),
                            [&](const BackendDescriptor& backend) { return backend.name == name; });
  return found == all.end() ? nullptr : &*found;
}

std::unique_ptr<Backend> make_backend(std::string_view name, const BackendOptions& options) {
  if (name != "auto") {
    const auto* backend = find_backend(name);
    if (backend == nullptr) {
      throw Error(fmt::format("backend '{}'", name), "not compiled into this binary", 0,
                  fmt::format("available: {}, auto", compiled_in_names()));
    }
    return backend->create(options);
  }

  std::vector<const BackendDescriptor*> candidates;
  for (const auto& backend : backends()) {
    if (backend.auto_priority > 0) {
      candidates.push_back(&backend);
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
    return a->auto_priority > b->auto_priority;
  });
  std::string reasons;
  for (const auto* backend : candidates) {
    std::string why = backend->unusable_reason(options);
    if (why.empty()) {
      options.log(LogLevel::Info, fmt::format("backend auto: chose {}", backend->name));
      return backend->create(options);
    }
    options.log(LogLevel::Info,
                fmt::format("backend auto: {} cannot be used here: {}", backend->name, why));
    reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", backend->name, why);
  }
  throw Error("backend auto", "no usable GPIO backend on this machine", 0,
              reasons.empty() ? std::string("no backend can be chosen automatically") : reasons);
}

}  // namespace hal
