// libFuzzer target: arbitrary bytes as mitre-query's input, without loading data:
// (1) as batch standard input, through the line reader (fed in chunks of varying
// size), the word splitter and the argument parser on every line; (2) as an argv
// (words separated by NUL bytes) through the argument parser. usage_error is the
// only exception allowed; the reader's lines must be the input's lines.
//
//   cli_fuzz -max_total_time=60 -dict=tests/fuzz/cli.dict NEW_DIR tests/fuzz/corpus/cli
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// What a line of mitre-query would do, up to running the command.
void parse(const std::vector<std::string>& words) {
  try {
    mq::invocation inv = mq::parse_command_line(words);
    if (inv.what != mq::invocation::action::run) return;
    check(inv.cmd != nullptr);
    mq::context ctx;
    mq::configure(ctx, inv);
    // What configure accepted, a command may rely on.
    check(ctx.args.size() >= inv.cmd->min_args && ctx.args.size() <= inv.cmd->max_args);
    check(ctx.args.size() <= mq::max_arguments);
    for (const auto& a : ctx.args) check(!a.empty());
    check(!ctx.width || (*ctx.width >= 1 && *ctx.width <= mq::max_width));
  } catch (const mq::usage_error& e) {
    check(std::strlen(e.what()) > 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // (1) batch: chunk sizes 1..61, varying, so lines straddle reads.
  std::size_t pos = 0, step = size % 61;
  mq::line_reader reader([&](char* buf, std::size_t n) {
    step = step * 7 % 61 + 1;
    std::size_t k = std::min({n, input.size() - pos, step});
    std::memcpy(buf, input.data() + pos, k);
    pos += k;
    return k;
  });
  mq::line_reader::line line;
  std::size_t start = 0, number = 0;
  while (reader.next(line)) {
    // The reference: the input cut at each '\n' (a last line without one counts).
    check(start < input.size());
    std::size_t nl = input.find('\n', start);
    std::string_view expected = input.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? input.size() : nl + 1;
    check(line.number == ++number);
    if (expected.size() > mq::max_batch_line_bytes) {
      check(line.issue == mq::line_reader::problem::too_long);
      check(line.text == expected.substr(0, mq::max_batch_line_bytes));
      continue;
    }
    check(line.text == expected);
    bool nul = expected.find('\0') != std::string_view::npos;
    check(nul == (line.issue == mq::line_reader::problem::nul));
    if (nul) continue;
    try {
      parse(mq::split_words(line.text));
    } catch (const mq::usage_error&) {
      // an unclosed quote
    }
  }
  check(start == input.size());

  // (2) argv: NUL-separated words.
  std::vector<std::string> argv;
  for (std::size_t i = 0; i <= input.size();) {
    std::size_t end = std::min(input.find('\0', i), input.size());
    argv.emplace_back(input.substr(i, end - i));
    i = end + 1;
  }
  parse(argv);
  return 0;
}
