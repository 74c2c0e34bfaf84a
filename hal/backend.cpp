// SPDX-License-Identifier: MIT
#include <fmt/format.h>

#include "hal/hal.hpp"

namespace hal {

std::vector<ResolvedLine> Backend::resolve(std::span<const LineSpec> specs) {
  std::vector<ResolvedLine> resolved = resolve_lines(specs);
  for (std::size_t later = 1; later < resolved.size(); ++later) {
    for (std::size_t earlier = 0; earlier < later; ++earlier) {
      if (resolved[earlier].same_line(resolved[later])) {
        throw Error(fmt::format("line '{}'", specs[later].text),
                    fmt::format("is the same line as '{}' ({})", specs[earlier].text,
                                resolved[later].describe()));
      }
    }
  }
  return resolved;
}

Lines open_lines(Backend& backend, std::span<const LineSpec> specs, const LineSettings& settings) {
  const std::vector<ResolvedLine> resolved = backend.resolve(specs);
  std::vector<LineRequest> requests;
  requests.reserve(resolved.size());
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    requests.push_back(LineRequest{resolved[i], settings, specs[i].text});
  }
  return backend.open(requests);
}

}  // namespace hal
