#include "process/workerprotocol.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace parviz::protocol {

namespace {

struct Field
{
    std::string_view text;
    std::uint64_t offset = 0;
};

// Fields separated by single spaces; `rest` keeps the remainder of the line intact after
// `fieldsBeforeRest` fields (for messages that may contain spaces).
std::vector<Field> split(const LineReader::Line &line, std::size_t fieldsBeforeRest = SIZE_MAX)
{
    std::vector<Field> fields;
    std::size_t start = 0;
    const std::string_view text = line.text;
    while (start <= text.size()) {
        if (fields.size() == fieldsBeforeRest) {
            fields.push_back({text.substr(start), line.offset + start});
            break;
        }
        const std::size_t space = text.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? text.size() : space;
        fields.push_back({text.substr(start, end - start), line.offset + start});
        if (space == std::string_view::npos)
            break;
        start = space + 1;
    }
    return fields;
}

ParseError error(std::uint64_t offset, std::string message)
{
    return {offset, std::move(message)};
}

std::string quoted(std::string_view text)
{
    std::string result = "'";
    for (const char c : text.substr(0, 40))
        result += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (text.size() > 40)
        result += "...";
    return result + "'";
}

template <typename Int>
bool parseInt(const Field &field, Int &value)
{
    if (field.text.empty())
        return false;
    const char *end = field.text.data() + field.text.size();
    const auto [ptr, ec] = std::from_chars(field.text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

bool parseDouble(const Field &field, double &value)
{
    if (field.text.empty())
        return false;
    const char *end = field.text.data() + field.text.size();
    const auto [ptr, ec] = std::from_chars(field.text.data(), end, value);
    return ec == std::errc() && ptr == end && std::isfinite(value);
}

// One line of text without line breaks, for messages.
std::string oneLine(std::string_view text)
{
    std::string line(text.substr(0, MaxLineBytes / 2));
    for (char &c : line) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return line;
}

std::variant<std::int64_t, ParseError> parseTime(const Field &field)
{
    std::int64_t value = 0;
    if (!parseInt(field, value) || value < 0)
        return error(field.offset, "a time in nanoseconds was expected, not " + quoted(field.text));
    return value;
}

std::variant<std::int32_t, ParseError> parseTaskId(const Field &field)
{
    std::int32_t value = 0;
    if (!parseInt(field, value) || value < 0)
        return error(field.offset, "a task id was expected, not " + quoted(field.text));
    return value;
}

ParseError wrongFieldCount(
    const LineReader::Line &line, std::string_view what, std::size_t expected)
{
    return error(line.offset,
        std::string(what) + " needs " + std::to_string(expected) + " fields: " + quoted(line.text));
}

} // namespace

void LineReader::append(std::string_view bytes)
{
    // Drop what has been read before growing the buffer.
    if (m_begin > 0 && m_begin >= m_buffer.size() / 2) {
        m_buffer.erase(0, m_begin);
        m_bufferOffset += m_begin;
        m_begin = 0;
    }
    m_buffer.append(bytes);
}

std::variant<std::monostate, LineReader::Line, ParseError> LineReader::next()
{
    if (m_failed)
        return std::monostate{};
    const std::size_t newline = m_buffer.find('\n', m_begin);
    const std::uint64_t offset = m_bufferOffset + m_begin;
    if (newline == std::string::npos) {
        if (m_buffer.size() - m_begin > MaxLineBytes) {
            m_failed = true;
            return error(
                offset, "a message longer than " + std::to_string(MaxLineBytes) + " bytes");
        }
        return std::monostate{};
    }
    if (newline - m_begin > MaxLineBytes) {
        m_failed = true;
        return error(offset, "a message longer than " + std::to_string(MaxLineBytes) + " bytes");
    }
    Line line{std::string_view(m_buffer).substr(m_begin, newline - m_begin), offset};
    m_begin = newline + 1;
    return line;
}

std::variant<std::monostate, ParseError> LineReader::finish() const
{
    if (!m_failed && m_begin < m_buffer.size())
        return error(m_bufferOffset + m_begin,
            "the stream ended inside a message: "
                + quoted(std::string_view(m_buffer).substr(m_begin)));
    return std::monostate{};
}

// --- parent -> worker

std::string encodeTask(const TaskSpec &task)
{
    char share[32];
    const auto end = std::to_chars(share, share + sizeof share, task.ioShare).ptr;
    std::string flags;
    if (task.throws)
        flags += 't';
    if (task.crashes)
        flags += 'c';
    if (flags.empty())
        flags = "-";
    return "task " + std::to_string(task.id) + ' ' + std::string(taskKindId(task.kind)) + ' '
        + std::to_string(task.durationNs) + ' ' + std::string(share, end) + ' ' + flags + '\n';
}

std::string encodeStop()
{
    return "stop\n";
}

std::variant<Command, ParseError> parseCommand(const LineReader::Line &line)
{
    const auto fields = split(line);
    const std::string_view verb = fields.front().text;
    Command command;
    if (verb == "stop") {
        if (fields.size() != 1)
            return wrongFieldCount(line, "stop", 1);
        command.kind = Command::Kind::Stop;
        return command;
    }
    if (verb != "task")
        return error(line.offset, "an unknown command " + quoted(verb));
    if (fields.size() != 6)
        return wrongFieldCount(line, "task", 6);
    TaskSpec &task = command.task;
    auto id = parseTaskId(fields[1]);
    if (auto *failure = std::get_if<ParseError>(&id))
        return *failure;
    task.id = std::get<std::int32_t>(id);
    const auto kind = taskKindFromId(fields[2].text);
    if (!kind)
        return error(fields[2].offset, "an unknown task kind " + quoted(fields[2].text));
    task.kind = *kind;
    if (!parseInt(fields[3], task.durationNs) || task.durationNs < 0 || task.durationNs > MaxTaskNs)
        return error(fields[3].offset,
            "a duration in nanoseconds up to one hour was expected, not " + quoted(fields[3].text));
    if (!parseDouble(fields[4], task.ioShare) || task.ioShare < 0.0 || task.ioShare > 1.0)
        return error(fields[4].offset,
            "an I/O share between 0 and 1 was expected, not " + quoted(fields[4].text));
    if (fields[5].text != "-") {
        for (const char flag : fields[5].text) {
            if (flag == 't')
                task.throws = true;
            else if (flag == 'c')
                task.crashes = true;
            else
                return error(fields[5].offset, "unknown task flags " + quoted(fields[5].text));
        }
    }
    return command;
}

// --- worker -> parent

std::string encodeReady(std::int64_t pid, std::int64_t nowNs)
{
    return "ready " + std::to_string(Version) + ' ' + std::to_string(pid) + ' '
        + std::to_string(nowNs) + '\n';
}

std::string encodeStart(std::int32_t task, std::int64_t nowNs)
{
    return "start " + std::to_string(task) + ' ' + std::to_string(nowNs) + '\n';
}

std::string encodeDone(std::int32_t task, std::int64_t nowNs, bool interrupted)
{
    return "done " + std::to_string(task) + ' ' + std::to_string(nowNs) + ' '
        + (interrupted ? "interrupted" : "ok") + '\n';
}

std::string encodeFailed(std::int32_t task, std::int64_t nowNs, std::string_view message)
{
    return "failed " + std::to_string(task) + ' ' + std::to_string(nowNs) + ' ' + oneLine(message)
        + '\n';
}

std::string encodeError(std::uint64_t offset, std::string_view message)
{
    return "error " + std::to_string(offset) + ' ' + oneLine(message) + '\n';
}

std::variant<Report, ParseError> parseReport(const LineReader::Line &line)
{
    const std::string_view verb = line.text.substr(0, line.text.find(' '));
    Report report;
    auto withTime = [&](const Field &field) -> std::optional<ParseError> {
        auto time = parseTime(field);
        if (auto *failure = std::get_if<ParseError>(&time))
            return *failure;
        report.timeNs = std::get<std::int64_t>(time);
        return std::nullopt;
    };
    auto withTask = [&](const Field &field) -> std::optional<ParseError> {
        auto task = parseTaskId(field);
        if (auto *failure = std::get_if<ParseError>(&task))
            return *failure;
        report.task = std::get<std::int32_t>(task);
        return std::nullopt;
    };

    if (verb == "ready") {
        const auto fields = split(line);
        if (fields.size() != 4)
            return wrongFieldCount(line, "ready", 4);
        report.kind = Report::Kind::Ready;
        if (!parseInt(fields[1], report.version) || report.version != Version)
            return error(fields[1].offset,
                "protocol version " + std::to_string(Version) + " was expected, not "
                    + quoted(fields[1].text));
        if (!parseInt(fields[2], report.pid) || report.pid <= 0)
            return error(
                fields[2].offset, "a process id was expected, not " + quoted(fields[2].text));
        if (auto failure = withTime(fields[3]))
            return *failure;
        return report;
    }
    if (verb == "start") {
        const auto fields = split(line);
        if (fields.size() != 3)
            return wrongFieldCount(line, "start", 3);
        report.kind = Report::Kind::Start;
        if (auto failure = withTask(fields[1]))
            return *failure;
        if (auto failure = withTime(fields[2]))
            return *failure;
        return report;
    }
    if (verb == "done") {
        const auto fields = split(line);
        if (fields.size() != 4)
            return wrongFieldCount(line, "done", 4);
        report.kind = Report::Kind::Done;
        if (auto failure = withTask(fields[1]))
            return *failure;
        if (auto failure = withTime(fields[2]))
            return *failure;
        if (fields[3].text == "interrupted")
            report.interrupted = true;
        else if (fields[3].text != "ok")
            return error(
                fields[3].offset, "ok or interrupted was expected, not " + quoted(fields[3].text));
        return report;
    }
    if (verb == "failed") {
        const auto fields = split(line, 3);
        if (fields.size() != 4)
            return wrongFieldCount(line, "failed", 4);
        report.kind = Report::Kind::Failed;
        if (auto failure = withTask(fields[1]))
            return *failure;
        if (auto failure = withTime(fields[2]))
            return *failure;
        report.message = std::string(fields[3].text);
        return report;
    }
    if (verb == "error") {
        const auto fields = split(line, 2);
        if (fields.size() != 3)
            return wrongFieldCount(line, "error", 3);
        report.kind = Report::Kind::Error;
        if (!parseInt(fields[1], report.offset))
            return error(
                fields[1].offset, "a byte offset was expected, not " + quoted(fields[1].text));
        report.message = std::string(fields[2].text);
        return report;
    }
    return error(line.offset, "an unknown report " + quoted(verb));
}

} // namespace parviz::protocol
