// SPDX-License-Identifier: MIT
// Settings a backend (or the HAL core) declares for itself: the daemon turns each
// declaration into an option, a GPIO_BLINKD_* variable and a --help entry, parses the
// value with its checked parsers and hands it over in BackendOptions::settings. A new
// backend adds settings in its own folder and nothing outside it changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace hal {

enum class SettingKind : std::uint8_t {
  Flag,      // --name; GPIO_BLINKD_NAME=1/0
  Duration,  // --name DUR, within [min, max]
  Path,      // --name PATH, not empty
  Keyword,   // --name WORD, one of `keywords`
};

using SettingValue = std::variant<bool, std::chrono::nanoseconds, std::string>;

struct SettingDecl {
  std::string_view name;  // "permission-wait": --permission-wait, GPIO_BLINKD_PERMISSION_WAIT
  SettingKind kind = SettingKind::Flag;
  std::string_view value_name;     // "DUR", "DIR", "ABI"; empty for a flag
  std::string_view help;           // one sentence for --help and the man page
  SettingValue default_value;      // what applies when nobody sets it
  std::chrono::nanoseconds min{};  // Duration bounds
  std::chrono::nanoseconds max{};
  std::span<const std::string_view> keywords{};  // Keyword: the accepted words
};

// Values of declared settings, by name. A setting nobody gave has its declared default.
class Settings {
 public:
  void set(std::string_view name, SettingValue value);
  void set(const SettingDecl& decl, SettingValue value) { set(decl.name, std::move(value)); }
  [[nodiscard]] bool contains(std::string_view name) const;

  [[nodiscard]] bool flag(const SettingDecl& decl) const;
  [[nodiscard]] std::chrono::nanoseconds duration(const SettingDecl& decl) const;
  [[nodiscard]] const std::string& text(const SettingDecl& decl) const;  // Path and Keyword

 private:
  [[nodiscard]] const SettingValue& value_of(const SettingDecl& decl) const;
  std::map<std::string, SettingValue, std::less<>> values_;
};

// The settings of the HAL core, shared by every backend that discovers chips.
[[nodiscard]] std::span<const SettingDecl> core_settings();
extern const SettingDecl kSysfsRootSetting;  // --sysfs-root DIR (default /sys)
extern const SettingDecl kDevRootSetting;    // --dev-root DIR (default /dev)

}  // namespace hal
