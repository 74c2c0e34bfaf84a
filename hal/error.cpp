// SPDX-License-Identifier: MIT
#include <cstring>

#include <fmt/format.h>

#include "hal/hal.hpp"

namespace hal {
namespace {

std::string compose(const std::string& subject, const std::string& problem, int errnum,
                    const std::string& hint) {
  std::string text = subject.empty() ? problem : fmt::format("{}: {}", subject, problem);
  if (errnum != 0) {
    text += fmt::format(": {}", std::strerror(errnum));
  }
  if (!hint.empty()) {
    text += fmt::format("; {}", hint);
  }
  return text;
}

}  // namespace

Error::Error(std::string subject, std::string problem, int errnum, std::string hint)
    : std::system_error(errnum, std::generic_category()),
      subject_(std::move(subject)),
      problem_(std::move(problem)),
      hint_(std::move(hint)),
      text_(compose(subject_, problem_, errnum, hint_)) {}

std::string ResolvedLine::describe() const {
  std::string text = chip.empty() ? std::string("chip") : chip;
  if (!label.empty()) {
    text += fmt::format(" [{}]", label);
  }
  text += fmt::format(" offset {}", offset);
  std::string extra;
  if (!name.empty()) {
    extra = name;
  }
  if (global) {
    extra += fmt::format("{}global {}", extra.empty() ? "" : ", ", *global);
  }
  if (!extra.empty()) {
    text += fmt::format(" ({})", extra);
  }
  return text;
}

bool ResolvedLine::same_line(const ResolvedLine& other) const {
  if (global && other.global) {
    return *global == *other.global;
  }
  if (!chip.empty() && chip == other.chip) {
    return offset == other.offset;
  }
  return !label.empty() && label == other.label && offset == other.offset;
}

}  // namespace hal
