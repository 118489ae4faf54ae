// The worker protocol's parsers on any bytes: the stream split into lines (in chunks of any
// size), each line read as a command (what parviz-worker reads) and as a report (what ParViz
// reads from a worker). Besides not crashing: chunking never changes what is read, offsets stay
// inside the stream, and whatever parses is encoded back to a line that parses the same.

#include "fuzzcheck.h"
#include "process/workerprotocol.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace parviz::protocol;

namespace {

// A line as read, or an error, copied out of the reader.
struct Item
{
    bool isError = false;
    std::string text;
    std::uint64_t offset = 0;
    bool operator==(const Item &) const = default;
};

std::vector<Item> readAll(std::string_view stream, std::size_t chunk)
{
    std::vector<Item> items;
    LineReader reader;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
        reader.append(stream.substr(at, chunk));
        for (;;) {
            auto next = reader.next();
            if (auto *line = std::get_if<LineReader::Line>(&next)) {
                items.push_back({false, std::string(line->text), line->offset});
                continue;
            }
            if (auto *error = std::get_if<ParseError>(&next))
                items.push_back({true, error->message, error->offset});
            break;
        }
    }
    if (auto end = reader.finish(); auto *error = std::get_if<ParseError>(&end))
        items.push_back({true, error->message, error->offset});
    return items;
}

// What a message becomes once encoded: one line of at most half a line's bytes.
std::string asEncoded(std::string_view message)
{
    std::string text(message.substr(0, MaxLineBytes / 2));
    for (char &c : text) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return text;
}

LineReader::Line lineOf(const std::string &encoded)
{
    FUZZ_CHECK(!encoded.empty() && encoded.back() == '\n');
    return {std::string_view(encoded).substr(0, encoded.size() - 1), 0};
}

void checkCommand(const LineReader::Line &line)
{
    auto parsed = parseCommand(line);
    if (auto *error = std::get_if<ParseError>(&parsed)) {
        FUZZ_CHECK(error->offset >= line.offset);
        FUZZ_CHECK(error->offset <= line.offset + line.text.size());
        FUZZ_CHECK(!error->message.empty());
        return;
    }
    const Command &command = std::get<Command>(parsed);
    const std::string encoded =
        command.kind == Command::Kind::Stop ? encodeStop() : encodeTask(command.task);
    auto again = parseCommand(lineOf(encoded));
    FUZZ_CHECK(std::holds_alternative<Command>(again));
    const Command &back = std::get<Command>(again);
    FUZZ_CHECK(back.kind == command.kind);
    if (command.kind == Command::Kind::Task) {
        FUZZ_CHECK(back.task.id == command.task.id);
        FUZZ_CHECK(back.task.kind == command.task.kind);
        FUZZ_CHECK(back.task.durationNs == command.task.durationNs);
        FUZZ_CHECK(back.task.ioShare == command.task.ioShare);
        FUZZ_CHECK(back.task.throws == command.task.throws);
        FUZZ_CHECK(back.task.crashes == command.task.crashes);
    }
}

void checkReport(const LineReader::Line &line)
{
    auto parsed = parseReport(line);
    if (auto *error = std::get_if<ParseError>(&parsed)) {
        FUZZ_CHECK(error->offset >= line.offset);
        FUZZ_CHECK(error->offset <= line.offset + line.text.size());
        FUZZ_CHECK(!error->message.empty());
        return;
    }
    const Report &report = std::get<Report>(parsed);
    std::string encoded;
    switch (report.kind) {
    case Report::Kind::Ready:
        encoded = encodeReady(report.pid, report.timeNs);
        break;
    case Report::Kind::Start:
        encoded = encodeStart(report.task, report.timeNs);
        break;
    case Report::Kind::Done:
        encoded = encodeDone(report.task, report.timeNs, report.interrupted);
        break;
    case Report::Kind::Failed:
        encoded = encodeFailed(report.task, report.timeNs, report.message);
        break;
    case Report::Kind::Error:
        encoded = encodeError(report.offset, report.message);
        break;
    }
    auto again = parseReport(lineOf(encoded));
    FUZZ_CHECK(std::holds_alternative<Report>(again));
    const Report &back = std::get<Report>(again);
    FUZZ_CHECK(back.kind == report.kind);
    FUZZ_CHECK(back.version == report.version);
    FUZZ_CHECK(back.pid == report.pid);
    FUZZ_CHECK(back.task == report.task);
    FUZZ_CHECK(back.timeNs == report.timeNs);
    FUZZ_CHECK(back.interrupted == report.interrupted);
    FUZZ_CHECK(back.offset == report.offset);
    FUZZ_CHECK(back.message == asEncoded(report.message));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // The first byte chooses the size of the chunks the stream arrives in, as reads from a pipe.
    if (size == 0)
        return 0;
    const std::size_t chunk = data[0] == 0 ? size : data[0];
    const std::string_view stream(reinterpret_cast<const char *>(data + 1), size - 1);

    const std::vector<Item> whole = readAll(stream, stream.size() + 1);
    const std::vector<Item> chunked = readAll(stream, chunk);
    FUZZ_CHECK(whole == chunked);

    std::uint64_t previous = 0;
    for (const Item &item : whole) {
        FUZZ_CHECK(item.offset >= previous && item.offset <= stream.size());
        previous = item.offset;
        if (item.isError)
            continue;
        FUZZ_CHECK(item.text.size() <= MaxLineBytes);
        FUZZ_CHECK(item.text.find('\n') == std::string::npos);
        const LineReader::Line line{item.text, item.offset};
        checkCommand(line);
        checkReport(line);
    }
    return 0;
}
