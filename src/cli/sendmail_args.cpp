// sendmail's command line, translated into smtpsend's. The accepted letters are those of
// sendmail 8 and Postfix's sendmail(1) that a sending-only client can honour or safely ignore;
// docs/decisions.md ("sendmail personality") lists each with the reason.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "option_table.hpp"
#include "smtpsend/cli/sendmail.hpp"

namespace smtpsend::cli {
namespace {

// getopt-style: these letters take a value, attached ("-fuser@x") or as the next argument.
constexpr std::string_view kLettersWithValue = "ABCFLNORVbefor";
// Flags honoured (-i, -t, -v) or ignored: -m/-om "me too" (no aliases here), -U "initial user
// submission" and -G "gateway submission" (sendmail's header rewriting, which smtpsend never does).
constexpr std::string_view kFlags = "itvmUG";
// sendmail -e/-oe error modes (e, m, p, q, w): smtpsend always reports on stderr and in its
// exit status, which is what the caller (cron, mailx) reads.
constexpr std::string_view kErrorModes = "empqw";

struct Mode {
  std::string_view option;
  std::string_view what;
};
constexpr std::array<Mode, 10> kModesNotSupported{{
    {"-bs", "SMTP on standard input"},
    {"-bd", "run as a daemon"},
    {"-bD", "run as a daemon"},
    {"-bi", "rebuild the aliases database"},
    {"-bv", "verify addresses"},
    {"-bt", "address test mode"},
    {"-bh", "print host status"},
    {"-bH", "purge host status"},
    {"-bP", "print queue counts"},
    {"-I", "rebuild the aliases database"},
}};

// sendmail's queue interval ("30m", "1h30m"; empty: none).
bool is_interval(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("smhdw").find(c) != std::string_view::npos;
  });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Translator {
 public:
  SendmailArgs take() && {
    result_.dot_line_ends_input = !ignore_dots_;
    return std::move(result_);
  }

  // One argument starting with a single '-': a cluster of letters, the last of which may take
  // a value. `next` is the following argument, consumed when the value is not attached.
  bool cluster(const std::string& arg, const std::string* next, bool& consumed_next) {
    for (std::size_t pos = 1; pos < arg.size(); ++pos) {
      const char letter = arg[pos];
      if (kLettersWithValue.find(letter) != std::string_view::npos) {
        if (pos + 1 < arg.size()) return with_value(letter, arg.substr(pos + 1));
        if (next == nullptr) return fail(fmt::format("sendmail option -{} needs a value", letter));
        consumed_next = true;
        return with_value(letter, *next);
      }
      if (kFlags.find(letter) != std::string_view::npos) {
        flag(letter);
      } else if (letter == 'q') {
        return run_queue(arg.substr(pos + 1));
      } else if (letter == 'I') {
        return not_supported(std::string("-") + letter);
      } else {
        return unknown(std::string("-") + letter);
      }
    }
    return true;
  }

  void pass_through(const std::string& arg) { result_.smtpsend_args.push_back(arg); }

 private:
  // smtpsend's option as the table spells it: its first spelling ("-f", "-t"), or its long name
  // when `long_name` ("--from-name", "--dsn-notify").
  static std::string spelled(Option id, bool long_name = false) {
    const OptionSpec& spec = option_spec(id);
    return std::string(long_name ? command_line_name(spec) : spellings(spec).front());
  }

  void emit(std::string option, std::string value) {
    result_.smtpsend_args.push_back(std::move(option));
    result_.smtpsend_args.push_back(std::move(value));
  }

  void flag(char letter) {
    if (letter == 'i') ignore_dots_ = true;
    if (letter == 't') result_.smtpsend_args.push_back(spelled(Option::read_recipients));
    if (letter == 'v') result_.smtpsend_args.push_back(spelled(Option::verbose));
  }

  bool with_value(char letter, const std::string& value) {
    switch (letter) {
      case 'f':  // envelope sender
      case 'r':  // the older spelling of -f
        emit(spelled(Option::from), value);
        return true;
      case 'F':
        emit(spelled(Option::from_name, true), value);
        return true;
      case 'C':
        emit(spelled(Option::config, true), value);
        return true;
      case 'N':
        emit(spelled(Option::dsn_notify, true), value);
        return true;
      case 'R':
        emit(spelled(Option::dsn_return, true), value);
        return true;
      case 'V':
        emit(spelled(Option::dsn_envid, true), value);
        return true;
      case 'B':
        return body_type(value);
      case 'O':
        long_option(value);
        return true;
      case 'L':  // syslog tag: smtpsend does not log to syslog
        return true;
      case 'A':  // -Ac / -Am: which sendmail.cf to read; smtpsend has one configuration
        return value == "c" || value == "m" ? true : unknown("-A" + value);
      case 'e':
        return error_mode("-e", value);
      case 'b':
        if (value == "p") return subcommand({"queue", "list"});  // SPEC.md "Invocation"
        return value == "m" ? true : not_supported("-b" + value);
      case 'o':
        return short_o(value);
      default:
        return unknown(std::string("-") + letter);
    }
  }

  // -B: RFC 6152 body type. smtpsend looks at the bytes themselves and declares
  // BODY=8BITMIME when they need it, so the caller's claim is checked but not needed.
  bool body_type(const std::string& value) {
    const std::string type = lower(value);
    if (type == "7bit" || type == "8bitmime") return true;
    return fail(fmt::format("sendmail option -B must be 7BIT or 8BITMIME, not '{}'", value));
  }

  // -O Name=value: sendmail's long configuration options. Only IgnoreDots (= -i) means
  // something to a client; the others configure sendmail's queue and daemon, and are ignored.
  void long_option(const std::string& value) {
    const std::size_t equals = value.find('=');
    if (lower(value.substr(0, equals)) != "ignoredots") return;
    const std::string setting =
        equals == std::string::npos ? "true" : lower(value.substr(equals + 1));
    ignore_dots_ = setting == "true" || setting == "t" || setting == "yes" || setting == "y";
  }

  // -o followed by one letter is sendmail's short configuration option.
  bool short_o(const std::string& value) {
    if (value == "i") {
      ignore_dots_ = true;
      return true;
    }
    if (value == "m") return true;  // "me too", see kFlags
    if (value.starts_with('e')) return error_mode("-oe", value.substr(1));
    // -odi (interactive) and -odb (background): smtpsend always delivers before it exits, so
    // the caller learns the outcome either way. -odq/-odd ask for a queue it does not have.
    if (value == "di" || value == "db") return true;
    // -odq (and -odd, deferred: sendmail's "queue, and skip even the DNS lookups") queue only.
    if (value == "dq" || value == "dd") {
      emit(spelled(Option::queue, true), "always");
      return true;
    }
    return unknown("-o" + value);
  }

  // -q: run the queue now (as `smtpsend queue run --all`). A daemon's interval (-q30m) is
  // accepted and means once: the timer or cron provides the repetition. -qI<id> runs one entry.
  bool run_queue(std::string_view rest) {
    if (rest.starts_with('I') && rest.size() > 1) {
      return subcommand({"queue", "run", std::string(rest.substr(1))});
    }
    if (!is_interval(rest)) return unknown("-q" + std::string(rest));
    return subcommand({"queue", "run", "--all"});
  }

  bool subcommand(std::vector<std::string> words) {
    result_.subcommand = std::move(words);
    return true;
  }

  bool error_mode(std::string_view option, const std::string& mode) {
    if (mode.size() == 1 && kErrorModes.find(mode[0]) != std::string_view::npos) return true;
    return unknown(std::string(option) + mode);
  }

  bool not_supported(const std::string& option) {
    const auto mode = std::find_if(kModesNotSupported.begin(), kModesNotSupported.end(),
                                   [&](const Mode& m) { return m.option == option; });
    if (mode == kModesNotSupported.end()) {
      return fail(
          fmt::format("sendmail mode {} is not supported: smtpsend only sends mail (-bm)", option));
    }
    return fail(fmt::format("sendmail {} ({}) is not supported: smtpsend only sends mail (-bm)",
                            option, mode->what));
  }

  bool unknown(const std::string& option) {
    return fail(
        fmt::format("sendmail option {} is not supported by smtpsend (see SENDMAIL "
                    "PERSONALITY in smtpsend(1))",
                    option));
  }

  bool fail(std::string sentence) {
    result_.error = std::move(sentence);
    return false;
  }

  SendmailArgs result_;
  bool ignore_dots_ = false;
};

}  // namespace

namespace {

std::string_view program_name(std::string_view argv0) {
  const std::size_t slash = argv0.rfind('/');
  return argv0.substr(slash == std::string_view::npos ? 0 : slash + 1);
}

}  // namespace

bool invoked_as_sendmail(std::string_view argv0) {
  return program_name(argv0) == "sendmail";
}

bool invoked_as_mailq(std::string_view argv0) {
  return program_name(argv0) == "mailq";
}

SendmailArgs translate_sendmail_args(std::span<const std::string> args) {
  Translator translator;
  bool positional_only = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // Recipients, "-" and everything after "--" are not options. Long options are smtpsend's
    // (sendmail has none); a value of theirs that does not start with '-' passes through as
    // the next argument, one that does must be attached ("--from=-x").
    const bool sendmail_option =
        !positional_only && arg.size() > 1 && arg[0] == '-' && !arg.starts_with("--");
    if (!positional_only && arg == "--") positional_only = true;
    if (!sendmail_option) {
      translator.pass_through(arg);
      continue;
    }
    bool consumed_next = false;
    const std::string* next = i + 1 < args.size() ? &args[i + 1] : nullptr;
    if (!translator.cluster(arg, next, consumed_next)) break;
    if (consumed_next) ++i;
  }
  return std::move(translator).take();
}

}  // namespace smtpsend::cli
