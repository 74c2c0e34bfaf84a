// SPDX-License-Identifier: MIT
#include "state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "hal/posix_file.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/text.hpp"

namespace blinkd {
namespace {

constexpr std::string_view kMagic = "gpio-blinkd state";

[[noreturn]] void reject(std::size_t line, std::string_view why) {
  throw std::invalid_argument(fmt::format("line {}: {}", line, why));
}

bool is_word(std::string_view text) {
  return !text.empty() && text.size() <= 300 && std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == 0x7F;
  });
}

}  // namespace

std::string format_state(const StateRecord& record) {
  std::string text = fmt::format("{} {}\nboot {}\nconfig {}\n", kMagic, kStateFileVersion,
                                 record.boot_id, record.fingerprint);
  if (record.snapshot.state) {
    text += fmt::format("state {}\n", *record.snapshot.state);
  }
  for (const auto& [line, settings] : record.snapshot.sets) {
    text += fmt::format("set {} {}\n", line, settings);
  }
  return text;
}

StateRecord parse_state(std::string_view text) {
  if (text.size() > kMaxStateFile) {
    throw std::invalid_argument(fmt::format("larger than {} bytes", kMaxStateFile));
  }
  StateRecord record;
  std::size_t number = 0;
  bool have_boot = false;
  bool have_config = false;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) {
      reject(number + 1, "no newline at the end: the file was cut short");
    }
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++number;
    if (hal::printable(line, kMaxStateFile) != line) {
      reject(number, "holds control characters or is not UTF-8 text");
    }
    const auto space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view value =
        space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (number == 1) {
      if (line != fmt::format("{} {}", kMagic, kStateFileVersion)) {
        reject(number, fmt::format("expected '{} {}'", kMagic, kStateFileVersion));
      }
    } else if (key == "boot" && !have_boot && is_word(value)) {
      record.boot_id = std::string(value);
      have_boot = true;
    } else if (key == "config" && !have_config && is_word(value)) {
      record.fingerprint = std::string(value);
      have_config = true;
    } else if (key == "state" && !record.snapshot.state && is_word(value)) {
      record.snapshot.state = std::string(value);
    } else if (key == "set") {
      const auto gap = value.find(' ');
      const std::string_view target = value.substr(0, gap);
      const std::string_view settings =
          gap == std::string_view::npos ? std::string_view{} : value.substr(gap + 1);
      if (!is_word(target) || settings.empty() || record.snapshot.sets.size() >= kMaxLines) {
        reject(number, "expected 'set LINE SETTINGS'");
      }
      record.snapshot.sets.emplace_back(target, settings);
    } else {
      reject(number, fmt::format("unexpected '{}'", hal::printable(line, 60)));
    }
  }
  if (number == 0 || !have_boot || !have_config) {
    throw std::invalid_argument("incomplete: the header, boot and config lines are required");
  }
  return record;
}

std::string configuration_fingerprint(const Options& options) {
  std::string text = fmt::format("initial {}\n", options.initial_state.value_or("-"));
  for (const auto& plan : options.lines) {
    const LineConfig& config = plan.config;
    text += fmt::format("line {} pattern {} on {} off {} phase {} unit {}\n", plan.spec.text,
                        config.pattern, config.on.count(), config.off.count(), config.phase.count(),
                        config.morse_unit.count());
    for (const auto& [name, pattern] : config.states) {
      text += fmt::format(" state {} {}\n", name, pattern);
    }
  }
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::string current_boot_id() {
  const auto text = hal::sysfs::read_text_file("/proc/sys/kernel/random/boot_id", 64);
  if (!text) {
    return "unknown";
  }
  std::string id = *text;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) {
    id.pop_back();
  }
  return is_word(id) ? id : std::string("unknown");
}

StateStore::StateStore(std::filesystem::path path, std::string boot_id, std::string fingerprint)
    : path_(std::move(path)), boot_id_(std::move(boot_id)), fingerprint_(std::move(fingerprint)) {}

std::optional<ControlSnapshot> StateStore::load(std::vector<std::string>& notices) const {
  const auto text = hal::sysfs::read_text_file(path_, kMaxStateFile + 1);
  if (!text) {
    return std::nullopt;
  }
  auto discard = [&](const std::string& why) {
    notices.push_back(fmt::format("state file {}: {}; discarded", path_.string(), why));
    ::unlink(path_.c_str());
    return std::nullopt;
  };
  StateRecord record;
  try {
    record = parse_state(*text);
  } catch (const std::invalid_argument& error) {
    return discard(fmt::format("does not parse ({})", error.what()));
  }
  if (record.boot_id == "unknown" || boot_id_ == "unknown") {
    return discard("cannot tell whether the machine rebooted since (no boot id)");
  }
  if (record.boot_id != boot_id_) {
    return discard("it is from before the last reboot");
  }
  if (record.fingerprint != fingerprint_) {
    return discard("the configuration changed since it was written");
  }
  return record.snapshot;
}

std::string StateStore::save(const ControlSnapshot& snapshot) const {
  if (!snapshot.state && snapshot.sets.empty()) {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return fmt::format("state file {}: cannot be removed: {}", path_.string(),
                         std::strerror(errno));
    }
    return {};
  }
  const std::string text = format_state(StateRecord{boot_id_, fingerprint_, snapshot});
  const std::filesystem::path temporary = path_.string() + ".new";
  {
    const hal::UniqueFd fd(hal::retry_eintr([&] {
      return ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    }));
    if (!fd.valid()) {
      return fmt::format("state file {}: cannot be written: {}", temporary.string(),
                         std::strerror(errno));
    }
    const ssize_t written =
        hal::retry_eintr([&] { return ::write(fd.get(), text.data(), text.size()); });
    if (written != static_cast<ssize_t>(text.size())) {
      const int err = written < 0 ? errno : ENOSPC;
      ::unlink(temporary.c_str());
      return fmt::format("state file {}: cannot be written: {}", temporary.string(),
                         std::strerror(err));
    }
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    return fmt::format("state file {}: cannot be replaced: {}", path_.string(), std::strerror(err));
  }
  return {};
}

}  // namespace blinkd
