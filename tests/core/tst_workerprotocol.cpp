#include "process/workerprotocol.h"

#include <QTest>

#include <random>

using namespace parviz;
using namespace parviz::protocol;

class tst_WorkerProtocol : public QObject
{
    Q_OBJECT

private slots:
    void tasksRoundTrip_data();
    void tasksRoundTrip();
    void reportsRoundTrip();
    void linesSplitAcrossReads();
    void overlongLineIsAnError();
    void truncatedStreamIsAnError();
    void malformedCommands_data();
    void malformedCommands();
    void malformedReports_data();
    void malformedReports();
    void fuzzedInputOnlyEverErrs();
};

Q_DECLARE_METATYPE(parviz::TaskSpec)

namespace {

// All complete lines of `bytes`, or the first error.
std::vector<std::variant<LineReader::Line, ParseError>> linesOf(LineReader &reader)
{
    std::vector<std::variant<LineReader::Line, ParseError>> result;
    for (;;) {
        auto next = reader.next();
        if (std::holds_alternative<std::monostate>(next))
            return result;
        if (auto *error = std::get_if<ParseError>(&next)) {
            result.emplace_back(*error);
            return result;
        }
        result.emplace_back(std::get<LineReader::Line>(next));
    }
}

LineReader::Line lineAt(std::string_view text, std::uint64_t offset = 0)
{
    return {text, offset};
}

} // namespace

void tst_WorkerProtocol::tasksRoundTrip_data()
{
    QTest::addColumn<TaskSpec>("task");
    QTest::newRow("sleep") << TaskSpec{0, 10'000'000, TaskKind::Sleep, 1.0, false, false};
    QTest::newRow("cpu") << TaskSpec{41, 1, TaskKind::Cpu, 0.0, false, false};
    QTest::newRow("mixed, odd share")
        << TaskSpec{7, 123'456'789, TaskKind::Mixed, 0.3333333333333333, false, false};
    QTest::newRow("throws") << TaskSpec{2, 0, TaskKind::Sleep, 1.0, true, false};
    QTest::newRow("crashes and throws")
        << TaskSpec{2'000'000, MaxTaskNs, TaskKind::Cpu, 0.0, true, true};
}

void tst_WorkerProtocol::tasksRoundTrip()
{
    QFETCH(TaskSpec, task);
    const std::string line = encodeTask(task);
    QVERIFY(line.back() == '\n');
    const auto parsed = parseCommand(lineAt(std::string_view(line).substr(0, line.size() - 1)));
    QVERIFY(std::holds_alternative<Command>(parsed));
    const TaskSpec &back = std::get<Command>(parsed).task;
    QCOMPARE(back.id, task.id);
    QCOMPARE(back.kind, task.kind);
    QCOMPARE(back.durationNs, task.durationNs);
    QCOMPARE(back.ioShare, task.ioShare); // shortest round-trip form: exact
    QCOMPARE(back.throws, task.throws);
    QCOMPARE(back.crashes, task.crashes);

    const auto stop = parseCommand(lineAt("stop"));
    QVERIFY(std::holds_alternative<Command>(stop));
    QCOMPARE(std::get<Command>(stop).kind, Command::Kind::Stop);
}

void tst_WorkerProtocol::reportsRoundTrip()
{
    auto parse = [](const std::string &line) {
        return parseReport(lineAt(std::string_view(line).substr(0, line.size() - 1)));
    };
    auto ready = parse(encodeReady(4321, 99));
    QVERIFY(std::holds_alternative<Report>(ready));
    QCOMPARE(std::get<Report>(ready).kind, Report::Kind::Ready);
    QCOMPARE(std::get<Report>(ready).pid, std::int64_t(4321));
    QCOMPARE(std::get<Report>(ready).timeNs, std::int64_t(99));

    auto done = std::get<Report>(parse(encodeDone(12, 5, true)));
    QCOMPARE(done.kind, Report::Kind::Done);
    QCOMPARE(done.task, 12);
    QVERIFY(done.interrupted);
    QVERIFY(!std::get<Report>(parse(encodeDone(12, 5, false))).interrupted);

    auto failed = std::get<Report>(parse(encodeFailed(3, 7, "it broke\nbadly: here")));
    QCOMPARE(failed.kind, Report::Kind::Failed);
    QCOMPARE(failed.message, std::string("it broke badly: here"));

    auto error = std::get<Report>(parse(encodeError(1234, "bad kind")));
    QCOMPARE(error.kind, Report::Kind::Error);
    QCOMPARE(error.offset, std::uint64_t(1234));

    auto start = std::get<Report>(parse(encodeStart(8, 1)));
    QCOMPARE(start.kind, Report::Kind::Start);
    QCOMPARE(start.task, 8);
}

void tst_WorkerProtocol::linesSplitAcrossReads()
{
    LineReader reader;
    reader.append("start 1 ");
    QVERIFY(linesOf(reader).empty());
    reader.append("100\ndone 1 200 ok\nsta");
    const auto lines = linesOf(reader);
    QCOMPARE(lines.size(), std::size_t(2));
    QCOMPARE(std::get<LineReader::Line>(lines[0]).offset, std::uint64_t(0));
    QCOMPARE(std::get<LineReader::Line>(lines[1]).offset, std::uint64_t(12));
    QCOMPARE(std::string(std::get<LineReader::Line>(lines[1]).text), std::string("done 1 200 ok"));
    reader.append("rt 2 300\n");
    const auto last = linesOf(reader);
    QCOMPARE(last.size(), std::size_t(1));
    QCOMPARE(std::get<LineReader::Line>(last[0]).offset, std::uint64_t(26));
    QVERIFY(std::holds_alternative<std::monostate>(reader.finish()));
}

void tst_WorkerProtocol::overlongLineIsAnError()
{
    LineReader reader;
    reader.append("start 1 1\n");
    reader.append(std::string(MaxLineBytes + 1, 'x'));
    auto lines = linesOf(reader);
    QCOMPARE(lines.size(), std::size_t(2));
    const auto &error = std::get<ParseError>(lines[1]);
    QCOMPARE(error.offset, std::uint64_t(10));
    QVERIFY(error.message.find("longer than") != std::string::npos);
    // After an error, nothing more is read.
    reader.append("\nstart 2 2\n");
    QVERIFY(linesOf(reader).empty());
}

void tst_WorkerProtocol::truncatedStreamIsAnError()
{
    LineReader reader;
    reader.append("ready 1 5 5\ndone 3 9");
    QCOMPARE(linesOf(reader).size(), std::size_t(1));
    const auto end = reader.finish();
    QVERIFY(std::holds_alternative<ParseError>(end));
    QCOMPARE(std::get<ParseError>(end).offset, std::uint64_t(12));
}

void tst_WorkerProtocol::malformedCommands_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("offset"); // where within the line the error points
    QTest::newRow("empty") << QByteArray("") << 0;
    QTest::newRow("unknown verb") << QByteArray("fly 1 2") << 0;
    QTest::newRow("too few fields") << QByteArray("task 1 sleep 5") << 0;
    QTest::newRow("too many fields") << QByteArray("task 1 sleep 5 1 - x") << 0;
    QTest::newRow("negative id") << QByteArray("task -1 sleep 5 1 -") << 5;
    QTest::newRow("id not a number") << QByteArray("task one sleep 5 1 -") << 5;
    QTest::newRow("id overflows") << QByteArray("task 99999999999 sleep 5 1 -") << 5;
    QTest::newRow("bad kind") << QByteArray("task 1 nap 5 1 -") << 7;
    QTest::newRow("negative duration") << QByteArray("task 1 cpu -5 0 -") << 11;
    QTest::newRow("duration over an hour") << QByteArray("task 1 cpu 3600000000001 0 -") << 11;
    QTest::newRow("share above one") << QByteArray("task 1 mixed 5 1.5 -") << 15;
    QTest::newRow("share not finite") << QByteArray("task 1 mixed 5 nan -") << 15;
    QTest::newRow("unknown flag") << QByteArray("task 1 cpu 5 0 z") << 15;
    QTest::newRow("double space") << QByteArray("task  1 cpu 5 0 -") << 0;
    QTest::newRow("stop with extra") << QByteArray("stop now") << 0;
    QTest::newRow("binary") << QByteArray("task \x01\xff\x00 cpu 5 0 -", 18) << 5;
}

void tst_WorkerProtocol::malformedCommands()
{
    QFETCH(QByteArray, line);
    QFETCH(int, offset);
    const auto parsed =
        parseCommand(lineAt(std::string_view(line.constData(), std::size_t(line.size())), 1000));
    QVERIFY(std::holds_alternative<ParseError>(parsed));
    QCOMPARE(std::get<ParseError>(parsed).offset, std::uint64_t(1000 + offset));
    QVERIFY(!std::get<ParseError>(parsed).message.empty());
}

void tst_WorkerProtocol::malformedReports_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("unknown") << QByteArray("hello");
    QTest::newRow("ready, other version") << QByteArray("ready 2 100 5");
    QTest::newRow("ready, no pid") << QByteArray("ready 1 x 5");
    QTest::newRow("ready, zero pid") << QByteArray("ready 1 0 5");
    QTest::newRow("start, negative time") << QByteArray("start 1 -5");
    QTest::newRow("start, short") << QByteArray("start 1");
    QTest::newRow("done, bad outcome") << QByteArray("done 1 5 maybe");
    QTest::newRow("failed, no message") << QByteArray("failed 1 5");
    QTest::newRow("error, bad offset") << QByteArray("error x broken");
    QTest::newRow("time overflows") << QByteArray("start 1 99999999999999999999");
}

void tst_WorkerProtocol::malformedReports()
{
    QFETCH(QByteArray, line);
    const auto parsed =
        parseReport(lineAt(std::string_view(line.constData(), std::size_t(line.size())), 50));
    QVERIFY(std::holds_alternative<ParseError>(parsed));
    QVERIFY(std::get<ParseError>(parsed).offset >= 50);
    QVERIFY(std::get<ParseError>(parsed).offset <= 50 + std::uint64_t(line.size()));
}

void tst_WorkerProtocol::fuzzedInputOnlyEverErrs()
{
    // Random bytes, and valid messages with bytes flipped, cut or repeated: the reader and both
    // parsers only ever answer with a message or an error inside the stream, never a crash.
    std::mt19937_64 random(12345);
    const std::string valid = encodeTask(TaskSpec{5, 100, TaskKind::Mixed, 0.25, false, false})
        + encodeReady(77, 1) + encodeStart(5, 2) + encodeDone(5, 3, false) + encodeFailed(5, 4, "x")
        + encodeError(9, "y") + encodeStop();
    std::size_t errors = 0;
    std::size_t messages = 0;
    for (int round = 0; round < 20'000; ++round) {
        std::string input;
        if (round % 2 == 0) {
            const std::size_t length = random() % 300;
            for (std::size_t i = 0; i < length; ++i)
                input += (random() % 8 == 0) ? '\n' : static_cast<char>(random() % 256);
        } else {
            input = valid;
            const int mutations = 1 + int(random() % 4);
            for (int m = 0; m < mutations && !input.empty(); ++m) {
                const std::size_t at = random() % input.size();
                switch (random() % 3) {
                case 0:
                    input[at] = static_cast<char>(random() % 256);
                    break;
                case 1:
                    input.erase(at, 1 + random() % 8);
                    break;
                default:
                    input.insert(at,
                        std::string(1 + random() % 2000, static_cast<char>('0' + random() % 10)));
                }
            }
        }
        LineReader reader;
        // Feed in pieces, as reads from a socket arrive.
        for (std::size_t at = 0; at < input.size();) {
            const std::size_t piece = 1 + random() % 64;
            reader.append(std::string_view(input).substr(at, piece));
            at += piece;
            for (const auto &entry : linesOf(reader)) {
                if (const auto *error = std::get_if<ParseError>(&entry)) {
                    QVERIFY(error->offset <= input.size());
                    ++errors;
                    continue;
                }
                const auto &line = std::get<LineReader::Line>(entry);
                QVERIFY(line.offset + line.text.size() < input.size() + 1);
                for (const auto &parsed : {parseCommand(line).index(), parseReport(line).index()})
                    (parsed == 0 ? messages : errors) += 1;
            }
        }
        const auto ending = reader.finish();
        if (const auto *end = std::get_if<ParseError>(&ending))
            QVERIFY(end->offset <= input.size());
    }
    QVERIFY(errors > 1000);
    QVERIFY(messages > 1000); // the mutations leave most valid lines valid
}

QTEST_GUILESS_MAIN(tst_WorkerProtocol)
#include "tst_workerprotocol.moc"
