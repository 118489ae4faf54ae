#include "python/cpythonengine.h"

#include "process/childsignals.h"
#include "python/pythonsnippet.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "util/output.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <cstring>
#include <map>
#include <unistd.h>

namespace parviz {

namespace {

// How long a stopped program may take to go before its whole process group is killed.
constexpr int StopGraceMs = 300;
// What of the program's standard error a failure shows: its traceback, not a flood.
constexpr qsizetype MaxErrorBytes = 8 * 1024;

Error failure(const QString &message)
{
    return {QStringLiteral("python-failed"), message};
}

// Turns the program's trace lines into the recorder's lanes. The run's thread only.
class TraceLineReader
{
public:
    TraceLineReader(RunContext &context, qint64 programPid)
        : m_context(context)
        , m_programPid(programPid)
        , m_hasMainRow(findStrategy(context.plan().strategy)->info.hasCaller)
    { }

    // Reads one line of the program's standard output; false (with error()) if it is a trace
    // line that makes no sense.
    bool read(const QByteArray &line)
    {
        static const QByteArray marker(PythonTraceMarker);
        if (!line.startsWith(marker))
            return true; // the program's own output ("Finished in 0.31 seconds")
        const QJsonObject event = QJsonDocument::fromJson(line.mid(marker.size())).object();
        const QString kind = event.value(QLatin1String("e")).toString();
        const auto t = static_cast<std::int64_t>(event.value(QLatin1String("t")).toInteger(-1));
        const qint64 pid = event.value(QLatin1String("pid")).toInteger(-1);
        const qint64 tid = event.value(QLatin1String("tid")).toInteger(-1);
        if (kind.isEmpty() || t < 0 || pid < 0 || tid < 0)
            return fail(QStringLiteral("the program wrote a trace line ParViz cannot read: %1")
                            .arg(QString::fromUtf8(line.left(200))));
        if (kind == QLatin1String("begin")) {
            m_context.recorder().startClockAt(t);
            m_begun = true;
            if (m_hasMainRow)
                m_context.recorder().main().begin(-1, EventKind::Submit, 0);
            return true;
        }
        if (!m_begun)
            return fail(
                QStringLiteral("the program traced a %1 before its clock started").arg(kind));
        const std::int64_t ns = std::max<std::int64_t>(0, m_context.recorder().fromMonotonic(t));
        if (kind == QLatin1String("end")) {
            endMainRow(ns);
            return true;
        }
        const qint64 task = event.value(QLatin1String("task")).toInteger(-1);
        if (task < 0 || task >= static_cast<qint64>(m_context.tasks().size()))
            return fail(QStringLiteral("the program traced task %1, which is not one of its %2")
                            .arg(task)
                            .arg(m_context.tasks().size()));
        TraceLane *lane = laneOf(pid, tid, ns);
        if (!lane)
            return false;
        if (kind == QLatin1String("start")) {
            if (lane->isOpen())
                return fail(
                    QStringLiteral("task %1 started on a thread still running another").arg(task));
            // The first task under way: everything that matters has been handed over.
            if (m_hasMainRow && !m_waiting && !m_mainEnded) {
                TraceLane &main = m_context.recorder().main();
                main.end(ns);
                main.begin(-1, EventKind::Wait, ns);
                m_waiting = true;
            }
            lane->begin(static_cast<std::int32_t>(task), EventKind::Run, ns);
            return true;
        }
        if (kind == QLatin1String("done")) {
            if (!lane->isOpen())
                return fail(QStringLiteral("task %1 ended without having started").arg(task));
            lane->end(ns);
            lane->countCompletedTask();
            return true;
        }
        return fail(QStringLiteral("the program traced an unknown event '%1'").arg(kind));
    }

    // The program has gone: whatever is still open ends now, cut short if `cut` (Stop or a
    // failure), else it is a task the program lost.
    void finish(bool cut)
    {
        const std::int64_t now = std::max<std::int64_t>(0, m_context.now());
        for (const auto &[key, index] : m_rows) {
            TraceLane &lane = m_context.recorder().worker(index);
            if (!lane.isOpen())
                continue;
            lane.end(now, EventFlag::Interrupted);
            if (!cut && !m_error)
                fail(QStringLiteral("a task started and never ended: the program lost it"));
        }
        endMainRow(now);
    }

    bool begun() const { return m_begun; }
    const std::optional<Error> &error() const { return m_error; }

private:
    bool fail(const QString &message)
    {
        if (!m_error)
            m_error = failure(message);
        return false;
    }

    void endMainRow(std::int64_t ns)
    {
        if (!m_hasMainRow || m_mainEnded || !m_begun)
            return;
        m_context.recorder().main().end(ns);
        m_mainEnded = true;
    }

    // The row of a thread of a process, made when it runs its first task. It begins with the
    // time from the program's start (when the pool is made) to that task.
    TraceLane *laneOf(qint64 pid, qint64 tid, std::int64_t ns)
    {
        const auto key = std::pair{pid, tid};
        if (const auto found = m_rows.find(key); found != m_rows.end())
            return &m_context.recorder().worker(found->second);
        const int index = static_cast<int>(m_rows.size());
        if (index >= m_context.recorder().workerCount()) {
            fail(QStringLiteral("the program ran tasks on more threads and processes than the %1 "
                                "it was given")
                     .arg(m_context.recorder().workerCount()));
            return nullptr;
        }
        m_rows.emplace(key, index);
        TraceLane &lane = m_context.recorder().worker(index);
        lane.setPid(static_cast<std::int32_t>(pid)); // the interpreter's, or a worker process's
        // A worker process's row begins with its start-up: from the pool's making to its first
        // task. A thread's start is not seen apart from its wait for work (or the GIL).
        if (pid != m_programPid && ns > 0)
            lane.append(-1, EventKind::Spawn, 0, ns);
        return &lane;
    }

    RunContext &m_context;
    const qint64 m_programPid;
    const bool m_hasMainRow;
    bool m_begun = false;
    bool m_waiting = false;
    bool m_mainEnded = false;
    std::map<std::pair<qint64, qint64>, int> m_rows;
    std::optional<Error> m_error;
};

QString lastLines(const QByteArray &text)
{
    QString tail = QString::fromLocal8Bit(text.right(MaxErrorBytes)).trimmed();
    if (text.size() > MaxErrorBytes)
        tail = QStringLiteral("…") + tail.section(u'\n', 1);
    return tail;
}

} // namespace

CPythonEngine::CPythonEngine(PythonInterpreter python)
    : m_python(std::move(python))
{ }

int CPythonEngine::laneCount(const RunPlan &plan) const
{
    return laneCountOf(plan); // a row per thread or process, as ParViz's own run has
}

QString CPythonEngine::engineName(const PythonInterpreter &python)
{
    return QStringLiteral("CPython %1").arg(python.version);
}

void CPythonEngine::run(RunContext &context)
{
    const RunPlan &plan = context.plan();
    if (auto runnable = m_python.canRun(plan); !runnable)
        return context.fail(runnable.error());
    QTemporaryDir dir;
    if (!dir.isValid())
        return context.fail(
            failure(QStringLiteral("cannot make a folder for the Python program: %1")
                        .arg(dir.errorString())));
    const QString path =
        dir.filePath(QString(plan.strategy).replace(u'-', u'_') + QStringLiteral(".py"));
    // Every byte checked (a full disk shows as ENOSPC on some write, or only on the last
    // flush): a program cut short would run as something else.
    const QByteArray program = pythonProgram(plan, PythonTracing::On).toUtf8();
    if (auto written = writeOutput(path,
            [&program](QIODevice &device) { return device.write(program) == program.size(); });
        !written)
        return context.fail(failure(
            QStringLiteral("cannot write the Python program: %1").arg(written.error().message)));

    QProcess python;
    // A group of its own, so that its worker processes go with it when it is stopped; no
    // signal blocked, as parviz-cli's threads have them, nor inherited by its workers.
    // If ParViz itself is killed, the program sees its standard input end (QProcess holds the
    // other end of the pipe) and kills its group, removing its file first (PythonTracing::On):
    // the parent-death signal would kill the interpreter alone, leaving its workers and the
    // file behind.
    python.setChildProcessModifier([] {
        resetSignalsInChild();
        ::setpgid(0, 0);
    });
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    python.setProcessEnvironment(environment);
    python.setWorkingDirectory(dir.path());
    python.start(m_python.path, {path});
    if (!python.waitForStarted(10'000))
        return context.fail(failure(
            QStringLiteral("cannot start %1: %2").arg(m_python.path, python.errorString())));
    const qint64 group = python.processId();
    auto killGroup = [group](int signal) {
        if (group > 0)
            ::kill(static_cast<pid_t>(-group), signal);
    };

    TraceLineReader reader(context, group);
    QByteArray pending;
    QByteArray errors;
    QElapsedTimer stopping;
    auto drain = [&] {
        pending += python.readAllStandardOutput();
        qsizetype start = 0;
        for (qsizetype end; (end = pending.indexOf('\n', start)) >= 0; start = end + 1) {
            if (!reader.error())
                reader.read(pending.mid(start, end - start));
        }
        pending.remove(0, start);
        errors += python.readAllStandardError();
        if (errors.size() > 4 * MaxErrorBytes)
            errors = errors.right(MaxErrorBytes);
    };
    while (python.state() != QProcess::NotRunning) {
        python.waitForReadyRead(20);
        drain();
        if ((context.stopRequested() || reader.error()) && !stopping.isValid()) {
            killGroup(SIGTERM);
            stopping.start();
        }
        if (stopping.isValid() && stopping.elapsed() > StopGraceMs)
            killGroup(SIGKILL);
    }
    python.waitForFinished(1000);
    drain();
    // Whatever of the program is still running (a worker it left behind) goes now.
    killGroup(SIGKILL);

    const bool cut = context.stopRequested() || reader.error().has_value();
    const bool crashed = python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0;
    reader.finish(cut || crashed);
    if (reader.error())
        return context.fail(*reader.error());
    if (context.stopRequested())
        return;
    if (crashed) {
        const QString how = python.exitStatus() == QProcess::NormalExit
            ? QStringLiteral("exited with code %1").arg(python.exitCode())
            : QStringLiteral("was killed (%1)").arg(python.errorString());
        return context.fail(
            failure(QStringLiteral("the Python program %1:\n%2").arg(how, lastLines(errors))));
    }
    if (!reader.begun())
        context.fail(failure(QStringLiteral("the Python program ended without tracing its run")));
}

std::unique_ptr<RunSession> makeCPythonSession(const RunPlan &plan, const PythonInterpreter &python)
{
    // Tasks without a GIL need a free-threaded build; one on PATH is used in place of `python`.
    // With none, the engine reports python.canRun()'s error when it starts.
    const auto found = pythonFor(plan, python);
    const PythonInterpreter chosen = found ? *found : python;
    return std::make_unique<RunSession>(
        plan, std::make_unique<CPythonEngine>(chosen), CPythonEngine::engineName(chosen));
}

RunResult executeInCPython(const RunPlan &plan, const PythonInterpreter &python)
{
    auto session = makeCPythonSession(plan, python);
    session->run();
    return session->takeResult();
}

} // namespace parviz
