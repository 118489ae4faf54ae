#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

// The Python tracer of traced programs (resources/python/tracer/PROTOCOL.md), copied out of
// ParViz's resources as ParViz copies it, loaded into unmodified programs (tests/data/tracer)
// run by /usr/bin/python3, with a regular file as its pipe. Skipped without joblib.
class tst_Tracer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyConstructUnderEachStartMethod_data();
    void everyConstructUnderEachStartMethod();
    void joblibBackendsAndBatches();
    void workerThatDiesLeavesItsRunOpen();
    void programThatRaisesKeepsItsTraceback();
    void silentWithoutAPipe();
    void fifoWithoutReaderOrBrokenLeavesTheProgramBe();
    void argumentsAreCutNeverShownByTheirRepr();
};

namespace {

const QString Python = QStringLiteral("/usr/bin/python3");

struct Run
{
    QString name;
    QString args;
    QString via;
    bool group = false;
    qint64 pid = 0;
    qint64 tid = 0;
    qint64 begin = 0;
    bool ended = false;
    bool ok = false;
    QString error;
};

struct Span // a submit or a wait
{
    QString kind;
    QString what;
    qint64 pid = 0;
    qint64 tid = 0;
};

struct Traced
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 rootPid = 0;
    QList<QJsonObject> lines;
    std::map<QString, Run> runs; // by id
    QList<Span> spans;
    std::map<qint64, QJsonObject> processes; // each pid's process line
    QSet<qint64> exited; // pids with an exit line
    QStringList problems; // what breaks the protocol
    QStringList leftovers; // files written outside the tracer's folder, or in it
};

QList<Run> runsNamed(const Traced &traced, const QString &name)
{
    QList<Run> runs;
    for (const auto &[id, run] : traced.runs) {
        if (run.name == QLatin1String("__main__.") + name)
            runs << run;
    }
    return runs;
}

QStringList entriesOf(const QString &path)
{
    return QDir(path).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

// Reads the lines, pairs the spans and notes what breaks the protocol.
void parse(Traced &traced, const QByteArray &text)
{
    std::map<QString, QJsonObject> open;
    QSet<qint64> seen;
    for (const QByteArray &raw : text.split('\n')) {
        if (raw.isEmpty())
            continue;
        if (raw.size() >= 4096)
            traced.problems << QStringLiteral("a line of %1 bytes").arg(raw.size());
        const QJsonObject line = QJsonDocument::fromJson(raw).object();
        const QString event = line.value(u"e").toString();
        const qint64 pid = line.value(u"pid").toInteger();
        if (event.isEmpty() || pid <= 0 || line.value(u"tid").toInteger() <= 0
            || line.value(u"t").toInteger() <= 0) {
            traced.problems << QStringLiteral("not a line: ") + QString::fromUtf8(raw);
            continue;
        }
        traced.lines << line;
        if (event == u"process") {
            if (seen.contains(pid))
                traced.problems << QStringLiteral("process line after others: %1").arg(pid);
            if (traced.processes.count(pid))
                traced.problems << QStringLiteral("two process lines: %1").arg(pid);
            traced.processes[pid] = line;
        } else if (!traced.processes.count(pid)) {
            traced.problems << QStringLiteral("a line before its process line: ")
                    + QString::fromUtf8(raw);
        }
        seen.insert(pid);
        const QString id = line.value(u"id").toString();
        if (event == u"begin") {
            if (open.count(id) || traced.runs.count(id))
                traced.problems << QStringLiteral("id twice: ") + id;
            open[id] = line;
        } else if (event == u"end") {
            const auto begun = open.find(id);
            if (begun == open.end()) {
                traced.problems << QStringLiteral("an end without begin: ") + id;
                continue;
            }
            const QJsonObject begin = begun->second;
            open.erase(begun);
            if (begin.value(u"pid") != line.value(u"pid")
                || begin.value(u"tid") != line.value(u"tid")
                || begin.value(u"kind") != line.value(u"kind")
                || begin.value(u"t").toInteger() > line.value(u"t").toInteger())
                traced.problems << QStringLiteral("an end unlike its begin: ") + id;
            if (begin.value(u"kind").toString() == u"run") {
                Run run;
                run.name = begin.value(u"name").toString();
                run.args = begin.value(u"args").toString();
                run.via = begin.value(u"via").toString();
                run.group = begin.value(u"group").toBool();
                run.pid = pid;
                run.tid = begin.value(u"tid").toInteger();
                run.begin = begin.value(u"t").toInteger();
                run.ended = true;
                run.ok = line.value(u"ok").toBool();
                run.error = line.value(u"error").toString();
                traced.runs[id] = run;
            } else {
                traced.spans << Span{begin.value(u"kind").toString(),
                    begin.value(u"what").toString(),
                    pid,
                    begin.value(u"tid").toInteger()};
            }
        } else if (event == u"exit") {
            traced.exited.insert(pid);
        }
    }
    for (const auto &[id, begin] : open) {
        if (begin.value(u"kind").toString() != u"run") {
            traced.problems << QStringLiteral("a span never ended: ") + id;
            continue;
        }
        Run run;
        run.name = begin.value(u"name").toString();
        run.args = begin.value(u"args").toString();
        run.pid = begin.value(u"pid").toInteger();
        run.tid = begin.value(u"tid").toInteger();
        traced.runs[id] = run;
    }
}

// Runs tests/data/tracer/PROGRAM with the tracer, as ParViz does but with a regular file for
// its pipe, in an empty working folder, HOME and TMPDIR.
// Where the tracer is to write.
enum class Pipe {
    File, // a regular file, read once the program has ended
    None, // PARVIZ_TRACE_PIPE not set
    UnreadFifo, // a FIFO no one opens for reading
    BrokenFifo, // a FIFO whose reader goes after the first lines
};

Traced trace(const QString &program, const QStringList &arguments = {}, Pipe kind = Pipe::File)
{
    Traced traced;
    QTemporaryDir folder, work, home, tmp;
    const QString tracer = folder.path();
    QFile::setPermissions(tracer, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QStringList files = {
        QStringLiteral("sitecustomize.py"), QStringLiteral("parviz_tracer.py")};
    for (const QString &file : files)
        QFile::copy(QStringLiteral(":/python/tracer/") + file, tracer + u'/' + file);
    const QString pipe = tracer + QStringLiteral("/trace.jsonl");
    int reader = -1;
    if (kind == Pipe::UnreadFifo || kind == Pipe::BrokenFifo) {
        if (::mkfifo(QFile::encodeName(pipe).constData(), 0600) != 0)
            qFatal("mkfifo failed");
        if (kind == Pipe::BrokenFifo)
            reader = ::open(QFile::encodeName(pipe).constData(), O_RDONLY | O_NONBLOCK);
    } else {
        QFile(pipe).open(QIODevice::WriteOnly);
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString old = environment.value(QStringLiteral("PYTHONPATH"));
    environment.insert(QStringLiteral("PYTHONPATH"), old.isEmpty() ? tracer : tracer + u':' + old);
    if (kind != Pipe::None)
        environment.insert(QStringLiteral("PARVIZ_TRACE_PIPE"), pipe);
    environment.remove(QStringLiteral("PARVIZ_TRACE_ROOT"));
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("TMPDIR"), tmp.path());
    QProcess python;
    python.setProcessEnvironment(environment);
    python.setWorkingDirectory(work.path());
    python.start(Python, QStringList{QStringLiteral(PARVIZ_TRACER_DATA "/") + program} + arguments);
    python.waitForStarted();
    traced.rootPid = python.processId();
    if (reader >= 0) {
        // The first lines, and the reader is gone, as when ParViz ends.
        pollfd readable{reader, POLLIN, 0};
        ::poll(&readable, 1, 30'000);
        char first[512];
        traced.lines << QJsonObject{{"read", int(::read(reader, first, sizeof first))}};
        ::close(reader);
    }
    if (!python.waitForFinished(60'000))
        python.kill();
    traced.exitCode = python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1;
    traced.out = python.readAllStandardOutput();
    traced.err = python.readAllStandardError();

    if (kind == Pipe::File) {
        QFile file(pipe);
        file.open(QIODevice::ReadOnly);
        parse(traced, file.readAll());
    }
    for (const QString &entry : entriesOf(tracer)) {
        if (!files.contains(entry) && entry != u"trace.jsonl" && entry != u"__pycache__")
            traced.leftovers << entry;
    }
    for (const QString &path : {work.path(), home.path(), tmp.path()})
        traced.leftovers << entriesOf(path);
    return traced;
}

// What every trace keeps to: the protocol, the program's own process first, nothing written
// anywhere else.
void checkSound(const Traced &traced)
{
    QVERIFY2(traced.problems.isEmpty(), qPrintable(traced.problems.join(u'\n')));
    QVERIFY2(traced.leftovers.isEmpty(), qPrintable(traced.leftovers.join(u' ')));
    QVERIFY(traced.processes.count(traced.rootPid));
    QCOMPARE(
        traced.processes.at(traced.rootPid).value(u"start").toString(), QStringLiteral("main"));
    QSet<QPair<qint64, qint64>> threads; // (pid, tid) of each thread line
    for (const QJsonObject &line : traced.lines) {
        if (line.value(u"e").toString() == u"thread")
            threads.insert({line.value(u"pid").toInteger(), line.value(u"tid").toInteger()});
    }
    for (const auto &[id, run] : traced.runs) {
        QVERIFY2(run.tid == run.pid || threads.contains({run.pid, run.tid}), qPrintable(id));
    }
    for (const auto &[id, run] : traced.runs) // every run names itself and what ran it
        QVERIFY2(!run.name.isEmpty() && (!run.ended || !run.via.isEmpty()), qPrintable(id));
}

QSet<QString> spansOfMainThread(const Traced &traced, const QString &kind)
{
    QSet<QString> what;
    for (const Span &span : traced.spans) {
        if (span.kind == kind && span.pid == traced.rootPid && span.tid == traced.rootPid)
            what.insert(span.what);
    }
    return what;
}

enum class Row { MainThread, Thread, Process, ThreadOfAProcess };

bool onRow(const Traced &traced, const Run &run, Row row)
{
    switch (row) {
    case Row::MainThread:
        return run.pid == traced.rootPid && run.tid == traced.rootPid;
    case Row::Thread:
        return run.pid == traced.rootPid && run.tid != traced.rootPid;
    case Row::Process:
        return run.pid != traced.rootPid && run.tid == run.pid;
    case Row::ThreadOfAProcess:
        return run.pid != traced.rootPid && run.tid != run.pid;
    }
    return false;
}

// The runs of `name`, each once, ended well, with arguments `args` (in any order), by `via`,
// on the given kind of row, `groups` of them first of a chunk (-1: joblib decides how many,
// more than one batch and fewer than one a call).
void checkRuns(const Traced &traced,
    const QString &name,
    const QStringList &args,
    const QString &via,
    Row row,
    int groups = 0)
{
    const QList<Run> runs = runsNamed(traced, name);
    QStringList seen;
    int firsts = 0;
    for (const Run &run : runs) {
        seen << run.args;
        QVERIFY2(run.ended && run.ok, qPrintable(name));
        QCOMPARE(run.via, via);
        QVERIFY2(onRow(traced, run, row), qPrintable(name));
        firsts += run.group ? 1 : 0;
    }
    seen.sort();
    QStringList expected = args;
    expected.sort();
    QCOMPARE(seen, expected);
    if (groups >= 0)
        QCOMPARE(firsts, groups);
    else
        QVERIFY2(firsts > 1 && firsts < args.size(), qPrintable(QString::number(firsts)));
}

QStringList numbers(int from, int to)
{
    QStringList list;
    for (int i = from; i < to; ++i)
        list << QString::number(i);
    return list;
}

} // namespace

void tst_Tracer::initTestCase()
{
    QProcess probe;
    probe.start(Python, {QStringLiteral("-c"), QStringLiteral("import joblib")});
    if (!probe.waitForFinished(30'000) || probe.exitStatus() != QProcess::NormalExit
        || probe.exitCode() != 0)
        QSKIP("/usr/bin/python3 lacks joblib (Debian: python3-joblib)");
    QVERIFY(QFile::exists(QStringLiteral(":/python/tracer/parviz_tracer.py")));
}

void tst_Tracer::everyConstructUnderEachStartMethod_data()
{
    QTest::addColumn<QString>("method");
    for (const char *method : {"fork", "spawn", "forkserver"})
        QTest::newRow(method) << QString::fromLatin1(method);
}

void tst_Tracer::everyConstructUnderEachStartMethod()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("pools.py"), {method});
    QVERIFY2(traced.exitCode == 0, traced.err.constData());
    QCOMPARE(traced.out, QByteArray("done\n"));
    checkSound(traced);

    checkRuns(traced, "tpe_submit", numbers(0, 8), "ThreadPoolExecutor.submit", Row::Thread);
    checkRuns(traced, "tpe_map", numbers(0, 4), "ThreadPoolExecutor.map", Row::Thread);
    checkRuns(traced, "ppe_submit", {"0"}, "ProcessPoolExecutor.submit", Row::Process);
    checkRuns(traced, "ppe_map", numbers(0, 6), "ProcessPoolExecutor.map", Row::Process, 2);
    checkRuns(traced, "nested_outer", numbers(0, 2), "ProcessPoolExecutor.map", Row::Process, 2);
    checkRuns(traced,
        "nested_inner",
        numbers(0, 3) + numbers(10, 13),
        "ThreadPoolExecutor.map",
        Row::ThreadOfAProcess);
    checkRuns(traced, "thread_target", {"0, label='t'", "1, label='t'"}, "Thread", Row::Thread);
    checkRuns(traced, "Worker.run", {""}, "Thread", Row::Thread);
    checkRuns(traced, "process_target", {"7"}, "Process", Row::Process);
    checkRuns(traced, "pool_map", numbers(0, 6), "Pool.map", Row::Process, 3);
    checkRuns(traced, "pool_apply", {"5"}, "Pool", Row::Process);
    checkRuns(traced, "pool_imap", numbers(0, 3), "Pool", Row::Process);
    checkRuns(traced, "pool_starmap", {"1, 2", "3, 4"}, "Pool.starmap", Row::Process, 2);

    // Every other process is one the program started, by this method, its row beginning when
    // it was asked for; each ends with its exit code, but for the Pool's two workers, which the
    // end of its with-block terminates. A Pool worker may have run none of its tasks (on a busy
    // machine the other can take them all), so a process without an exit line is one that ran
    // Pool tasks or nothing at all, and there are at most two.
    QSet<qint64> otherWorkers;
    for (const auto &[id, run] : traced.runs) {
        if (!run.via.startsWith(u"Pool"))
            otherWorkers.insert(run.pid);
    }
    int terminated = 0;
    for (const auto &[pid, line] : traced.processes) {
        if (pid == traced.rootPid)
            continue;
        QCOMPARE(line.value(u"start").toString(), method);
        QCOMPARE(line.value(u"ppid").toInteger(), traced.rootPid);
        QVERIFY(line.value(u"asked").toInteger() > 0);
        QVERIFY(line.value(u"asked").toInteger() <= line.value(u"t").toInteger());
        if (!traced.exited.contains(pid)) {
            QVERIFY2(!otherWorkers.contains(pid), "a process that ran more than Pool tasks");
            ++terminated;
        }
    }
    QVERIFY(terminated <= 2);
    QVERIFY(traced.processes.size() >= 5); // two executor workers, one process, two pool workers

    const QSet<QString> waits = spansOfMainThread(traced, QStringLiteral("wait"));
    for (const char *what : {"Future.result",
             "with-block end",
             "as_completed",
             "futures.wait",
             "Executor.shutdown",
             "Thread.join",
             "Process.join",
             "Pool.map",
             "AsyncResult.get",
             "Pool.imap",
             "Pool.starmap"})
        QVERIFY2(waits.contains(QLatin1String(what)), what);
    const QSet<QString> submits = spansOfMainThread(traced, QStringLiteral("submit"));
    for (const char *what : {"ThreadPoolExecutor.submit",
             "ThreadPoolExecutor.map",
             "ProcessPoolExecutor.submit",
             "ProcessPoolExecutor.map",
             "Thread.start",
             "Process.start",
             "Pool.apply_async",
             "Pool.imap_unordered"})
        QVERIFY2(submits.contains(QLatin1String(what)), what);
}

void tst_Tracer::joblibBackendsAndBatches()
{
    const Traced traced = trace(QStringLiteral("joblib_backends.py"));
    QVERIFY2(traced.exitCode == 0, traced.err.constData());
    checkSound(traced);
    // 12 calls in batches of at most 4 (joblib halves the last ones to share them out).
    checkRuns(traced, "jl_loky", numbers(0, 12), "joblib", Row::Process, -1);
    checkRuns(traced, "jl_multiprocessing", numbers(0, 12), "joblib", Row::Process, -1);
    checkRuns(traced, "jl_threading", numbers(0, 12), "joblib", Row::Thread, -1);
    int calls = 0;
    for (const Span &span : traced.spans)
        calls += span.what == u"Parallel.__call__" && span.tid == traced.rootPid ? 1 : 0;
    QCOMPARE(calls, 3);
}

void tst_Tracer::workerThatDiesLeavesItsRunOpen()
{
    const Traced traced = trace(QStringLiteral("dies.py"));
    QVERIFY2(traced.exitCode == 0, traced.err.constData());
    QCOMPARE(traced.out, QByteArray("broken\n"));
    checkSound(traced);
    checkRuns(traced, "survive", {"1"}, "ProcessPoolExecutor.submit", Row::Process);
    const QList<Run> died = runsNamed(traced, "die");
    QCOMPARE(died.size(), 1);
    QVERIFY(!died.front().ended);
    QVERIFY(!traced.exited.contains(died.front().pid));
    QVERIFY(traced.processes.count(died.front().pid));
}

void tst_Tracer::programThatRaisesKeepsItsTraceback()
{
    const Traced traced = trace(QStringLiteral("raises.py"));
    QCOMPARE(traced.exitCode, 1);
    QVERIFY2(traced.err.contains("Traceback (most recent call last)"), traced.err.constData());
    QVERIFY2(traced.err.contains("ValueError: boom"), traced.err.constData());
    QVERIFY2(!traced.err.contains("parviz"), traced.err.constData());
    checkSound(traced);
    const QList<Run> runs = runsNamed(traced, "task");
    QCOMPARE(runs.size(), 2);
    for (const Run &run : runs) {
        QVERIFY(run.ended);
        QCOMPARE(run.ok, run.args == u"0");
        if (run.args == u"1")
            QCOMPARE(run.error, QStringLiteral("KeyError('in a task')"));
    }
}

void tst_Tracer::silentWithoutAPipe()
{
    // Only PYTHONPATH: the program runs as it would, and nothing is written.
    const Traced traced = trace(QStringLiteral("pools.py"), {QStringLiteral("fork")}, Pipe::None);
    QVERIFY2(traced.exitCode == 0, traced.err.constData());
    QCOMPARE(traced.out, QByteArray("done\n"));
    QVERIFY(traced.err.isEmpty());
    QVERIFY2(traced.leftovers.isEmpty(), qPrintable(traced.leftovers.join(u' ')));
}

void tst_Tracer::fifoWithoutReaderOrBrokenLeavesTheProgramBe()
{
    // No one reads: the program runs untraced rather than waiting for a reader.
    const Traced unread =
        trace(QStringLiteral("pools.py"), {QStringLiteral("spawn")}, Pipe::UnreadFifo);
    QVERIFY2(unread.exitCode == 0, unread.err.constData());
    QCOMPARE(unread.out, QByteArray("done\n"));
    QVERIFY(unread.err.isEmpty());
    // The reader goes after the first lines: each process stops tracing, silently.
    const Traced broken =
        trace(QStringLiteral("pools.py"), {QStringLiteral("fork")}, Pipe::BrokenFifo);
    QVERIFY(broken.lines.front().value(u"read").toInt() > 0);
    QVERIFY2(broken.exitCode == 0, broken.err.constData());
    QCOMPARE(broken.out, QByteArray("done\n"));
    QVERIFY2(broken.err.isEmpty(), broken.err.constData());
}

void tst_Tracer::argumentsAreCutNeverShownByTheirRepr()
{
    const Traced traced = trace(QStringLiteral("args.py"));
    QVERIFY2(traced.exitCode == 0, traced.err.constData());
    checkSound(traced);
    const QList<Run> big = runsNamed(traced, "big");
    QCOMPARE(big.size(), 1);
    QVERIFY2(big.front().args.size() <= 80, qPrintable(big.front().args));
    QVERIFY2(big.front().args.startsWith(u"[0, 1, 2, 3, 4, 5, ...], '\u00e9\u00e9"),
        qPrintable(big.front().args));
    checkRuns(
        traced, "named", {"value=3", "value=[<Thing>]"}, "ThreadPoolExecutor.submit", Row::Thread);
    for (const QJsonObject &line : traced.lines)
        QVERIFY(QJsonDocument(line).toJson(QJsonDocument::Compact).size() < 4096);
}

QTEST_GUILESS_MAIN(tst_Tracer)
#include "tst_tracer.moc"
