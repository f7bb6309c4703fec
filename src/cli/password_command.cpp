// --password-cmd: running the command and taking the first line of its stdout.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
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

// The child: stdin /dev/null (a password command must never wait for our stdin, which may be
// the message), stdout into the pipe, stderr inherited.
int spawn(const std::vector<std::string>& words, int stdout_fd, pid_t& pid) {
  std::vector<char*> argv;
  for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp = child_environment();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  const int error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return error;
}

// Reads stdout up to the bound; past it the child is killed (it is ours, by pid) rather than
// drained forever.
bool read_output(int fd, pid_t pid, std::string& out) {
  out.reserve(kMaxPasswordSourceBytes + 1);
  std::array<char, 4096> chunk{};
  while (out.size() <= kMaxPasswordSourceBytes) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out.append(chunk.data(),
               std::min(static_cast<std::size_t>(got), kMaxPasswordSourceBytes + 1 - out.size()));
  }
  ::explicit_bzero(chunk.data(), chunk.size());
  if (out.size() <= kMaxPasswordSourceBytes) return true;
  ::kill(pid, SIGKILL);
  return false;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
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
  const int spawn_error = spawn(words, pipe_fds[1], pid);
  ::close(pipe_fds[1]);
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    return failure(ExitCode::no_input, fmt::format("cannot run {} command '{}': {}", what, command,
                                                   std::strerror(spawn_error)));
  }
  std::string output;
  const bool within_bound = read_output(pipe_fds[0], pid, output);
  ::close(pipe_fds[0]);
  PasswordOutcome outcome = judge(command, what, wait_for(pid), within_bound, output);
  wipe(output);
  return outcome;
}

}  // namespace smtpsend::cli
