#include "option_registration.hpp"

namespace smtpsend::cli {

void RawOptions::register_with(CLI::App& app) {
  for (const OptionSpec& spec : option_table()) {
    Slot& slot = slots_[static_cast<std::size_t>(spec.id)];
    const std::string names(spec.names);
    const std::string help(spec.help);
    const std::string value_name(spec.value_name);
    switch (spec.shape) {
      case Shape::help_flag:
        slot.registered = app.set_help_flag(names, help);
        break;
      case Shape::flag:
        slot.registered = app.add_flag(names, slot.flag, help);
        break;
      case Shape::counted:
        slot.registered = app.add_flag(names, slot.count, help);
        break;
      case Shape::value:
        // Given twice, the last value counts, as with most Unix tools.
        slot.registered = app.add_option(names, slot.text, help)
                              ->type_name(value_name)
                              ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        break;
      case Shape::values:
        // One value per occurrence, so "-m a.eml bob@example.com" keeps bob as a recipient.
        slot.registered =
            app.add_option(names, slot.texts, help)->type_name(value_name)->allow_extra_args(false);
        break;
      case Shape::positional:
        slot.registered = app.add_option(names, slot.texts, help)->type_name(value_name);
        break;
      case Shape::key_only:
        break;
    }
  }
}

OptionInput RawOptions::input(Option id) const {
  const Slot& given = slot(id);
  OptionInput in;
  in.name = command_line_name(option_spec(id));
  in.texts = given.text ? std::span<const std::string>(&*given.text, 1)
                        : std::span<const std::string>(given.texts);
  in.flag = given.flag;
  in.count = given.count;
  return in;
}

bool RawOptions::given(Option id) const {
  const CLI::Option* registered = slot(id).registered;
  return registered != nullptr && registered->count() > 0;
}

}  // namespace smtpsend::cli
