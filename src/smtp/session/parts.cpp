// The mechanics of the session's state parts (impl.hpp), which decide no protocol step:
// cutting composed commands and message data into Writes, taking message data in, and
// settling recipient slots.
#include <algorithm>
#include <cassert>
#include <utility>

#include "impl.hpp"

namespace smtpsend::smtp {

// ---- DataStream ----

void DataStream::take(std::string_view bytes) {
  offset += bytes.size();
  if (chunked) {
    stuffed.append(bytes);  // BDAT counts octets: sent as they are
  } else {
    stuffer.feed(bytes, stuffed);
  }
}

void DataStream::end() {
  if (!chunked) stuffer.finish(stuffed);
  end_marked = true;
}

// ---- CommandBuffer ----

// The buffer grows by hand rather than by append's reallocation, which would free the old
// block, secret and all, without wiping it.
void CommandBuffer::append_line(std::string_view line, bool secret_line) {
  const std::size_t needed = bytes.size() + line.size() + 2;
  if (needed > bytes.capacity()) {
    std::string grown;
    grown.reserve(std::max(needed, 2 * bytes.capacity()));
    grown.append(bytes);
    if (secret) wipe(bytes);
    bytes.swap(grown);
  }
  bytes.append(line);
  bytes.append("\r\n");
  secret = secret || secret_line;
}

std::string CommandBuffer::take_front(std::size_t n) {
  n = std::min(n, bytes.size());
  std::string front = bytes.substr(0, n);
  if (!secret) {
    bytes.erase(0, n);
    return front;
  }
  // erase() would leave the secret's bytes in the capacity behind the new end.
  std::string rest = bytes.substr(n);
  wipe(bytes);
  bytes.swap(rest);
  secret = !bytes.empty();
  return front;
}

// ---- Pipeline ----

Pipeline::~Pipeline() {
  drop_in_flight();
  outgoing.clear();
}

void Pipeline::drop_in_flight() noexcept {
  if (in_flight && in_flight->secret) wipe(in_flight->bytes);
  in_flight.reset();
}

// RFC 2920 §3.1: writes are bounded by max_write so a client blocked writing can never wait on
// a server blocked writing replies. The Write that ends message data ends at its final dot; the
// commands behind it (the trailer) go in a Write of their own.
Write Pipeline::take_write(std::size_t max_write) {
  assert(!in_flight);
  if (!outgoing.empty()) {
    const bool secret = outgoing.secret;
    const std::size_t n = std::min(max_write, outgoing.bytes.size());
    Write write{outgoing.take_front(n), outgoing.stage};
    write.secret = secret;
    return write;
  }
  DataStream& stream = *data;
  Write write{{}, Stage::data_block, true};
  if (stream.stuffed.size() <= max_write) {
    write.bytes.swap(stream.stuffed);  // the usual case: the whole block, without a copy
  } else {
    write.bytes = stream.stuffed.substr(0, max_write);
    stream.stuffed.erase(0, max_write);
  }
  if (stream.exhausted()) {
    final_dot_handed_out = true;
    outgoing.bytes = std::move(stream.trailer.bytes);
    outgoing.stage = stream.trailer.stage;
    outgoing.secret = stream.trailer.secret;
    data.reset();
  }
  return write;
}

// Slices are asked for until a block is ready or the content ended. Stuffing at most doubles a
// slice, so what is held stays within a few blocks.
ReadBody Pipeline::body_request(std::size_t max_write) const {
  return ReadBody{data->content, data->offset, max_write - data->stuffed.size()};
}

// The replies of a command group may come once all of it is written.
void Pipeline::on_written() {
  const bool commands = in_flight && !in_flight->watch_replies;
  drop_in_flight();
  if (commands && outgoing.empty()) {
    for (Expectation& expected : awaited) expected.written = true;
  }
}

// While message data is written the transport reads too (Write::watch_replies), so bytes may
// come between two writes or before a trailer is out: replies to commands pipelined before a
// BDAT chunk, the reply to a final dot whose write just completed, or an early one. A reply is
// welcome once the command it answers has been written (end of data's from the start).
bool Pipeline::replies_welcome() const noexcept {
  return !closing && !awaited.empty() && awaited.front().written;
}

bool Pipeline::writing_message_data() const noexcept {
  return data.has_value() || (in_flight && in_flight->watch_replies);
}

void Pipeline::stop() {
  drop_in_flight();
  awaited.clear();
  outgoing.clear();
  data.reset();
  closing = true;
}

// ---- RecipientTable ----

std::size_t RecipientTable::add(std::size_t message_index, std::string address,
                                std::string wire_address) {
  RecipientOutcome pending;
  pending.result.message_index = message_index;
  pending.result.address = std::move(address);
  outcomes_.push_back(std::move(pending));
  wire_addresses_.push_back(std::move(wire_address));
  settled_.push_back(false);
  return outcomes_.size() - 1;
}

// The first verdict on a recipient stands: a later, vaguer failure must not overwrite it.
void RecipientTable::settle(std::size_t slot, Settlement verdict) {
  assert(slot < outcomes_.size());
  if (settled_[slot]) return;
  settled_[slot] = true;
  RecipientOutcome& out = outcomes_[slot];
  out.result.status = verdict.fate.status;
  out.result.cause = verdict.fate.cause;
  out.result.diag = std::move(verdict.diag);
  out.result.may_duplicate = verdict.fate.may_duplicate;
  out.final = verdict.fate.final;
  if (out.final && progress_ != nullptr) {
    progress_->settled(out.result.message_index, out.result.address, out.result.status);
  }
}

void RecipientTable::settle_as_judged(const Settlement& verdict,
                                      std::span<const std::size_t> transaction) {
  if (verdict.fate.scope == Scope::host || verdict.fate.scope == Scope::destination) {
    settle_as_judged(verdict);
    return;
  }
  for (const std::size_t slot : transaction) settle(slot, verdict);
}

void RecipientTable::settle_as_judged(const Settlement& verdict) {
  if (verdict.fate.scope == Scope::none) return;
  for (std::size_t slot = 0; slot < outcomes_.size(); ++slot) settle(slot, verdict);
}

bool RecipientTable::all_settled() const noexcept {
  return std::find(settled_.begin(), settled_.end(), false) == settled_.end();
}

}  // namespace smtpsend::smtp
