// --password-cmd: running the command and taking the first line of its stdout.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/cli/password_source.hpp"

extern char** environ;

namespace smtpsend::cli {
namespace {

// Characters that make a command line mean more than "program and arguments"; with any of them
// only a shell can run the command as the user wrote it.
constexpr std::string_view kShellMetacharacters = "|&;<>()$`\\\"'*?[]#~=%{}!\n";

std::vector<std::string> split_on_blanks(std::string_view command) {
  std::vector<std::string> words;
  std::size_t start = command.find_first_not_of(" \t");
  while (start != std::string_view::npos) {
    const std::size_t end = command.find_first_of(" \t", start);
    words.emplace_back(command.substr(start, end - start));
    start = command.find_first_not_of(" \t", end);
  }
  return words;
}

std::vector<std::string> argv_for(const std::string& command) {
  if (needs_shell(command)) return {"/bin/sh", "-c", command};
  return split_on_blanks(command);
}

PasswordOutcome failure(ExitCode code, std::string sentence) {
  PasswordOutcome outcome;
  outcome.exit_code = code;
  outcome.error = std::move(sentence);
  return outcome;
}

// Our environment without $SMTPSEND_PASSWORD: a password or token command has no use for the
// secret, and whatever it runs in turn (a shell, gpg, an OAuth helper) must not inherit it.
std::vector<char*> child_environment() {
  const std::string hidden = std::string(kPasswordEnvironmentVariable) + "=";
  std::vector<char*> kept;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!std::string_view(*entry).starts_with(hidden)) kept.push_back(*entry);
  }
  kept.push_back(nullptr);
  return kept;
}

// A terminal to prompt on (gpg's pinentry, pass): the command must stay in the terminal's
// foreground process group, where reading the terminal does not stop it (SIGTTIN).
bool may_prompt_on_a_terminal() {
  return ::isatty(STDIN_FILENO) != 0 || ::isatty(STDERR_FILENO) != 0;
}

// The child: stdin /dev/null (a password command must never wait for our stdin, which may be
// the message), stdout into the pipe, stderr inherited. Without a terminal it leads a process
// group of its own, so that giving up on it ends whatever it started too.
int spawn(const std::vector<std::string>& words, int stdout_fd, bool own_group, pid_t& pid) {
  std::vector<char*> argv;
  for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp = child_environment();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (own_group) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  const int error = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return error;
}

enum class Read { done, too_much, too_long };

// Waits at most until `deadline` for the pipe to be readable (EOF included).
bool readable_before(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watched{fd, POLLIN, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let read() report the problem
  }
}

// Reads stdout up to the size bound and the time bound; past either the child is killed rather
// than drained or waited for forever.
Read read_output(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
  out.reserve(kMaxPasswordSourceBytes + 1);
  std::array<char, 4096> chunk{};
  Read result = Read::done;
  while (out.size() <= kMaxPasswordSourceBytes) {
    if (!readable_before(fd, deadline)) {
      result = Read::too_long;
      break;
    }
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out.append(chunk.data(),
               std::min(static_cast<std::size_t>(got), kMaxPasswordSourceBytes + 1 - out.size()));
  }
  ::explicit_bzero(chunk.data(), chunk.size());
  if (result == Read::done && out.size() > kMaxPasswordSourceBytes) result = Read::too_much;
  return result;
}

// The child (its group, when it leads one) is ours, known by pid: never a name-based kill.
void kill_child(pid_t pid, bool own_group) {
  ::kill(own_group ? -pid : pid, SIGKILL);
}

// The exit status, or nullopt when the child has not exited by `deadline` (then it is killed
// and reaped).
std::optional<int> wait_for(pid_t pid, bool own_group,
                            std::chrono::steady_clock::time_point deadline) {
  int status = 0;
  for (;;) {
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return status;
    if (reaped < 0 && errno != EINTR) return status;
    if (std::chrono::steady_clock::now() >= deadline) break;
    ::usleep(10'000);  // stdout is closed: only the exit itself is left to wait for
  }
  kill_child(pid, own_group);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::nullopt;
}

std::string status_problem(int status) {
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return fmt::format("exited with status {}", WEXITSTATUS(status));
  }
  return {};
}

PasswordOutcome judge(const std::string& command, std::string_view what, int status,
                      bool within_bound, std::string_view output) {
  if (const std::string problem = status_problem(status); !problem.empty() && within_bound) {
    return failure(ExitCode::no_input, fmt::format("{} command '{}' {}", what, command, problem));
  }
  if (!within_bound) {
    return failure(ExitCode::no_input, fmt::format("{} command '{}' printed more than {} bytes",
                                                   what, command, kMaxPasswordSourceBytes));
  }
  if (first_line(output).empty()) {
    return failure(ExitCode::no_input,
                   fmt::format("{} command '{}' printed no {}", what, command, what));
  }
  PasswordOutcome outcome;
  outcome.secret.emplace(first_line(output));
  return outcome;
}

}  // namespace

bool needs_shell(std::string_view command) noexcept {
  return command.find_first_of(kShellMetacharacters) != std::string_view::npos;
}

PasswordOutcome run_password_command(const std::string& command, std::string_view what) {
  const std::vector<std::string> words = argv_for(command);
  if (words.empty())
    return failure(ExitCode::no_input, fmt::format("the {} command is empty", what));
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    return failure(ExitCode::os_error, fmt::format("cannot make a pipe for the {} command: {}",
                                                   what, std::strerror(errno)));
  }
  pid_t pid = 0;
  const bool own_group = !may_prompt_on_a_terminal();
  const int spawn_error = spawn(words, pipe_fds[1], own_group, pid);
  ::close(pipe_fds[1]);
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    return failure(ExitCode::no_input, fmt::format("cannot run {} command '{}': {}", what, command,
                                                   std::strerror(spawn_error)));
  }
  const auto deadline = std::chrono::steady_clock::now() + kPasswordCommandTimeout;
  std::string output;
  const Read read = read_output(pipe_fds[0], deadline, output);
  ::close(pipe_fds[0]);
  if (read != Read::done) kill_child(pid, own_group);
  const std::optional<int> status = wait_for(pid, own_group, deadline);
  PasswordOutcome outcome;
  if (read == Read::too_long || !status) {
    outcome =
        failure(ExitCode::no_perm,
                fmt::format("{} command '{}' did not finish within {} seconds; it was stopped",
                            what, command, kPasswordCommandTimeout.count()));
  } else {
    outcome = judge(command, what, *status, read == Read::done, output);
  }
  wipe(output);
  return outcome;
}

}  // namespace smtpsend::cli
