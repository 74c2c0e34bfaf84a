// SPDX-License-Identifier: MIT
// gpio-blinkd(8), generated from the option table like --help, so the page names every
// option and variable the binary reads. The page is a list of sections; a new part of
// the program (the `ctl` client) adds its section to man_page_sections().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "option_table.hpp"

namespace blinkd {

// What the page says that the option table does not know: where things are installed.
struct ManPageInfo {
  std::string version;              // "0.1.0+g8deb120"
  std::string date;                 // "2026-11-30": the source's date, not the build's
  std::string config_file;          // EnvironmentFile of gpio-blinkd.service
  std::string instance_config_dir;  // INSTANCE.conf of gpio-blinkd@.service
  std::string doc_dir;              // where deployment.md is installed
};

struct ManSection {
  std::string title;  // "OPTIONS"; upper case, as man-pages(7) has them
  std::string body;   // roff, escaped
};

[[nodiscard]] std::vector<ManSection> man_page_sections(const std::vector<OptionSpec>& table,
                                                        const ManPageInfo& info);

// The whole page: .TH header and every section.
[[nodiscard]] std::string man_page(const std::vector<OptionSpec>& table, const ManPageInfo& info);

// `text` safe as roff text: backslashes and hyphens escaped, a leading '.' or '\''
// (a request) defused.
[[nodiscard]] std::string roff_escape(std::string_view text);

}  // namespace blinkd
