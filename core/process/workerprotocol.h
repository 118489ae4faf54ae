#pragma once

#include "workload/taskspec.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

// The line protocol between ParViz and its worker processes (parviz-worker), version 1.
// Text lines, fields separated by one space, at most MaxLineBytes each; times are
// CLOCK_MONOTONIC nanoseconds, which every process on the machine shares.
//
//   parent -> worker                          worker -> parent
//   task <id> <kind> <ns> <io-share> <flags>  ready <version> <pid> <ns>
//   stop                                      start <task> <ns>
//                                             done <task> <ns> ok|interrupted
//                                             failed <task> <ns> <message>
//                                             error <byte offset> <message>
//
// <kind> is sleep, cpu or mixed; <flags> is "-" or any of "t" (throw) and "c" (crash), which
// only tests use. Closing the worker's input means "no more tasks": it finishes what it has
// and exits. "stop" means "stop now": the running task is interrupted.
//
// Parsing is defensive: anything malformed, truncated or oversized is a ParseError naming the
// byte offset in the stream where it was found, never a crash. No Qt: the worker stays small.
namespace parviz::protocol {

inline constexpr int Version = 1;
inline constexpr std::size_t MaxLineBytes = 1024;
inline constexpr std::int64_t MaxTaskNs = 3'600'000'000'000; // one hour, as DurationSpec

struct ParseError
{
    std::uint64_t offset = 0; // bytes from the start of the stream
    std::string message;
};

// Splits a byte stream into lines and remembers where each one started.
// One thread at a time.
class LineReader
{
public:
    struct Line
    {
        std::string_view text; // without the newline; valid until the next append()
        std::uint64_t offset = 0;
    };

    void append(std::string_view bytes);
    // The next whole line; an error for a line longer than MaxLineBytes; or nothing yet.
    std::variant<std::monostate, Line, ParseError> next();
    // At the end of the stream: an error if it stopped in the middle of a line.
    std::variant<std::monostate, ParseError> finish() const;

private:
    std::string m_buffer;
    std::size_t m_begin = 0; // start of the unread part of m_buffer
    std::uint64_t m_bufferOffset = 0; // stream offset of m_buffer[0]
    bool m_failed = false;
};

// --- parent -> worker
struct Command
{
    enum class Kind { Task, Stop };
    Kind kind = Kind::Task;
    TaskSpec task;
};

std::string encodeTask(const TaskSpec &task);
std::string encodeStop();
std::variant<Command, ParseError> parseCommand(const LineReader::Line &line);

// --- worker -> parent
struct Report
{
    enum class Kind { Ready, Start, Done, Failed, Error };
    Kind kind = Kind::Ready;
    int version = 0; // Ready
    std::int64_t pid = 0; // Ready
    std::int32_t task = -1; // Start, Done, Failed
    std::int64_t timeNs = 0; // Ready, Start, Done, Failed: CLOCK_MONOTONIC
    bool interrupted = false; // Done
    std::uint64_t offset = 0; // Error: where the worker found a malformed command
    std::string message; // Failed, Error
};

std::string encodeReady(std::int64_t pid, std::int64_t nowNs);
std::string encodeStart(std::int32_t task, std::int64_t nowNs);
std::string encodeDone(std::int32_t task, std::int64_t nowNs, bool interrupted);
std::string encodeFailed(std::int32_t task, std::int64_t nowNs, std::string_view message);
std::string encodeError(std::uint64_t offset, std::string_view message);
std::variant<Report, ParseError> parseReport(const LineReader::Line &line);

} // namespace parviz::protocol
