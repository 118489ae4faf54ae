#include "export/runjsonreader.h"

#include "export/runjson.h"
#include "run/planning.h"
#include "strategies/strategyregistry.h"
#include "strategies/tracedprogram.h"
#include "trace/tracerecorder.h"
#include "util/format.h"
#include "util/regularfile.h"

#include <QFile>
#include <QStringDecoder>
#include <QStringList>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace parviz {

namespace {

// Format 1 nests three containers deep (the run, the events, an event). Only unknown values
// nest further, and those are skipped by recursion: this bound keeps a file of "[[[[..." from
// exhausting the stack.
constexpr int MaxDepth = 64;
constexpr int EndOfInput = -1;

bool isDigit(int c)
{
    return c >= '0' && c <= '9';
}

QString fromUtf8(std::string_view text)
{
    // QString::fromUtf8() drops a U+FEFF (byte order mark) that starts the text: in a string
    // of the file it is a character of that string, kept.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    return decoder(QByteArrayView(text.data(), static_cast<qsizetype>(text.size())));
}

void appendUtf8(std::string &out, char32_t code)
{
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

std::optional<EventKind> eventKindFromId(std::string_view id)
{
    for (int i = 0; i < EventKindCount; ++i) {
        const auto kind = static_cast<EventKind>(i);
        if (id == eventKindId(kind))
            return kind;
    }
    return std::nullopt;
}

QString laneName(std::int64_t lane)
{
    if (lane == MainLane)
        return QStringLiteral("the main row");
    if (lane == GilLane)
        return QStringLiteral("the GIL row");
    return QStringLiteral("worker %1").arg(lane);
}

// A pull parser over JSON text held in memory: the caller asks for what it expects next (an
// object, a number for "workers", ...) and gets it without a document being built. Every read
// returns false on the first problem and keeps its message, naming the byte offset, so callers
// write `if (!json.readX(...)) return false;`. Strings come back as views into the text, or
// into a scratch buffer when they hold escapes, valid until the next string of the same sort
// (key or value) is read. Not thread-safe.
class JsonCursor
{
public:
    explicit JsonCursor(const QByteArray &data)
        : m_data(data.constData())
        , m_size(data.size())
    { }

    qsizetype offset() const { return m_pos; }
    void seek(qsizetype offset) { m_pos = offset; }
    void skipWhitespace()
    {
        while (m_pos < m_size) {
            const char c = m_data[m_pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
                return;
            ++m_pos;
        }
    }
    // The byte at the cursor, or EndOfInput.
    int peek() const
    {
        return m_pos < m_size ? static_cast<unsigned char>(m_data[m_pos]) : EndOfInput;
    }
    // Skips a UTF-8 byte order mark, which some editors put at the start of a file.
    void skipByteOrderMark()
    {
        if (m_pos == 0
            && std::string_view(m_data, static_cast<std::size_t>(m_size))
                   .starts_with("\xEF\xBB\xBF"))
            m_pos = 3;
    }

    const QString &error() const { return m_error; }
    // Records a problem found at `offset`; the first one recorded is the one reported.
    bool failAt(qsizetype offset, const QString &message)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("byte %1: %2").arg(offset).arg(message);
        return false;
    }
    bool fail(const QString &message) { return failAt(m_pos, message); }
    // A problem with the run as a whole, at no particular byte.
    bool failPlain(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
        return false;
    }
    // `what` was expected at the cursor and is not there.
    bool expected(const QString &what)
    {
        if (m_pos >= m_size)
            return fail(QStringLiteral("the file ends early: expected %1").arg(what));
        return fail(QStringLiteral("expected %1, found %2").arg(what, found()));
    }

    // Calls member(key) for each member of an object; member reads the value.
    template <typename F>
    bool readObject(const char *what, F &&member);
    // Calls element() for each element of an array; element reads it.
    template <typename F>
    bool readArray(const char *what, F &&element);

    bool readString(std::string_view &out, const char *what);
    bool readString(QString &out, const char *what);
    bool readInteger(std::int64_t &out, const char *what);
    bool readInteger(int &out, const char *what, int min = std::numeric_limits<int>::min());
    bool readUnsigned(std::uint64_t &out, const char *what);
    template <typename Whole>
    bool readWhole(Whole &out, const char *what);
    bool readDouble(double &out, const char *what);
    bool readBool(bool &out, const char *what);
    // Reads null if it comes next and says so; anything else is left for the caller.
    bool readNull(bool &wasNull);
    // Reads any value and forgets it. `depth` counts the containers around it.
    bool skipValue(int depth);

private:
    QString found() const;
    bool scanString(std::string &scratch, std::string_view &out);
    bool readHex4(char32_t &out);
    bool scanNumber(std::string_view &text, bool &integral);
    // Reads `word` (true, false, null) if it comes next; else leaves the cursor where the
    // problem is, at the end of the text for a word cut short.
    bool matchLiteral(std::string_view word);
    bool consume(char c)
    {
        if (m_pos < m_size && m_data[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    const char *m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
    std::string m_keyScratch; // keys with escapes, decoded
    std::string m_valueScratch; // string values with escapes, decoded
    QString m_error;
};

template <typename F>
bool JsonCursor::readObject(const char *what, F &&member)
{
    skipWhitespace();
    if (!consume('{'))
        return expected(QStringLiteral("'{' to open %1").arg(QLatin1String(what)));
    skipWhitespace();
    if (consume('}'))
        return true;
    for (;;) {
        skipWhitespace();
        if (peek() != '"')
            return expected(QStringLiteral("a quoted key in %1").arg(QLatin1String(what)));
        std::string_view key;
        if (!scanString(m_keyScratch, key))
            return false;
        skipWhitespace();
        if (!consume(':'))
            return expected(QStringLiteral("':' after the key \"%1\"").arg(excerpt(key)));
        if (!member(key))
            return false;
        skipWhitespace();
        if (consume(','))
            continue;
        if (consume('}'))
            return true;
        return expected(QStringLiteral("',' or '}' after a member of %1").arg(QLatin1String(what)));
    }
}

template <typename F>
bool JsonCursor::readArray(const char *what, F &&element)
{
    skipWhitespace();
    if (!consume('['))
        return expected(QStringLiteral("'[' to open %1").arg(QLatin1String(what)));
    skipWhitespace();
    if (consume(']'))
        return true;
    for (;;) {
        if (!element())
            return false;
        skipWhitespace();
        if (consume(','))
            continue;
        if (consume(']'))
            return true;
        return expected(
            QStringLiteral("',' or ']' after an element of %1").arg(QLatin1String(what)));
    }
}

QString JsonCursor::found() const
{
    const std::string_view rest(m_data + m_pos, static_cast<std::size_t>(m_size - m_pos));
    const int c = peek();
    if (c == '"')
        return QStringLiteral("a string");
    if (c == '{')
        return QStringLiteral("an object");
    if (c == '[')
        return QStringLiteral("an array");
    if (c == '-' || isDigit(c))
        return QStringLiteral("a number");
    for (const std::string_view word : {"true", "false", "null"}) {
        if (rest.starts_with(word))
            return fromUtf8(word);
    }
    if (c > 0x20 && c < 0x7F)
        return QStringLiteral("'%1'").arg(QChar(c));
    return QStringLiteral("the byte 0x%1").arg(c, 2, 16, QLatin1Char('0'));
}

bool JsonCursor::scanString(std::string &scratch, std::string_view &out)
{
    const qsizetype opening = m_pos;
    const qsizetype start = ++m_pos;
    // Most strings hold no escapes: a view of the text itself, nothing copied.
    qsizetype i = start;
    while (i < m_size) {
        const auto c = static_cast<unsigned char>(m_data[i]);
        if (c == '"') {
            out = std::string_view(m_data + start, static_cast<std::size_t>(i - start));
            m_pos = i + 1;
            return true;
        }
        if (c == '\\' || c < 0x20)
            break;
        ++i;
    }
    scratch.assign(m_data + start, static_cast<std::size_t>(i - start));
    m_pos = i;
    for (;;) {
        if (m_pos >= m_size)
            return fail(
                QStringLiteral("the file ends early, inside the string that starts at byte %1")
                    .arg(opening));
        const auto c = static_cast<unsigned char>(m_data[m_pos]);
        if (c == '"') {
            ++m_pos;
            out = scratch;
            return true;
        }
        if (c < 0x20)
            return fail(QStringLiteral(
                "a string holds the control character 0x%1, which JSON only allows as an escape")
                            .arg(c, 2, 16, QLatin1Char('0')));
        if (c != '\\') {
            scratch.push_back(static_cast<char>(c));
            ++m_pos;
            continue;
        }
        const qsizetype escape = m_pos++;
        if (m_pos >= m_size)
            return fail(QStringLiteral("the file ends early, inside an escape in a string"));
        const char letter = m_data[m_pos++];
        switch (letter) {
        case '"':
        case '\\':
        case '/':
            scratch.push_back(letter);
            break;
        case 'b':
            scratch.push_back('\b');
            break;
        case 'f':
            scratch.push_back('\f');
            break;
        case 'n':
            scratch.push_back('\n');
            break;
        case 'r':
            scratch.push_back('\r');
            break;
        case 't':
            scratch.push_back('\t');
            break;
        case 'u': {
            char32_t code = 0;
            if (!readHex4(code))
                return false;
            if (code >= 0xD800 && code <= 0xDBFF) {
                // A character beyond U+FFFF is written as two escapes, high then low surrogate.
                const qsizetype second = m_pos;
                char32_t low = 0;
                if (m_size - m_pos >= 2 && m_data[m_pos] == '\\' && m_data[m_pos + 1] == 'u') {
                    m_pos += 2;
                    if (!readHex4(low))
                        return false;
                }
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                } else {
                    m_pos = second; // not a pair: the next escape is read on its own
                    code = 0xFFFD;
                }
            } else if (code >= 0xDC00 && code <= 0xDFFF) {
                code = 0xFFFD; // a low surrogate alone stands for nothing
            }
            appendUtf8(scratch, code);
            break;
        }
        default:
            return failAt(escape,
                QStringLiteral("'\\%1' is not an escape JSON knows (use \\\", \\\\, \\/, \\b, "
                               "\\f, \\n, \\r, \\t or \\uXXXX)")
                    .arg(QLatin1Char(letter)));
        }
    }
}

bool JsonCursor::readHex4(char32_t &out)
{
    if (m_size - m_pos < 4)
        return fail(QStringLiteral("the file ends early, inside a \\u escape"));
    out = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = m_data[m_pos + i];
        int digit = 0;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return failAt(m_pos - 2,
                QStringLiteral("a \\u escape needs four hex digits, as \\u00b5, not '\\u%1'")
                    .arg(excerpt(std::string_view(m_data + m_pos, 4))));
        out = out << 4 | static_cast<char32_t>(digit);
    }
    m_pos += 4;
    return true;
}

bool JsonCursor::scanNumber(std::string_view &text, bool &integral)
{
    const qsizetype start = m_pos;
    integral = true;
    consume('-');
    if (!isDigit(peek()))
        return expected(QStringLiteral("a digit"));
    if (consume('0')) {
        if (isDigit(peek()))
            return failAt(start, QStringLiteral("a JSON number does not start with 0 and a digit"));
    } else {
        while (isDigit(peek()))
            ++m_pos;
    }
    if (consume('.')) {
        integral = false;
        if (!isDigit(peek()))
            return expected(QStringLiteral("a digit after the decimal point"));
        while (isDigit(peek()))
            ++m_pos;
    }
    if (peek() == 'e' || peek() == 'E') {
        integral = false;
        ++m_pos;
        if (!consume('+'))
            consume('-');
        if (!isDigit(peek()))
            return expected(QStringLiteral("a digit in the exponent"));
        while (isDigit(peek()))
            ++m_pos;
    }
    text = std::string_view(m_data + start, static_cast<std::size_t>(m_pos - start));
    return true;
}

bool JsonCursor::matchLiteral(std::string_view word)
{
    const std::string_view rest(m_data + m_pos, static_cast<std::size_t>(m_size - m_pos));
    if (rest.starts_with(word)) {
        m_pos += static_cast<qsizetype>(word.size());
        return true;
    }
    // "tr" at the very end is a literal cut short, not a wrong one.
    if (rest.size() < word.size() && word.starts_with(rest))
        m_pos = m_size;
    return false;
}

bool JsonCursor::readString(std::string_view &out, const char *what)
{
    skipWhitespace();
    if (peek() != '"')
        return expected(QStringLiteral("a string for \"%1\"").arg(QLatin1String(what)));
    return scanString(m_valueScratch, out);
}

bool JsonCursor::readString(QString &out, const char *what)
{
    std::string_view text;
    if (!readString(text, what))
        return false;
    out = fromUtf8(text);
    return true;
}

template <typename Whole>
bool JsonCursor::readWhole(Whole &out, const char *what)
{
    skipWhitespace();
    const qsizetype start = m_pos;
    if (std::is_unsigned_v<Whole> && peek() == '-')
        return failAt(
            start, QStringLiteral("\"%1\" must not be negative").arg(QLatin1String(what)));
    if (peek() != '-' && !isDigit(peek()))
        return expected(QStringLiteral("a whole number for \"%1\"").arg(QLatin1String(what)));
    std::string_view text;
    bool integral = true;
    if (!scanNumber(text, integral))
        return false;
    const char *const end = text.data() + text.size();
    if (integral) {
        const auto [stop, error] = std::from_chars(text.data(), end, out);
        if (error == std::errc() && stop == end)
            return true;
        return failAt(start,
            QStringLiteral("%1 is out of range for \"%2\"")
                .arg(excerpt(text), QLatin1String(what)));
    }
    // JSON has one kind of number: 1e3 and 1000.0 are whole numbers too, if exactly so.
    constexpr double MaxExact = 9007199254740992.0; // 2^53
    double value = 0.0;
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error == std::errc() && stop == end && std::trunc(value) == value
        && std::fabs(value) <= MaxExact) {
        out = static_cast<Whole>(value);
        return true;
    }
    return failAt(start,
        QStringLiteral("\"%1\" must be a whole number, not %2")
            .arg(QLatin1String(what), excerpt(text)));
}

bool JsonCursor::readInteger(std::int64_t &out, const char *what)
{
    return readWhole(out, what);
}

bool JsonCursor::readInteger(int &out, const char *what, int min)
{
    skipWhitespace();
    const qsizetype start = m_pos;
    std::int64_t value = 0;
    if (!readInteger(value, what))
        return false;
    if (value < min || value > std::numeric_limits<int>::max())
        return failAt(start,
            QStringLiteral("\"%1\" must lie between %2 and %3, not %4")
                .arg(QLatin1String(what))
                .arg(min)
                .arg(std::numeric_limits<int>::max())
                .arg(value));
    out = static_cast<int>(value);
    return true;
}

bool JsonCursor::readUnsigned(std::uint64_t &out, const char *what)
{
    return readWhole(out, what);
}

bool JsonCursor::readDouble(double &out, const char *what)
{
    skipWhitespace();
    const qsizetype start = m_pos;
    if (peek() != '-' && !isDigit(peek()))
        return expected(QStringLiteral("a number for \"%1\"").arg(QLatin1String(what)));
    std::string_view text;
    bool integral = true;
    if (!scanNumber(text, integral))
        return false;
    const char *const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, out);
    if (error == std::errc() && stop == end && std::isfinite(out))
        return true;
    return failAt(start,
        QStringLiteral("%1 is out of range for \"%2\"").arg(excerpt(text), QLatin1String(what)));
}

bool JsonCursor::readBool(bool &out, const char *what)
{
    skipWhitespace();
    if (matchLiteral("true"))
        out = true;
    else if (matchLiteral("false"))
        out = false;
    else
        return expected(QStringLiteral("true or false for \"%1\"").arg(QLatin1String(what)));
    return true;
}

bool JsonCursor::readNull(bool &wasNull)
{
    skipWhitespace();
    wasNull = peek() == 'n';
    return !wasNull || matchLiteral("null") || expected(QStringLiteral("null"));
}

bool JsonCursor::skipValue(int depth)
{
    skipWhitespace();
    const int c = peek();
    if ((c == '{' || c == '[') && depth >= MaxDepth)
        return fail(QStringLiteral("the JSON is nested more than %1 levels deep").arg(MaxDepth));
    switch (c) {
    case '{':
        return readObject(
            "an object", [this, depth](std::string_view) { return skipValue(depth + 1); });
    case '[':
        return readArray("an array", [this, depth] { return skipValue(depth + 1); });
    case '"': {
        std::string_view ignored;
        return scanString(m_valueScratch, ignored);
    }
    default:
        if (c == '-' || isDigit(c)) {
            std::string_view ignored;
            bool integral = true;
            return scanNumber(ignored, integral);
        }
        if (matchLiteral("true") || matchLiteral("false") || matchLiteral("null"))
            return true;
        return expected(QStringLiteral("a value"));
    }
}

// The keys of the run object this reader knows, each allowed once.
enum class RunKey {
    Format,
    Strategy,
    Workers,
    WorkerCount,
    Cpus,
    Tasks,
    Workload,
    Options,
    Stopped,
    Error,
    Baseline,
    BaselineNs,
    ResultOrder,
    Events,
    Engine,
    MachineLoad,
    WorkerClocks,
    LaneLabels,
    TracedTasks,
    Program,
    Count
};

constexpr std::string_view RunKeyNames[] = {"format",
    "strategy",
    "workers",
    "worker_count",
    "cpus",
    "tasks",
    "workload",
    "options",
    "stopped",
    "error",
    "baseline",
    "baseline_ns",
    "result_order",
    "events",
    "engine",
    "machine_load",
    "worker_clocks",
    "lane_labels",
    "traced_tasks",
    "program"};
static_assert(std::size(RunKeyNames) == static_cast<std::size_t>(RunKey::Count));

// The keys of an event, each allowed once.
enum class EventKey {
    Task,
    Worker,
    Kind,
    StartNs,
    EndNs,
    Pid,
    Interrupted,
    Failed,
    Abandoned,
    GroupStart,
    Count
};

constexpr std::string_view EventKeyNames[] = {"task",
    "worker",
    "kind",
    "start_ns",
    "end_ns",
    "pid",
    "interrupted",
    "failed",
    "abandoned",
    "group_start"};
static_assert(std::size(EventKeyNames) == static_cast<std::size_t>(EventKey::Count));

template <typename Key, std::size_t N>
std::optional<Key> keyFromName(const std::string_view (&names)[N], std::string_view name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name)
            return static_cast<Key>(i);
    }
    return std::nullopt;
}

constexpr unsigned bit(EventKey key)
{
    return 1u << static_cast<unsigned>(key);
}

// Reads one run file: the run object's members in any order, then the plan made again, the
// events streamed into a recorder, the metrics computed again.
class RunFileReader
{
public:
    explicit RunFileReader(JsonCursor &json)
        : m_json(json)
    { }

    // Reads the run object at the cursor and leaves the cursor after it.
    bool readRun();
    // The run read: its plan made again, the events that came before the plan's members read,
    // the metrics computed again. The cursor stays after the run object. None on a problem,
    // which the cursor's error names.
    std::optional<RunResult> result();

private:
    bool readMember(RunKey key);
    bool readWorkload();
    bool readWorkerCount();
    bool readOptions();
    bool checkOption(qsizetype at, const char *key, const char *code);
    bool readError();
    bool readResultOrder();
    bool readWorkerClocks();
    bool readLaneLabels();
    bool readTracedTasks();
    bool readProgram();
    // A traced program's run: its plan, from the file's program.
    bool makeTracedProgramPlan();
    // The tasks events may name: the plan's, or a traced program's when "traced_tasks" came
    // before the events (as the writer puts it).
    std::size_t taskCount() const { return std::max(m_plan->tasks->size(), m_tracedTasks.size()); }
    bool headerRead() const;
    bool makePlan();
    bool readEvents();
    bool readEvent();
    bool addEvent(const TaskEvent &event, qsizetype at);
    void addGilLane();
    void countCompletedTasks();
    bool finish();

    JsonCursor &m_json; // shared with the comparison around the run, if any
    unsigned m_seen = 0; // RunKey bits

    // The run object's members, as read.
    std::optional<QString> m_strategy;
    QString m_engine; // empty: ParViz's own run
    MachineLoad m_machineLoad; // unknown in files written before it was measured
    std::optional<int> m_workers;
    std::optional<WorkerCount> m_workerCount;
    std::optional<int> m_cpus;
    std::optional<int> m_tasks;
    QString m_taskKind;
    std::optional<QString> m_taskGil;
    QString m_duration;
    std::optional<double> m_ioShare;
    std::uint64_t m_seed = WorkloadSpec{}.seed;
    // Files written before joblib's backend was a choice ran their batches on threads.
    StrategyOptions m_options = [] {
        StrategyOptions options;
        options.backend = JoblibBackend::Threading;
        return options;
    }();
    bool m_stopped = false;
    std::optional<Error> m_error;
    std::optional<std::int64_t> m_baselineNs;
    bool m_baselineMeasured = false;
    std::vector<std::int32_t> m_resultOrder;
    std::vector<WorkerClock> m_workerClocks;
    // A worker row's label, and where in the file it was read: the rows are only known, and
    // the label checked against them, once the plan is made.
    struct LaneLabel
    {
        std::int64_t worker = 0;
        QString label;
        qsizetype at = 0;
    };
    std::vector<LaneLabel> m_laneLabels;
    // A traced program's task names, and per task the index of its name and its arguments;
    // added to the recorder once it is made.
    struct TracedTaskEntry
    {
        std::int64_t name = 0;
        QString arguments;
        qsizetype at = 0;
    };
    std::vector<QString> m_tracedNames;
    std::vector<TracedTaskEntry> m_tracedTasks;
    std::optional<TracedProgram> m_program;
    // Where the events are, when they came before the members the plan is made from.
    std::optional<qsizetype> m_deferredEvents;

    // Made once the members above are known.
    std::optional<RunPlan> m_plan;
    const StrategyEntry *m_entry = nullptr;
    bool m_strategyHasGil = false;

    // Filled while the events stream in.
    std::unique_ptr<TraceRecorder> m_recorder;
    std::size_t m_eventIndex = 0;
    // Per lane (GIL, main, workers...: the lane + 2): where the last event ended, which process
    // the lane's events currently come from.
    std::vector<std::int64_t> m_laneEndNs;
    std::vector<std::int64_t> m_lanePid;
    // Per task, for the snapshot's count of completed tasks: the worker of its last run, and
    // whether it ended other than by completing.
    struct TaskEnd
    {
        std::int32_t worker = -1; // -1: never ran (abandoned attempts aside)
        bool cutShort = false;
    };
    std::vector<TaskEnd> m_taskEnds;
};

std::optional<RunResult> RunFileReader::result()
{
    const qsizetype end = m_json.offset();
    if (!finish())
        return std::nullopt;
    m_json.seek(end); // past the events read again, back to what follows the run

    RunResult run;
    run.plan = std::move(*m_plan);
    run.strategy = m_entry->info;
    run.workers = *m_workers;
    // Taken at the run's end: a snapshot taken as soon as the events are read would be a
    // moment microseconds into the run, and a replay's moments are cut there.
    run.trace = m_recorder->snapshotAt(
        m_laneEndNs.empty() ? 0 : *std::max_element(m_laneEndNs.begin(), m_laneEndNs.end()));
    std::optional<std::int64_t> sequentialNs;
    if (m_baselineMeasured && m_baselineNs)
        sequentialNs = m_baselineNs;
    run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks, sequentialNs);
    run.error = std::move(m_error);
    run.stopped = m_stopped;
    run.resultOrder = std::move(m_resultOrder);
    run.engine = std::move(m_engine);
    run.machineLoad = m_machineLoad;
    run.workerClocks = std::move(m_workerClocks);
    return run;
}

bool RunFileReader::readRun()
{
    return m_json.readObject("the run object", [this](std::string_view name) {
        const auto key = keyFromName<RunKey>(RunKeyNames, name);
        if (!key)
            return m_json.skipValue(1); // added within format 1, or somebody's own
        const unsigned keyBit = 1u << static_cast<unsigned>(*key);
        if (m_seen & keyBit)
            return m_json.fail(
                QStringLiteral("the run object has \"%1\" twice").arg(fromUtf8(name)));
        m_seen |= keyBit;
        return readMember(*key);
    });
}

bool RunFileReader::readMember(RunKey key)
{
    switch (key) {
    case RunKey::Format: {
        m_json.skipWhitespace();
        const qsizetype at = m_json.offset();
        std::int64_t format = 0;
        if (!m_json.readInteger(format, "format"))
            return false;
        if (format > RunJsonFormat)
            return m_json.failAt(at,
                QStringLiteral("format %1 is newer than this ParViz reads (it reads format %2)")
                    .arg(format)
                    .arg(RunJsonFormat));
        if (format < RunJsonFormat)
            return m_json.failAt(at,
                QStringLiteral("format %1 is not a format of ParViz run files (this ParViz "
                               "reads format %2)")
                    .arg(format)
                    .arg(RunJsonFormat));
        return true;
    }
    case RunKey::Strategy:
        return m_json.readString(m_strategy.emplace(), "strategy");
    case RunKey::Engine:
        if (!m_json.readString(m_engine, "engine"))
            return false;
        if (m_engine == QLatin1String("ParViz"))
            m_engine.clear();
        return true;
    case RunKey::Workers:
        return m_json.readInteger(m_workers.emplace(), "workers", 0);
    case RunKey::WorkerCount:
        return readWorkerCount();
    case RunKey::Cpus:
        return m_json.readInteger(m_cpus.emplace(), "cpus", 1);
    case RunKey::Tasks:
        return m_json.readInteger(m_tasks.emplace(), "tasks");
    case RunKey::Workload:
        return readWorkload();
    case RunKey::Options:
        return readOptions();
    case RunKey::Stopped:
        return m_json.readBool(m_stopped, "stopped");
    case RunKey::Error:
        return readError();
    case RunKey::Baseline: {
        std::string_view baseline;
        if (!m_json.readString(baseline, "baseline"))
            return false;
        m_baselineMeasured = baseline == "measured-sequential";
        return true;
    }
    case RunKey::BaselineNs: {
        bool wasNull = false;
        if (!m_json.readNull(wasNull))
            return false;
        return wasNull || m_json.readInteger(m_baselineNs.emplace(), "baseline_ns");
    }
    case RunKey::ResultOrder:
        return readResultOrder();
    case RunKey::WorkerClocks:
        return readWorkerClocks();
    case RunKey::LaneLabels:
        return readLaneLabels();
    case RunKey::TracedTasks:
        return readTracedTasks();
    case RunKey::Program:
        return readProgram();
    case RunKey::MachineLoad:
        return m_json.readObject("\"machine_load\"", [this](std::string_view key) {
            if (key == "other_cores") {
                bool wasNull = false;
                if (!m_json.readNull(wasNull))
                    return false;
                return wasNull || m_json.readDouble(m_machineLoad.otherCores, "other_cores");
            }
            if (key == "disturbed")
                return m_json.readBool(m_machineLoad.disturbed, "disturbed");
            return m_json.skipValue(2);
        });
    case RunKey::Events:
        // The writer puts the events last, after everything the plan is made from: then they
        // stream in at once. In a file that has them earlier, they are checked for syntax
        // now and read once the rest is known.
        if (headerRead())
            return makePlan() && readEvents();
        m_json.skipWhitespace();
        m_deferredEvents = m_json.offset();
        return m_json.skipValue(1);
    case RunKey::Count:
        break;
    }
    return true;
}

bool RunFileReader::readWorkload()
{
    bool seenKind = false;
    bool seenDuration = false;
    const bool read = m_json.readObject("\"workload\"", [&](std::string_view key) {
        if (key == "kind") {
            seenKind = true;
            return m_json.readString(m_taskKind, "kind");
        }
        if (key == "duration") {
            seenDuration = true;
            return m_json.readString(m_duration, "duration");
        }
        if (key == "io_share")
            return m_json.readDouble(m_ioShare.emplace(), "io_share");
        if (key == "seed")
            return m_json.readUnsigned(m_seed, "seed");
        if (key == "gil")
            return m_json.readString(m_taskGil.emplace(), "gil");
        return m_json.skipValue(2);
    });
    if (!read)
        return false;
    if (!seenKind || !seenDuration)
        return m_json.fail(
            QStringLiteral("the workload has no \"%1\"")
                .arg(seenKind ? QStringLiteral("duration") : QStringLiteral("kind")));
    return true;
}

bool RunFileReader::readWorkerCount()
{
    std::optional<int> count;
    std::optional<double> fraction;
    const bool read = m_json.readObject("\"worker_count\"", [&](std::string_view key) {
        if (key == "explicit")
            return m_json.readInteger(count.emplace(), "explicit");
        if (key == "fraction")
            return m_json.readDouble(fraction.emplace(), "fraction");
        return m_json.skipValue(2);
    });
    if (!read)
        return false;
    if (count)
        m_workerCount = WorkerCount::exactly(*count);
    else if (fraction)
        m_workerCount = WorkerCount::ofCpus(*fraction);
    else
        return m_json.fail(
            QStringLiteral("\"worker_count\" has neither \"explicit\" nor \"fraction\""));
    return true;
}

bool RunFileReader::readOptions()
{
    return m_json.readObject("\"options\"", [this](std::string_view key) {
        if (key == "chunksize")
            return m_json.readInteger(m_options.chunkSize, "chunksize");
        if (key == "switch_interval_ns")
            return m_json.readInteger(m_options.switchIntervalNs, "switch_interval_ns");
        if (key == "worker_stall_timeout_ns")
            return m_json.readInteger(m_options.workerStallTimeoutNs, "worker_stall_timeout_ns");
        if (key == "worker_start_timeout_ns")
            return m_json.readInteger(m_options.workerStartTimeoutNs, "worker_start_timeout_ns");
        if (key == "join")
            return m_json.readBool(m_options.join, "join");
        if (key == "backend") {
            m_json.skipWhitespace();
            const qsizetype at = m_json.offset();
            std::string_view name;
            if (!m_json.readString(name, "backend"))
                return false;
            const auto backend = joblibBackendFromName(
                QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
            if (!backend)
                return m_json.failAt(at,
                    QStringLiteral("\"backend\" is 'loky', 'threading' or 'dask', not '%1'")
                        .arg(excerpt(name)));
            m_options.backend = *backend;
            return true;
        }
        if (key == "threads_per_worker") {
            m_json.skipWhitespace();
            const qsizetype at = m_json.offset();
            if (!m_json.readInteger(m_options.threadsPerWorker, "threads_per_worker"))
                return false;
            return checkOption(at, "threads_per_worker", "bad-threads-per-worker");
        }
        if (key == "dask_scheduler") {
            bool wasNull = false;
            if (!m_json.readNull(wasNull))
                return false;
            m_options.daskScheduler.clear();
            if (wasNull)
                return true;
            m_json.skipWhitespace();
            const qsizetype at = m_json.offset();
            if (!m_json.readString(m_options.daskScheduler, "dask_scheduler"))
                return false;
            return checkOption(at, "dask_scheduler", "bad-dask-scheduler");
        }
        if (key == "on_worker_death") {
            m_json.skipWhitespace();
            const qsizetype at = m_json.offset();
            std::string_view death;
            if (!m_json.readString(death, "on_worker_death"))
                return false;
            if (death == "fail")
                m_options.onWorkerDeath = StrategyOptions::WorkerDeath::Fail;
            else if (death == "restart")
                m_options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
            else
                return m_json.failAt(at,
                    QStringLiteral("\"on_worker_death\" is 'fail' or 'restart', not '%1'")
                        .arg(excerpt(death)));
            return true;
        }
        return m_json.skipValue(2);
    });
}

// The option `key` just read at `at`, as StrategyOptions::validate() judges it (whose error
// `code` is about it): its problem is named where it is, not later as the plan's.
bool RunFileReader::checkOption(qsizetype at, const char *key, const char *code)
{
    const auto valid = m_options.validate();
    if (valid || valid.error().code != QLatin1String(code))
        return true;
    return m_json.failAt(
        at, QStringLiteral("\"%1\": %2").arg(QLatin1String(key), valid.error().message));
}

bool RunFileReader::readError()
{
    bool wasNull = false;
    if (!m_json.readNull(wasNull))
        return false;
    if (wasNull) {
        m_error.reset();
        return true;
    }
    std::optional<QString> code;
    std::optional<QString> message;
    const bool read = m_json.readObject("\"error\"", [&](std::string_view key) {
        if (key == "code")
            return m_json.readString(code.emplace(), "code");
        if (key == "message")
            return m_json.readString(message.emplace(), "message");
        return m_json.skipValue(2);
    });
    if (!read)
        return false;
    if (!code || !message)
        return m_json.fail(QStringLiteral("the run's error has no \"%1\"")
                               .arg(code ? QStringLiteral("message") : QStringLiteral("code")));
    m_error = Error{*code, *message};
    return true;
}

bool RunFileReader::readResultOrder()
{
    m_resultOrder.clear();
    return m_json.readArray("\"result_order\"", [this] {
        int task = 0;
        if (!m_json.readInteger(task, "result_order", 0))
            return false;
        m_resultOrder.push_back(task);
        return true;
    });
}

bool RunFileReader::readWorkerClocks()
{
    m_workerClocks.clear();
    return m_json.readArray("\"worker_clocks\"", [this] {
        m_json.skipWhitespace();
        const qsizetype at = m_json.offset();
        const std::size_t index = m_workerClocks.size();
        WorkerClock clock;
        std::optional<std::int64_t> pid;
        std::optional<std::int64_t> offsetNs;
        std::optional<std::int64_t> uncertaintyNs;
        bool seenWorker = false;
        const bool read = m_json.readObject("a worker clock", [&](std::string_view key) {
            if (key == "worker") {
                seenWorker = true;
                return m_json.readString(clock.worker, "worker");
            }
            if (key == "pid")
                return m_json.readInteger(pid.emplace(), "pid");
            if (key == "offset_ns")
                return m_json.readInteger(offsetNs.emplace(), "offset_ns");
            if (key == "uncertainty_ns")
                return m_json.readInteger(uncertaintyNs.emplace(), "uncertainty_ns");
            return m_json.skipValue(3);
        });
        if (!read)
            return false;
        const char *missing = !seenWorker ? "worker"
            : !pid                        ? "pid"
            : !offsetNs                   ? "offset_ns"
            : !uncertaintyNs              ? "uncertainty_ns"
                                          : nullptr;
        if (missing)
            return m_json.failAt(at,
                QStringLiteral("worker clock %1 has no \"%2\"")
                    .arg(index)
                    .arg(QLatin1String(missing)));
        if (*pid < 0 || *pid > std::numeric_limits<std::int32_t>::max())
            return m_json.failAt(at,
                QStringLiteral("worker clock %1 has the impossible pid %2").arg(index).arg(*pid));
        if (*uncertaintyNs < 0)
            return m_json.failAt(at,
                QStringLiteral("worker clock %1 has a negative uncertainty (%2 ns)")
                    .arg(index)
                    .arg(*uncertaintyNs));
        clock.pid = static_cast<std::int32_t>(*pid);
        clock.offsetNs = *offsetNs;
        clock.uncertaintyNs = *uncertaintyNs;
        m_workerClocks.push_back(std::move(clock));
        return true;
    });
}

bool RunFileReader::readLaneLabels()
{
    m_laneLabels.clear();
    return m_json.readArray("\"lane_labels\"", [this] {
        m_json.skipWhitespace();
        LaneLabel label;
        label.at = m_json.offset();
        std::optional<std::int64_t> worker;
        std::optional<QString> text;
        const bool read = m_json.readObject("a lane label", [&](std::string_view key) {
            if (key == "worker")
                return m_json.readInteger(worker.emplace(), "worker");
            if (key == "label")
                return m_json.readString(text.emplace(), "label");
            return m_json.skipValue(3);
        });
        if (!read)
            return false;
        if (!worker || !text)
            return m_json.failAt(label.at,
                QStringLiteral("lane label %1 has no \"%2\"")
                    .arg(m_laneLabels.size())
                    .arg(worker ? QStringLiteral("label") : QStringLiteral("worker")));
        label.worker = *worker;
        label.label = std::move(*text);
        m_laneLabels.push_back(std::move(label));
        return true;
    });
}

bool RunFileReader::readProgram()
{
    TracedProgram &program = m_program.emplace();
    return m_json.readObject("\"program\"", [this, &program](std::string_view key) {
        if (key == "path")
            return m_json.readString(program.path, "the program's path");
        if (key == "working_directory")
            return m_json.readString(program.workingDirectory, "the program's working directory");
        if (key == "arguments") {
            program.arguments.clear();
            return m_json.readArray("the program's \"arguments\"", [this, &program] {
                return m_json.readString(program.arguments.emplace_back(), "an argument");
            });
        }
        return m_json.skipValue(3);
    });
}

bool RunFileReader::readTracedTasks()
{
    return m_json.readObject("\"traced_tasks\"", [this](std::string_view key) {
        if (key == "names") {
            m_tracedNames.clear();
            return m_json.readArray("the traced tasks' \"names\"", [this] {
                return m_json.readString(m_tracedNames.emplace_back(), "a traced task's name");
            });
        }
        if (key == "tasks") {
            m_tracedTasks.clear();
            return m_json.readArray("the traced tasks' \"tasks\"", [this] {
                m_json.skipWhitespace();
                TracedTaskEntry entry;
                entry.at = m_json.offset();
                int field = 0;
                const bool read = m_json.readArray("a traced task", [&] {
                    switch (field++) {
                    case 0:
                        return m_json.readInteger(entry.name, "a traced task's name");
                    case 1:
                        return m_json.readString(entry.arguments, "a traced task's arguments");
                    default:
                        return m_json.fail(QStringLiteral(
                            "a traced task is [name, arguments], with nothing more"));
                    }
                });
                if (!read)
                    return false;
                if (field != 2)
                    return m_json.failAt(entry.at,
                        QStringLiteral("traced task %1 is not [name, arguments]")
                            .arg(m_tracedTasks.size()));
                m_tracedTasks.push_back(std::move(entry));
                return true;
            });
        }
        return m_json.skipValue(2);
    });
}

// Whether everything the plan is made from has been read, so that events can stream in.
bool RunFileReader::headerRead() const
{
    for (const RunKey key : {RunKey::Format,
             RunKey::Strategy,
             RunKey::Workers,
             RunKey::WorkerCount,
             RunKey::Cpus,
             RunKey::Tasks,
             RunKey::Workload,
             RunKey::Options}) {
        if (!(m_seen & (1u << static_cast<unsigned>(key))))
            return false;
    }
    return true;
}

bool RunFileReader::makePlan()
{
    if (!(m_seen & (1u << static_cast<unsigned>(RunKey::Format))))
        return m_json.failPlain(
            QStringLiteral("the file has no \"format\", so it is not a ParViz run file"));
    for (const RunKey key : {RunKey::Strategy,
             RunKey::Workload,
             RunKey::Tasks,
             RunKey::WorkerCount,
             RunKey::Cpus,
             RunKey::Workers,
             RunKey::Events}) {
        if (!(m_seen & (1u << static_cast<unsigned>(key))))
            return m_json.failPlain(QStringLiteral("the file has no \"%1\", which every run "
                                                   "file has")
                                        .arg(fromUtf8(RunKeyNames[static_cast<int>(key)])));
    }

    m_entry = findStrategy(*m_strategy);
    if (m_entry && m_entry->info.id == TracedProgramStrategyId)
        return makeTracedProgramPlan();
    if (!m_entry) {
        QStringList known;
        for (const auto &entry : strategyRegistry())
            known << entry.info.id;
        return m_json.failPlain(QStringLiteral("the run was made with the strategy '%1', which "
                                               "this ParViz does not have (it has %2)")
                                    .arg(*m_strategy, known.join(QStringLiteral(", "))));
    }

    WorkloadSpec workload;
    workload.taskCount = *m_tasks;
    const auto kind = taskKindFromName(m_taskKind);
    if (!kind)
        return m_json.failPlain(
            QStringLiteral("the workload's kind '%1' is not sleep, cpu or mixed").arg(m_taskKind));
    workload.kind = *kind;
    // The writer derives io_share from the kind except for mixed tasks: only there is it the
    // workload's own.
    if (*kind == TaskKind::Mixed && m_ioShare)
        workload.ioShare = *m_ioShare;
    auto duration = DurationSpec::parse(m_duration);
    if (!duration)
        return m_json.failPlain(QStringLiteral("the workload's duration is not valid: %1")
                                    .arg(duration.error().message));
    workload.duration = std::move(duration).value();
    workload.seed = m_seed;
    if (m_taskGil) {
        const auto gil = taskGilFromName(*m_taskGil);
        if (!gil)
            return m_json.failPlain(
                QStringLiteral("the workload's \"gil\" is held, released or none, not '%1'")
                    .arg(m_taskGil->left(40)));
        workload.gil = *gil;
    } else {
        // Written before tasks had a GIL use: threads then ran without one, except in the
        // strategy whose id implies it ("gil-threads", which RunPlan turns into a thread pool
        // with held tasks).
        workload.gil = TaskGil::None;
    }

    auto plan = makeRunPlan(*m_strategy, workload, *m_workerCount, m_options, *m_cpus);
    if (!plan)
        return m_json.failPlain(
            QStringLiteral("the run's plan is not valid: %1").arg(plan.error().message));
    const std::unique_ptr<Strategy> strategy = makeEngine(*plan);
    const int lanes = strategy->laneCount(*plan);
    if (*m_workers != lanes)
        return m_json.failPlain(QStringLiteral("the file has %1 worker rows, but a %2 run of this "
                                               "plan has %3")
                                    .arg(*m_workers)
                                    .arg(*m_strategy)
                                    .arg(lanes));
    m_strategyHasGil = strategy->hasGilLane(*plan);
    m_plan = std::move(plan).value();
    return true;
}

bool RunFileReader::makeTracedProgramPlan()
{
    if (!m_program)
        return m_json.failPlain(QStringLiteral(
            "the run traced a Python program, but the file has no \"program\" naming it"));
    if (m_program->path.isEmpty())
        return m_json.failPlain(QStringLiteral("the traced program's \"path\" is empty"));
    if (*m_tasks != 0)
        return m_json.failPlain(QStringLiteral("a traced program's run plans no tasks, but the "
                                               "file has %1 (its tasks are \"traced_tasks\")")
                                    .arg(*m_tasks));
    if (*m_workers < 0 || *m_workers > RunPlan::MaxLanes)
        return m_json.failPlain(QStringLiteral("the file has %1 worker rows; a run has 0 to %2")
                                    .arg(*m_workers)
                                    .arg(RunPlan::MaxLanes));
    RunPlan plan = parviz::makeTracedProgramPlan(*m_program);
    plan.cpus = *m_cpus;
    m_strategyHasGil = false; // CPython's GIL is not seen from outside
    m_plan = std::move(plan);
    return true;
}

bool RunFileReader::readEvents()
{
    const int workers = *m_workers;
    m_recorder = std::make_unique<TraceRecorder>(workers, m_strategyHasGil);
    const std::size_t lanes = static_cast<std::size_t>(workers) + 2;
    m_laneEndNs.assign(lanes, 0);
    m_lanePid.assign(lanes, std::numeric_limits<std::int64_t>::min()); // no pid set yet
    m_taskEnds.assign(taskCount(), TaskEnd{});
    m_eventIndex = 0;
    return m_json.readArray("\"events\"", [this] { return readEvent(); });
}

bool RunFileReader::readEvent()
{
    m_json.skipWhitespace();
    const qsizetype at = m_json.offset();
    std::int64_t task = 0;
    std::int64_t worker = 0;
    std::int64_t pid = 0;
    TaskEvent event;
    unsigned seen = 0;
    const bool read = m_json.readObject("an event", [&](std::string_view name) {
        const auto key = keyFromName<EventKey>(EventKeyNames, name);
        if (!key)
            return m_json.skipValue(3);
        if (seen & bit(*key))
            return m_json.fail(
                QStringLiteral("event %1 has \"%2\" twice").arg(m_eventIndex).arg(fromUtf8(name)));
        seen |= bit(*key);
        bool flag = false;
        switch (*key) {
        case EventKey::Task:
            return m_json.readInteger(task, "task");
        case EventKey::Worker:
            return m_json.readInteger(worker, "worker");
        case EventKey::Kind: {
            m_json.skipWhitespace();
            const qsizetype kindAt = m_json.offset();
            std::string_view kind;
            if (!m_json.readString(kind, "kind"))
                return false;
            const auto parsed = eventKindFromId(kind);
            if (!parsed)
                return m_json.failAt(kindAt,
                    QStringLiteral("event %1 has the unknown kind '%2'")
                        .arg(m_eventIndex)
                        .arg(excerpt(kind)));
            event.kind = *parsed;
            return true;
        }
        case EventKey::StartNs:
            return m_json.readInteger(event.startNs, "start_ns");
        case EventKey::EndNs:
            return m_json.readInteger(event.endNs, "end_ns");
        case EventKey::Pid:
            return m_json.readInteger(pid, "pid");
        case EventKey::Interrupted:
            if (!m_json.readBool(flag, "interrupted"))
                return false;
            event.flags |= flag ? EventFlag::Interrupted : 0;
            return true;
        case EventKey::Failed:
            if (!m_json.readBool(flag, "failed"))
                return false;
            event.flags |= flag ? EventFlag::Failed : 0;
            return true;
        case EventKey::Abandoned:
            if (!m_json.readBool(flag, "abandoned"))
                return false;
            event.flags |= flag ? EventFlag::Abandoned : 0;
            return true;
        case EventKey::GroupStart:
            if (!m_json.readBool(flag, "group_start"))
                return false;
            event.flags |= flag ? EventFlag::GroupStart : 0;
            return true;
        case EventKey::Count:
            break;
        }
        return true;
    });
    if (!read)
        return false;

    for (const EventKey key : {EventKey::Task,
             EventKey::Worker,
             EventKey::Kind,
             EventKey::StartNs,
             EventKey::EndNs,
             EventKey::Pid}) {
        if (!(seen & bit(key)))
            return m_json.failAt(at,
                QStringLiteral("event %1 has no \"%2\"")
                    .arg(m_eventIndex)
                    .arg(fromUtf8(EventKeyNames[static_cast<int>(key)])));
    }
    if (worker < GilLane || worker >= *m_workers)
        return m_json.failAt(at,
            QStringLiteral("event %1 is on worker %2, but the run has workers 0 to %3 (and -1 "
                           "for the main row, -2 for the GIL row)")
                .arg(m_eventIndex)
                .arg(worker)
                .arg(*m_workers - 1));
    const auto tasks = static_cast<std::int64_t>(taskCount());
    if (task < -1 || task >= tasks)
        return m_json.failAt(at,
            QStringLiteral("event %1 names task %2, but the run has tasks 0 to %3 (and -1 for "
                           "none)")
                .arg(m_eventIndex)
                .arg(task)
                .arg(tasks - 1));
    if (pid < 0 || pid > std::numeric_limits<std::int32_t>::max())
        return m_json.failAt(
            at, QStringLiteral("event %1 has the impossible pid %2").arg(m_eventIndex).arg(pid));
    event.task = static_cast<std::int32_t>(task);
    event.worker = static_cast<std::int32_t>(worker);
    event.pid = static_cast<std::int32_t>(pid);
    if (!addEvent(event, at))
        return false;
    ++m_eventIndex;
    return true;
}

bool RunFileReader::addEvent(const TaskEvent &event, qsizetype at)
{
    if (event.startNs < 0 || event.endNs < 0)
        return m_json.failAt(at,
            QStringLiteral("event %1 has a negative time (start %2 ns, end %3 ns)")
                .arg(m_eventIndex)
                .arg(event.startNs)
                .arg(event.endNs));
    if (event.endNs < event.startNs)
        return m_json.failAt(at,
            QStringLiteral("event %1 ends at %2 ns, before it starts at %3 ns")
                .arg(m_eventIndex)
                .arg(event.endNs)
                .arg(event.startNs));
    if (!eventKindBelongsOn(event.worker, event.kind))
        return m_json.failAt(at,
            QStringLiteral("event %1 is a '%2' event, which does not belong on %3")
                .arg(m_eventIndex)
                .arg(eventKindName(event.kind), laneName(event.worker)));
    const auto lane = static_cast<std::size_t>(event.worker + 2);
    if (event.startNs < m_laneEndNs[lane])
        return m_json.failAt(at,
            QStringLiteral("event %1 starts at %2 ns, before the previous event on %3 ends at "
                           "%4 ns, and the events of one row never overlap")
                .arg(m_eventIndex)
                .arg(event.startNs)
                .arg(laneName(event.worker))
                .arg(m_laneEndNs[lane]));
    m_laneEndNs[lane] = event.endNs;

    if (event.worker == GilLane && !m_recorder->hasGilLane())
        addGilLane();
    TraceLane &target = m_recorder->lane(event.worker);
    if (m_lanePid[lane] != event.pid) {
        target.setPid(event.pid);
        m_lanePid[lane] = event.pid;
    }
    target.append(event.task, event.kind, event.startNs, event.endNs, event.flags);

    // As computeRunMetrics() judges a task's end, except that only a run that was not
    // abandoned counts as having run: that is when the recorder counted a completed task.
    if (event.worker >= 0 && event.task >= 0 && !event.abandoned()
        && (event.kind == EventKind::Run || event.kind == EventKind::GilWait)) {
        TaskEnd &end = m_taskEnds[static_cast<std::size_t>(event.task)];
        if (event.kind == EventKind::Run)
            end.worker = event.worker;
        end.cutShort = end.cutShort || event.interrupted() || event.failed();
    }
    return true;
}

void RunFileReader::addGilLane()
{
    // A strategy without a GIL, yet the file has events on the GIL row: keep them, on a
    // recorder that has the row. Only a hand-made file gets here, so copying the events read
    // so far costs nothing that matters.
    auto recorder = std::make_unique<TraceRecorder>(*m_workers, true);
    const auto events = m_recorder->snapshot();
    events->forEachEvent([&recorder](const TaskEvent &event) {
        TraceLane &lane = recorder->lane(event.worker);
        lane.setPid(event.pid);
        lane.append(event.task, event.kind, event.startNs, event.endNs, event.flags);
    });
    m_recorder = std::move(recorder);
}

void RunFileReader::countCompletedTasks()
{
    for (const TaskEnd &end : m_taskEnds) {
        if (end.worker >= 0 && !end.cutShort)
            m_recorder->worker(end.worker).countCompletedTask();
    }
}

bool RunFileReader::finish()
{
    if (!m_plan && !makePlan())
        return false;
    if (m_deferredEvents) {
        m_json.seek(*m_deferredEvents);
        if (!readEvents())
            return false;
    }
    const auto tasks = static_cast<std::int32_t>(m_plan->tasks->size());
    for (const std::int32_t task : m_resultOrder) {
        if (task >= tasks)
            return m_json.failPlain(QStringLiteral("\"result_order\" names task %1, but the run "
                                                   "has tasks 0 to %2")
                                        .arg(task)
                                        .arg(tasks - 1));
    }
    std::vector<bool> labelled(static_cast<std::size_t>(*m_workers), false);
    for (const LaneLabel &label : m_laneLabels) {
        if (label.worker < 0 || label.worker >= *m_workers)
            return m_json.failAt(label.at,
                QStringLiteral("a lane label is for worker %1, but the run has workers 0 to %2")
                    .arg(label.worker)
                    .arg(*m_workers - 1));
        const auto worker = static_cast<std::size_t>(label.worker);
        if (labelled[worker])
            return m_json.failAt(
                label.at, QStringLiteral("worker %1 has a second lane label").arg(label.worker));
        labelled[worker] = true;
        m_recorder->worker(static_cast<int>(label.worker)).setLabel(label.label);
    }
    for (const TracedTaskEntry &task : m_tracedTasks) {
        if (task.name < 0 || task.name >= static_cast<std::int64_t>(m_tracedNames.size()))
            return m_json.failAt(task.at,
                QStringLiteral("traced task %1 has name %2, but there are %3 names")
                    .arg(m_recorder->taskCount())
                    .arg(task.name)
                    .arg(m_tracedNames.size()));
        m_recorder->addTask(m_tracedNames[static_cast<std::size_t>(task.name)], task.arguments);
    }
    countCompletedTasks();
    return true;
}

Error badRunFile(const QString &message)
{
    return Error{QStringLiteral("bad-run-file"), message};
}

} // namespace

Result<RunResult> readRunJson(const QByteArray &data)
{
    JsonCursor json(data);
    json.skipByteOrderMark();
    json.skipWhitespace();
    if (json.peek() == EndOfInput)
        return badRunFile(QStringLiteral("the file is empty"));
    RunFileReader reader(json);
    if (!reader.readRun())
        return badRunFile(json.error());
    json.skipWhitespace();
    if (json.peek() != EndOfInput) {
        json.expected(QStringLiteral("the end of the file after the run object"));
        return badRunFile(json.error());
    }
    auto run = reader.result();
    if (!run)
        return badRunFile(json.error());
    return std::move(*run);
}

Result<std::vector<RunResult>> readRunsJson(const QByteArray &data)
{
    JsonCursor json(data);
    json.skipByteOrderMark();
    json.skipWhitespace();
    std::vector<RunResult> runs;
    if (json.peek() != '[') {
        auto run = readRunJson(data);
        if (!run)
            return run.error();
        runs.push_back(std::move(*run));
        return runs;
    }
    bool inRun = false;
    const bool read = json.readArray("the comparison", [&] {
        inRun = true;
        RunFileReader reader(json);
        if (!reader.readRun())
            return false;
        auto run = reader.result();
        if (!run)
            return false;
        runs.push_back(std::move(*run));
        inRun = false;
        return true;
    });
    if (!read) {
        if (!inRun)
            return badRunFile(json.error());
        return badRunFile(
            QStringLiteral("run %1 of the comparison: %2").arg(runs.size() + 1).arg(json.error()));
    }
    json.skipWhitespace();
    if (json.peek() != EndOfInput) {
        json.expected(QStringLiteral("the end of the file after the comparison"));
        return badRunFile(json.error());
    }
    if (runs.empty())
        return badRunFile(QStringLiteral("the comparison has no runs"));
    return runs;
}

Result<RunResult> loadRunJson(const QString &path)
{
    const auto data = readRegularFile(path, MaxRunFileBytes, "run file");
    if (!data)
        return Error{QStringLiteral("bad-run-file"),
            QStringLiteral("%1: %2").arg(path, data.error().message)};
    auto run = readRunJson(*data);
    if (!run)
        return Error{run.error().code, QStringLiteral("%1: %2").arg(path, run.error().message)};
    return run;
}

Result<std::vector<RunResult>> loadRunsJson(const QString &path)
{
    const auto data = readRegularFile(path, MaxRunFileBytes, "run file");
    if (!data)
        return Error{QStringLiteral("bad-run-file"),
            QStringLiteral("%1: %2").arg(path, data.error().message)};
    auto runs = readRunsJson(*data);
    if (!runs)
        return Error{runs.error().code, QStringLiteral("%1: %2").arg(path, runs.error().message)};
    return runs;
}

} // namespace parviz
