// SPDX-License-Identifier: MIT
// An in-process simulated GPIO chip set for bench demos and daemon tests. It behaves
// like a small board: a SoC bank at base 0 whose line 136 is PE8 (the C.H.I.P. Pro
// LED of the original gadget-blink), and a Raspberry-Pi-like header chip at base 512
// with lines GPIO0..GPIO27. Every level change is shown on the display fd.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "hal/registry.hpp"

namespace hal {
namespace {

constexpr std::array<std::string_view, 2> kDisplayWords{"stdout", "none"};
const SettingDecl kSimDisplay{"sim-display",
                              SettingKind::Keyword,
                              "WHERE",
                              "stdout: show every level change of the simulated lines; none: "
                              "show nothing (long runs, benchmarks)",
                              std::string("stdout"),
                              {},
                              {},
                              kDisplayWords};
const std::array kSimSettings{kSimDisplay};

struct SimLine {
  std::string consumer;
  bool requested = false;
  bool active_low = false;
  bool physical_high = false;
};

struct SimChip {
  ChipInfo info;
  std::vector<SimLine> lines;
};

struct SimBoard {
  std::vector<SimChip> chips;
  int display_fd = 1;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  void show(const ResolvedLine& line, std::string_view event) const {
    if (display_fd < 0) {
      return;
    }
    const std::chrono::duration<double> since = std::chrono::steady_clock::now() - start;
    std::string text = fmt::format("sim {:9.3f}s  {:<8} {}:{:<3} {}\n", since.count(), line.name,
                                   line.chip, line.offset, event);
    // One write per line so concurrent output never splits it; a closed display is
    // not an error worth stopping the blink for.
    [[maybe_unused]] auto written = ::write(display_fd, text.data(), text.size());
  }
};

SimChip make_chip(std::string name, std::string label, unsigned base, unsigned ngpio,
                  const std::function<std::string(unsigned)>& line_name) {
  SimChip chip;
  chip.info.name = std::move(name);
  chip.info.label = std::move(label);
  chip.info.base = base;
  chip.info.ngpio = ngpio;
  for (unsigned offset = 0; offset < ngpio; ++offset) {
    chip.info.lines.push_back(LineInfo{offset, line_name(offset), {}, false, false, false});
  }
  chip.lines.resize(ngpio);
  return chip;
}

std::shared_ptr<SimBoard> make_board(int display_fd) {
  auto board = std::make_shared<SimBoard>();
  board->display_fd = display_fd;
  constexpr unsigned kBankSize = 32;
  board->chips.push_back(make_chip("gpiochip0", "sim-soc", 0, 6 * kBankSize, [](unsigned o) {
    return fmt::format("P{}{}", static_cast<char>('A' + o / kBankSize), o % kBankSize);
  }));
  board->chips.push_back(make_chip("gpiochip1", "sim-header", 512, 28,
                                   [](unsigned o) { return fmt::format("GPIO{}", o); }));
  return board;
}

// One line the sim board lends out.
class SimOutputLine {
 public:
  SimOutputLine(std::shared_ptr<SimBoard> board, std::size_t chip, ResolvedLine resolved,
                OnExit on_exit)
      : board_(std::move(board)), chip_(chip), resolved_(std::move(resolved)), on_exit_(on_exit) {}

  void set(bool on) {
    SimLine& line = state();
    const bool physical = on != line.active_low;
    if (physical == line.physical_high) {
      return;
    }
    line.physical_high = physical;
    show_level();
  }

  void show_level() const {
    const SimLine& line = state();
    const bool on = line.physical_high != line.active_low;
    board_->show(resolved_, line.active_low
                                ? fmt::format("{:<3} (active-low: physical {})", on ? "on" : "off",
                                              line.physical_high ? "high" : "low")
                                : std::string(on ? "on" : "off"));
  }

  // Off, then what on-exit says, then handed back to the board.
  void release() {
    set(false);
    const bool active_low = state().active_low;
    auto& chip = board_->chips[chip_];
    chip.lines[resolved_.offset] = SimLine{};
    auto& info = chip.info.lines[resolved_.offset];
    info.used = false;
    info.consumer.clear();
    switch (on_exit_) {
      case OnExit::Keep:
        board_->show(resolved_, "released, kept as an output at its off level");
        break;
      case OnExit::Park:
        board_->show(resolved_, active_low ? "released, parked as an input pulled up"
                                           : "released, parked as an input pulled down");
        break;
      case OnExit::Default:
      case OnExit::Release:
        board_->show(resolved_, "released");
        break;
    }
  }

 private:
  [[nodiscard]] SimLine& state() const { return board_->chips[chip_].lines[resolved_.offset]; }

  std::shared_ptr<SimBoard> board_;
  std::size_t chip_;
  ResolvedLine resolved_;
  OnExit on_exit_;
};

class SimBank final : public OutputBank {
 public:
  SimBank() = default;
  SimBank(const SimBank&) = delete;
  SimBank& operator=(const SimBank&) = delete;
  SimBank(SimBank&&) = delete;
  SimBank& operator=(SimBank&&) = delete;
  ~SimBank() override { (void)release(); }

  void add(SimOutputLine line) { lines_.push_back(std::move(line)); }

  void set(std::span<const LevelChange> changes) override {
    for (const auto& change : changes) {
      lines_[change.line].set(change.on);
    }
  }

  std::vector<std::string> release() noexcept override {
    for (auto& line : lines_) {
      try {
        line.release();
      } catch (...) {  // NOLINT(bugprone-empty-catch): showing is best effort on release
      }
    }
    lines_.clear();
    return {};
  }

 private:
  std::vector<SimOutputLine> lines_;
};

class SimBackend final : public Backend {
 public:
  explicit SimBackend(const BackendOptions& options)
      : board_(make_board(options.settings.text(kSimDisplay) == "none" ? -1 : options.display_fd)),
        consumer_(options.consumer) {}

  [[nodiscard]] std::string_view name() const override { return "sim"; }

  [[nodiscard]] Lines open(std::span<const LineRequest> requests) override {
    auto bank = std::make_unique<SimBank>();
    for (const auto& request : requests) {
      bank->add(open_line(request));
    }
    return Lines(std::move(bank));
  }

  [[nodiscard]] std::vector<ChipInfo> list_chips() override { return chip_infos(); }

 protected:
  [[nodiscard]] std::vector<ResolvedLine> resolve_lines(std::span<const LineSpec> specs) override {
    const auto chips = chip_infos();
    std::vector<ResolvedLine> resolved;
    for (const auto& spec : specs) {
      resolved.push_back(resolve_on_chips(spec, chips));
    }
    return resolved;
  }

 private:
  [[nodiscard]] SimOutputLine open_line(const LineRequest& request) {
    const ResolvedLine& resolved = request.line;
    std::size_t chip_index = 0;
    while (board_->chips[chip_index].info.name != resolved.chip) {
      ++chip_index;
    }
    SimChip& chip = board_->chips[chip_index];
    SimLine& line = chip.lines[resolved.offset];
    if (line.requested) {
      throw Error(fmt::format("line '{}'", request.name),
                  fmt::format("{} is busy", resolved.describe()), EBUSY,
                  fmt::format("already requested by consumer '{}'", line.consumer));
    }
    line = SimLine{consumer_, true, request.settings.active_low, request.settings.active_low};
    auto& info = chip.info.lines[resolved.offset];
    info.used = true;
    info.output = true;
    info.active_low = request.settings.active_low;
    info.consumer = consumer_;
    SimOutputLine output(board_, chip_index, resolved, request.settings.on_exit);
    output.show_level();
    return output;
  }

  [[nodiscard]] std::vector<ChipInfo> chip_infos() const {
    std::vector<ChipInfo> infos;
    for (const auto& chip : board_->chips) {
      infos.push_back(chip.info);
    }
    return infos;
  }

  std::shared_ptr<SimBoard> board_;
  std::string consumer_;
};

}  // namespace

namespace registry {

const BackendDescriptor& sim() {
  static const BackendDescriptor descriptor{
      "sim",
      "simulated chips in this process, levels shown on stdout (bench demos; never auto)",
      kSimSettings,
      0,
      [](const BackendOptions&) { return std::string(); },
      [](const BackendOptions& options) -> std::unique_ptr<Backend> {
        return std::make_unique<SimBackend>(options);
      }};
  return descriptor;
}

}  // namespace registry
}  // namespace hal
