// SPDX-License-Identifier: MIT
#include "man_page.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control_protocol.hpp"
#include "hal/registry.hpp"

namespace blinkd {
namespace {

constexpr std::string_view kFlagValues = "1/0, true/false, yes/no or on/off";

// Fonts: what to type in bold, what to replace in italics (man-pages(7)).
std::string bold(std::string_view text) {
  return fmt::format(R"(\fB{}\fR)", roff_escape(text));
}
std::string italic(std::string_view text) {
  return fmt::format(R"(\fI{}\fR)", roff_escape(text));
}

// "-v, --verbose" or "--on DUR" in their fonts: the term of an option's .TP entry.
std::string option_term(const OptionSpec& spec) {
  std::string term;
  if (spec.short_name != 0) {
    term = bold(fmt::format("-{}", spec.short_name)) + ", ";
  }
  term += bold(fmt::format("--{}", spec.name));
  if (!spec.flag()) {
    term += " " + italic(spec.value_name);
  }
  return term;
}

std::string described(const OptionSpec& spec) {
  std::string text = spec.help;
  if (!spec.default_text.empty()) {
    text += fmt::format(" (default {})", spec.default_text);
  }
  return roff_escape(text) + ".";
}

std::string tagged(std::string_view term, std::string_view body) {
  return fmt::format(".TP\n{}\n{}\n", term, body);
}

std::string example(std::string_view command) {
  return fmt::format(".PP\n.RS\n.nf\n{}\n.fi\n.RE\n", roff_escape(command));
}

std::string name_section() {
  return "gpio\\-blinkd \\- blink GPIO output lines on embedded Linux boards\n";
}

std::string synopsis_section() {
  return fmt::format(".B gpio\\-blinkd\n[{}]... {}[,{}]...\n", italic("OPTION"), italic("LINE"),
                     italic("SETTING"));
}

std::string description_section() {
  return roff_escape(
             "gpio-blinkd drives GPIO output lines on and off on absolute deadlines, so the "
             "blink does not drift, until it is stopped or --count blinks are done. It runs as a "
             "systemd service (Type=notify, with a watchdog), in a container with /sys "
             "bind-mounted or /dev/gpiochipN passed in, or by hand.") +
         "\n.PP\n" +
         roff_escape(
             "Settings come from the options below, from GPIO_BLINKD_* environment variables "
             "(ENVIRONMENT) and, for one line only, after a comma behind the LINE (LINES). "
             "Options win over variables.") +
         "\n.PP\n" +
         roff_escape(
             "Every error is one line on standard error naming the input, file or line and what "
             "to do; the daemon then exits 1, so restart policies apply. Stopping it drives "
             "every line to its safe level (off) and releases it.") +
         "\n";
}

std::string lines_section(const std::vector<OptionSpec>& table) {
  std::string body = roff_escape("LINE names a GPIO line in one of these forms:") + "\n";
  body += tagged("a global number, e.g. " + bold("136"),
                 roff_escape("the kernel's sysfs number; it changes with kernels (Raspberry Pi "
                             "kernels 6.6 and later add 512)."));
  body += tagged(italic("CHIP") + ":" + italic("OFFSET") + ", e.g. " + bold("gpiochip0:17"),
                 roff_escape("the chip as its character device (gpiochip0 or /dev/gpiochip0) "
                             "or its label (pinctrl-bcm2711:17) names it; survives renumbering."));
  body += tagged("a line name, e.g. " + bold("GPIO17"),
                 roff_escape("from the device tree; survives renumbering."));
  body += ".PP\n" +
          roff_escape(
              "SETTINGs after a comma apply to that line only; each is also an option "
              "for every line:") +
          "\n";
  for (const auto& spec : table) {
    if (!spec.per_line()) {
      continue;
    }
    const std::string term =
        spec.flag() ? bold(spec.name) : bold(spec.name) + "=" + italic(spec.value_name);
    body += tagged(term, described(spec));
  }
  body += example("gpio-blinkd --on 100ms --off 900ms GPIO17 GPIO27,phase=500ms,active-low");
  return body;
}

std::string options_section(const std::vector<OptionSpec>& table) {
  std::string body = roff_escape(
                         "DUR is a number with a unit: ns, us, ms, s, m or h (250us, 500ms, "
                         "1.5s, 2m); a bare number is refused.") +
                     "\n";
  for (const Section section : {Section::Timing, Section::Lines, Section::Control, Section::Backend,
                                Section::Output, Section::Actions}) {
    body += fmt::format(".SS {}\n", section_title(section));
    if (section == Section::Backend) {
      body += roff_escape("Backends compiled into this binary:") + "\n";
      for (const auto& backend : hal::backends()) {
        if (backend.create != nullptr) {
          body += tagged(bold(backend.name), roff_escape(backend.summary) + ".");
        }
      }
    }
    for (const auto& spec : table) {
      if (spec.section != section || !spec.on_command_line()) {
        continue;
      }
      std::string text = described(spec);
      if (!spec.backend.empty()) {
        text = fmt::format("{} backend{}: {}", roff_escape(spec.backend),
                           spec.available ? "" : " (not compiled into this binary)", text);
      }
      body += tagged(option_term(spec), text);
    }
  }
  return body;
}

std::string environment_section(const std::vector<OptionSpec>& table) {
  std::string body =
      roff_escape(fmt::format("Every option but the actions and -v/-q can be given as a variable; "
                              "flags take {}. An unknown GPIO_BLINKD_* variable is an error, so "
                              "a misspelt setting never passes silently.",
                              kFlagValues)) +
      "\n";
  for (const auto& spec : table) {
    if (!spec.in_environment()) {
      continue;
    }
    const std::string value = spec.flag() ? "BOOL" : spec.value_name;
    const std::string term = bold(variable_name(spec)) + "=" + italic(value);
    const std::string text = spec.on_command_line()
                                 ? "as " + bold(fmt::format("--{}", spec.name)) + "."
                                 : described(spec);
    body += tagged(term, text);
  }
  body += tagged(bold("NOTIFY_SOCKET") + ", " + bold("WATCHDOG_USEC"),
                 roff_escape("set by systemd (Type=notify, WatchdogSec=): the daemon reports "
                             "READY=1 and STATUS= and pings the watchdog at half its interval."));
  return body;
}

std::string control_section() {
  std::string body =
      roff_escape(
          "Unless --control none, the daemon listens on a local stream socket (the socket unit's, "
          "when systemd passes one) for one-line commands from other programs, and ") +
      bold("gpio-blinkd ctl") + " " + italic("COMMAND") +
      roff_escape(
          " sends one and prints the reply: exit 0 when the daemon answered ok, 1 when it "
          "answered error, 2 when no daemon could be reached or it did not answer in time. "
          "ctl takes --control PATH and --timeout DUR (default 10s). Without --control or "
          "GPIO_BLINKD_CONTROL it uses the first socket that exists: as root "
          "/run/gpio-blinkd/control; as another user $XDG_RUNTIME_DIR/gpio-blinkd/control (a "
          "daemon of that user's), then /run/gpio-blinkd/control (the system daemon's, made by "
          "gpio-blinkd.socket: members of group gpio may use it). The commands:") +
      "\n";
  for (const auto& line : protocol_help()) {
    std::string_view text = line;
    if (text.starts_with("help ")) {
      text.remove_prefix(5);
    }
    const std::size_t gap = text.find("  ");
    const std::string_view command = text.substr(0, gap);
    std::string_view what = gap == std::string_view::npos ? std::string_view() : text.substr(gap);
    what.remove_prefix(std::min(what.find_first_not_of(' '), what.size()));
    body += tagged(bold(command), roff_escape(what) + ".");
  }
  body += example("gpio-blinkd ctl state error");
  body += example("gpio-blinkd ctl identify GPIO17 30s");
  return body;
}

std::string files_section(const ManPageInfo& info) {
  std::string body;
  body += tagged(italic(info.config_file),
                 roff_escape("settings of gpio-blinkd.service, its EnvironmentFile: one "
                             "GPIO_BLINKD_NAME=VALUE per line. Nothing blinks until "
                             "GPIO_BLINKD_LINES is set: until then the unit is skipped."));
  body += tagged(italic(info.instance_config_dir + "/INSTANCE.conf"),
                 roff_escape("optional settings of gpio-blinkd@INSTANCE.service, which blinks "
                             "the line its instance names (gpio-blinkd@GPIO17)."));
  body += tagged(italic("/run/gpio-blinkd/control"),
                 roff_escape("the control socket of gpio-blinkd.service, made by "
                             "gpio-blinkd.socket (root:gpio 0660); an instance's is "
                             "/run/gpio-blinkd/INSTANCE.control."));
  body += tagged(italic(info.doc_dir + "/deployment.md"),
                 roff_escape("installing, the group gpio, udev rules, the units' sandbox, "
                             "containers and troubleshooting."));
  return body;
}

std::string exit_status_section() {
  return tagged(bold("0"), roff_escape("stopped by SIGTERM, SIGINT or SIGHUP, or --count done; "
                                       "--help, --version, a valid --check.")) +
         tagged(bold("1"), roff_escape("any error: invalid options or variables, a line that "
                                       "cannot be resolved, exported or driven, a chip that "
                                       "goes away while blinking."));
}

std::string signals_section() {
  return tagged(bold("SIGTERM") + ", " + bold("SIGINT") + ", " + bold("SIGHUP"),
                roff_escape("drive every line to its safe level (off; physically high for an "
                            "active-low line), release it and exit 0, also during setup.")) +
         tagged(bold("SIGUSR1"),
                roff_escape("log one line of statistics: toggles, worst lateness, overruns."));
}

std::string see_also_section() {
  return bold("systemctl") + "(1), " + bold("journalctl") + "(1), " + bold("systemd.service") +
         "(5), " + bold("systemd.exec") + "(5), " + bold("udev") + "(7), " + bold("gpioinfo") +
         "(1)\n";
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) {
      out += "\\&";
    }
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::vector<ManSection> man_page_sections(const std::vector<OptionSpec>& table,
                                          const ManPageInfo& info) {
  return {
      {"NAME", name_section()},
      {"SYNOPSIS", synopsis_section()},
      {"DESCRIPTION", description_section()},
      {"LINES", lines_section(table)},
      {"OPTIONS", options_section(table)},
      {"CONTROL", control_section()},
      {"ENVIRONMENT", environment_section(table)},
      {"FILES", files_section(info)},
      {"EXIT STATUS", exit_status_section()},
      {"SIGNALS", signals_section()},
      {"SEE ALSO", see_also_section()},
  };
}

std::string man_page(const std::vector<OptionSpec>& table, const ManPageInfo& info) {
  std::string page = fmt::format(
      ".\\\" Generated by gpio-blinkd-man from the option table; edit src/man_page.cpp.\n"
      ".TH GPIO\\-BLINKD 8 \"{}\" \"gpio\\-blinkd {}\" \"System Administration\"\n",
      roff_escape(info.date), roff_escape(info.version));
  for (const auto& section : man_page_sections(table, info)) {
    page += fmt::format(".SH {}\n{}", section.title, section.body);
  }
  return page;
}

}  // namespace blinkd
