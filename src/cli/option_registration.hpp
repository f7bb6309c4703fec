// The command line's values as CLI11 hands them over, one slot per option of the table
// (option_table.hpp), and their registration with CLI11. Private to src/cli.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "option_table.hpp"

namespace smtpsend::cli {

// Unchecked: typed and checked afterwards (option_values.hpp and the *_options.cpp files), so
// that every bad value gets the same style of sentence.
class RawOptions {
 public:
  RawOptions() = default;
  // CLI11 keeps pointers into the slots.
  RawOptions(const RawOptions&) = delete;
  RawOptions& operator=(const RawOptions&) = delete;

  const std::optional<std::string>& text(Option id) const { return slot(id).text; }
  const std::vector<std::string>& texts(Option id) const { return slot(id).texts; }
  bool flag(Option id) const { return slot(id).flag; }
  int count(Option id) const { return slot(id).count; }
  // The value as its conversion (option_table.hpp) reads it, named as the command line spells
  // it ("--mx-port").
  OptionInput input(Option id) const;

  // Registers every option of the table, in its order (which is --help's).
  void register_with(CLI::App& app);
  // Whether `id` appeared on the command line (after register_with and CLI11's parse). Asked
  // once per option and per key on every run, so it reads the CLI11 option kept at registration
  // rather than looking it up by name.
  bool given(Option id) const;

 private:
  struct Slot {
    std::optional<std::string> text;          // Shape::value
    std::vector<std::string> texts;           // Shape::values, Shape::positional
    bool flag = false;                        // Shape::flag
    int count = 0;                            // Shape::counted
    const CLI::Option* registered = nullptr;  // null: a configuration key with no option
  };
  const Slot& slot(Option id) const { return slots_[static_cast<std::size_t>(id)]; }

  std::array<Slot, kOptionCount> slots_{};
};

}  // namespace smtpsend::cli
