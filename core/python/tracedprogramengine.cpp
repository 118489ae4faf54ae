#include "python/tracedprogramengine.h"

#include "python/groupwatchdog.h"
#include "python/programgroup.h"
#include "python/programoutput.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "strategies/tracedprogram.h"
#include "util/clock.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace parviz {

namespace {

// How often the pipe is read: in batches, so that the program does not pay a context switch a
// line (PROTOCOL.md, step 4).
constexpr int ReadEveryMs = 15;
// How long, once the program's group was killed, its pipe may stay open (a process that left
// the group) before ParViz stops reading it.
constexpr int KilledPipeGraceMs = 2000;
// How long, once the program ended well, a process that outlived it may hold the pipe (one
// that left its group, or an interpreter it started and did not wait for) before ParViz stops
// reading: multiprocessing's own helpers go as the program ends.
constexpr int OutlivedPipeGraceMs = 2000;
// The tracer's lines are under 4096 bytes (PROTOCOL.md). Anything longer in the pipe, which
// every process the program starts may write to, is not one of them: skipped, never kept.
constexpr qsizetype MaxLineBytes = 64 * 1024;
// What one read of the pipe takes at most: writers that never let it empty cannot hold the
// run's thread, nor grow ParViz's memory; the rest waits in the pipe.
constexpr qsizetype MaxReadBytes = 4 * 1024 * 1024;
// What of a unit of work's name and arguments is kept: the tracer cuts its arguments at 80
// characters, and a qualified name is rarely longer than this.
constexpr qsizetype MaxNameChars = 200;
constexpr qsizetype MaxArgumentChars = 200;
const QString TracerFiles[] = {
    QStringLiteral("sitecustomize.py"), QStringLiteral("parviz_tracer.py")};

Error failure(const QString &message)
{
    return {QStringLiteral("python-failed"), message};
}

// A flat JSON object, one of the tracer's lines: strings, integers and booleans (PROTOCOL.md).
// Parsed by hand, in place: QJsonDocument costs microseconds a line, which on a busy machine
// the traced program's own work would pay for. The line's bytes must outlive it.
class FlatJson
{
public:
    // False if the text is not such an object.
    bool parse(QByteArrayView text)
    {
        m_fields.clear();
        const char *p = text.data();
        const char *const end = p + text.size();
        auto skipSpace = [&] {
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
                ++p;
        };
        // A string's body, from after its opening quote; p ends after its closing one.
        auto string = [&](QByteArrayView &body) {
            const char *const from = p;
            while (p < end && *p != '"')
                p += *p == '\\' ? 2 : 1;
            if (p >= end)
                return false;
            body = QByteArrayView(from, p - from);
            ++p;
            return true;
        };
        skipSpace();
        if (p >= end || *p++ != '{')
            return false;
        for (;;) {
            skipSpace();
            if (p < end && *p == '}' && m_fields.empty())
                return true;
            Field field;
            if (p >= end || *p++ != '"' || !string(field.key))
                return false;
            skipSpace();
            if (p >= end || *p++ != ':')
                return false;
            skipSpace();
            if (p < end && *p == '"') {
                ++p;
                field.quoted = true;
                if (!string(field.value))
                    return false;
            } else {
                const char *const from = p;
                while (p < end && *p != ',' && *p != '}' && *p != ' ')
                    ++p;
                field.value = QByteArrayView(from, p - from);
            }
            m_fields.push_back(field);
            skipSpace();
            if (p < end && *p == ',') {
                ++p;
                continue;
            }
            return p < end && *p == '}';
        }
    }

    // A string's raw text (escapes as written); empty if absent or not a string.
    QByteArrayView raw(QByteArrayView key) const
    {
        const Field *field = find(key);
        return field && field->quoted ? field->value : QByteArrayView();
    }
    bool is(QByteArrayView key, QByteArrayView value) const { return raw(key) == value; }
    QString string(QByteArrayView key) const
    {
        const QByteArrayView text = raw(key);
        QString decoded;
        const char *p = text.data();
        const char *const end = p + text.size();
        while (p < end) {
            const char *run = p;
            while (p < end && *p != '\\')
                ++p;
            if (p > run)
                decoded += QString::fromUtf8(run, p - run);
            if (p >= end || p + 1 >= end)
                break;
            const char escaped = p[1];
            p += 2;
            switch (escaped) {
            case 'b':
                decoded += u'\b';
                break;
            case 'f':
                decoded += u'\f';
                break;
            case 'n':
                decoded += u'\n';
                break;
            case 'r':
                decoded += u'\r';
                break;
            case 't':
                decoded += u'\t';
                break;
            case 'u': {
                unsigned code = 0;
                if (end - p >= 4 && std::from_chars(p, p + 4, code, 16).ptr == p + 4) {
                    decoded += QChar(static_cast<char16_t>(code)); // surrogates pair up
                    p += 4;
                }
                break;
            }
            default: // '"', '\\', '/'
                decoded += QLatin1Char(escaped);
            }
        }
        return decoded;
    }
    qint64 integer(QByteArrayView key, qint64 otherwise) const
    {
        const Field *field = find(key);
        qint64 value = 0;
        if (!field || field->quoted || field->value.isEmpty())
            return otherwise;
        const char *const end = field->value.data() + field->value.size();
        const auto [ptr, error] = std::from_chars(field->value.data(), end, value);
        return error == std::errc() && ptr == end ? value : otherwise;
    }
    bool boolean(QByteArrayView key, bool otherwise) const
    {
        const Field *field = find(key);
        if (!field || field->quoted)
            return otherwise;
        if (field->value == QByteArrayView("true"))
            return true;
        if (field->value == QByteArrayView("false"))
            return false;
        return otherwise;
    }

private:
    struct Field
    {
        QByteArrayView key;
        QByteArrayView value;
        bool quoted = false;
    };
    const Field *find(QByteArrayView key) const
    {
        for (const Field &field : m_fields) {
            if (field.key == key)
                return &field;
        }
        return nullptr;
    }

    std::vector<Field> m_fields; // a line has ten at most
};

// One line of the tracer, as much of it as the rows need; its fields point into the bytes read.
struct Line
{
    FlatJson fields;
    QByteArrayView event;
    std::int64_t t = 0;
    qint64 pid = 0;
    qint64 tid = 0;
};

// Turns the tracer's lines (PROTOCOL.md) into rows. The run's thread only.
//
// A thread's runs may nest (joblib's sequential backend inside a pool's task): the inner run
// cuts the outer one, which goes on after it as another `run` event of the same task.
// Submits and waits of threads other than the program's main thread (a pool inside a worker)
// are left out: a worker's row shows what it ran, and the main row is the program's.
class TracedLineReader
{
public:
    TracedLineReader(RunContext &context, qint64 rootPid)
        : m_context(context)
        , m_rootPid(rootPid)
    { }

    void read(std::vector<Line> &batch)
    {
        // Lines of one thread come in order; of different processes, nearly.
        std::stable_sort(
            batch.begin(), batch.end(), [](const Line &a, const Line &b) { return a.t < b.t; });
        for (const Line &line : batch)
            readLine(line);
        batch.clear();
    }

    // The program has gone: what is still open (a process that died, or Stop) ends now,
    // interrupted.
    void finish()
    {
        const std::int64_t now = std::max<std::int64_t>(0, m_context.now());
        for (auto &[key, thread] : m_threads) {
            if (thread.lane < 0)
                continue;
            TraceLane &lane = m_context.recorder().worker(thread.lane);
            if (lane.isOpen())
                lane.end(std::max(now, thread.lastNs), EventFlag::Interrupted);
            thread.open.clear();
        }
        TraceLane &main = m_context.recorder().main();
        if (main.isOpen())
            main.end(std::max(now, m_mainLastNs), EventFlag::Interrupted);
    }

    const std::optional<Error> &error() const { return m_error; }
    // Whether the program's own interpreter announced itself: else the tracer never loaded
    // (an interpreter older than 3.8, or one started without its site module).
    bool rootTraced() const { return m_processes.contains(m_rootPid); }

private:
    struct Process
    {
        QString start; // "main", "fork", "spawn", ...
        std::optional<std::int64_t> askedNs; // when its parent asked for it
        std::optional<std::int64_t> startedNs; // its first line
        bool hasRow = false; // a row of it began with its spawn
    };
    struct OpenRun
    {
        QByteArray id;
        std::int32_t task = -1;
    };
    struct Thread
    {
        QString name;
        int lane = -1;
        std::int64_t lastNs = 0; // the lane's last time: events never go back
        std::vector<OpenRun> open; // runs under way, innermost last
    };

    void fail(const QString &message)
    {
        if (!m_error)
            m_error = failure(message);
    }

    std::int64_t runTime(std::int64_t t) const
    {
        return std::max<std::int64_t>(0, m_context.recorder().fromMonotonic(t));
    }

    void readLine(const Line &line)
    {
        const FlatJson &fields = line.fields;
        const std::int64_t ns = runTime(line.t);
        if (line.event == QByteArrayView("process")) {
            Process &process = m_processes[line.pid];
            process.start = fields.string("start");
            const qint64 asked = fields.integer("asked", -1);
            if (asked > 0)
                process.askedNs = runTime(asked);
            process.startedNs = ns;
            return;
        }
        if (line.event == QByteArrayView("thread")) {
            m_threads[{line.pid, line.tid}].name = fields.string("name");
            return;
        }
        const bool begins = line.event == QByteArrayView("begin");
        if (!begins && line.event != QByteArrayView("end"))
            return; // thread_end, exit: nothing of the rows
        const QByteArrayView kind = fields.raw("kind");
        const QByteArray id = fields.raw("id").toByteArray();
        if (kind == QByteArrayView("run"))
            return begins ? beginRun(line, id, ns) : endRun(line, id, ns);
        if (kind != QByteArrayView("submit") && kind != QByteArrayView("wait"))
            return;
        if (line.pid != m_rootPid || line.tid != m_rootPid)
            return; // a nested pool's caller: see the class's comment
        TraceLane &main = m_context.recorder().main();
        const std::int64_t at = std::max(ns, m_mainLastNs);
        if (begins) {
            if (main.isOpen())
                main.end(at);
            main.begin(
                -1, kind == QByteArrayView("submit") ? EventKind::Submit : EventKind::Wait, at);
            m_mainOpenId = id;
        } else if (main.isOpen() && id == m_mainOpenId) {
            main.end(at);
            m_mainOpenId.clear();
        }
        m_mainLastNs = at;
    }

    // The row of a thread, made as it begins its first run; -1 when there can be no more.
    int laneOf(const Line &line, Thread &thread, std::int64_t ns)
    {
        if (thread.lane >= 0)
            return thread.lane;
        Process &process = m_processes[line.pid];
        QString name = thread.name;
        if (line.tid == line.pid || name.isEmpty())
            name = process.start.isEmpty() ? QStringLiteral("main") : process.start;
        const int index = m_context.recorder().addWorkerLane(static_cast<std::int32_t>(line.pid),
            QStringLiteral("%1 · pid %2").arg(name).arg(line.pid));
        if (index < 0) {
            fail(QStringLiteral("the program ran work on more than %1 threads and processes")
                     .arg(TraceStore::MaxWorkerLanes));
            return -1;
        }
        thread.lane = index;
        // A process's first row begins with its start: from when it was asked for (else from
        // its first line) to its first run.
        if (line.pid != m_rootPid && !process.hasRow) {
            process.hasRow = true;
            const std::int64_t from = process.askedNs.value_or(process.startedNs.value_or(ns));
            if (from < ns)
                m_context.recorder().worker(index).append(-1, EventKind::Spawn, from, ns);
        }
        thread.lastNs = ns;
        return index;
    }

    void beginRun(const Line &line, const QByteArray &id, std::int64_t ns)
    {
        Thread &thread = m_threads[{line.pid, line.tid}];
        const int index = laneOf(line, thread, ns);
        if (index < 0)
            return;
        TraceLane &lane = m_context.recorder().worker(index);
        const std::int64_t at = std::max(ns, thread.lastNs);
        if (lane.isOpen())
            lane.end(at); // the run it is inside goes on after this one
        // As many units as ParViz's own runs have tasks, at most: a run file holds no more.
        if (m_context.recorder().taskCount() >= WorkloadSpec::MaxTasks) {
            fail(QStringLiteral("the program ran more than %1 units of work, the most ParViz "
                                "records: trace a smaller run of it")
                     .arg(WorkloadSpec::MaxTasks));
            return;
        }
        const FlatJson &fields = line.fields;
        const std::int32_t task = m_context.recorder().addTask(
            fields.string("name").left(MaxNameChars), fields.string("args").left(MaxArgumentChars));
        lane.begin(
            task, EventKind::Run, at, fields.boolean("group", false) ? EventFlag::GroupStart : 0);
        thread.open.push_back({id, task});
        thread.lastNs = at;
    }

    void endRun(const Line &line, const QByteArray &id, std::int64_t ns)
    {
        const auto found = m_threads.find({line.pid, line.tid});
        if (found == m_threads.end() || found->second.lane < 0)
            return;
        Thread &thread = found->second;
        if (thread.open.empty() || thread.open.back().id != id)
            return; // not the innermost run under way: a line ParViz did not see begin
        TraceLane &lane = m_context.recorder().worker(thread.lane);
        const std::int64_t at = std::max(ns, thread.lastNs);
        const bool ok = line.fields.boolean("ok", true);
        lane.end(at, ok ? 0 : EventFlag::Failed);
        lane.countCompletedTask();
        thread.open.pop_back();
        if (!thread.open.empty())
            lane.begin(thread.open.back().task, EventKind::Run, at);
        thread.lastNs = at;
    }

    RunContext &m_context;
    const qint64 m_rootPid;
    std::map<qint64, Process> m_processes;
    std::map<std::pair<qint64, qint64>, Thread> m_threads;
    QByteArray m_mainOpenId;
    std::int64_t m_mainLastNs = 0;
    std::optional<Error> m_error;
};

// Reads the trace pipe without blocking: whole lines into `batch`, which point into the bytes
// read and stay valid until the next read(); true once every writer has gone (end of file).
class PipeReader
{
public:
    explicit PipeReader(int fd)
        : m_fd(fd)
    { }

    bool read(std::vector<Line> &batch)
    {
        m_pending.remove(0, m_consumed); // the lines the last batch pointed into
        m_consumed = 0;
        char buffer[1 << 16];
        bool ended = false;
        while (m_pending.size() < MaxReadBytes) {
            const ssize_t got = ::read(m_fd, buffer, sizeof buffer);
            if (got > 0) {
                m_pending.append(buffer, got);
                continue;
            }
            if (got == 0)
                ended = true;
            else if (errno == EINTR)
                continue;
            break; // EAGAIN: the writers are there, with nothing more yet
        }
        qsizetype start = 0;
        if (m_skipping) { // the rest of a line too long to be the tracer's
            const qsizetype end = m_pending.indexOf('\n');
            start = end < 0 ? m_pending.size() : end + 1;
            m_skipping = end < 0;
        }
        for (qsizetype end; (end = m_pending.indexOf('\n', start)) >= 0; start = end + 1) {
            if (end - start > MaxLineBytes)
                continue;
            Line line;
            if (!line.fields.parse(QByteArrayView(m_pending.constData() + start, end - start)))
                continue;
            line.event = line.fields.raw("e");
            line.t = line.fields.integer("t", -1);
            line.pid = line.fields.integer("pid", -1);
            line.tid = line.fields.integer("tid", -1);
            if (!line.event.isEmpty() && line.t >= 0 && line.pid > 0 && line.tid > 0)
                batch.push_back(std::move(line));
        }
        if (m_pending.size() - start > MaxLineBytes) {
            start = m_pending.size(); // no line of the tracer's: skipped to its end
            m_skipping = true;
        }
        m_consumed = start;
        return ended;
    }

private:
    int m_fd;
    QByteArray m_pending;
    qsizetype m_consumed = 0; // bytes of m_pending the last batch's lines hold
    bool m_skipping = false; // within a line too long to be the tracer's
};

// The start of /proc/PID/<file>, read in one go, as a C string in `text`; false if it is gone.
template <std::size_t Size>
bool readProcFile(qint64 pid, const char *file, char (&text)[Size])
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%lld/%s", static_cast<long long>(pid), file);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const ssize_t got = ::read(fd, text, Size - 1);
    ::close(fd);
    if (got <= 0)
        return false;
    text[got] = '\0';
    return true;
}

// The signal that stopped the child `pid` (SIGTTIN for its terminal, SIGTSTP for Ctrl+Z), or 0
// while it is not stopped. Asked without taking the report of the stop nor reaping anything
// (WNOWAIT): QProcess waits for the child's end.
int stopSignalOf(qint64 pid)
{
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WSTOPPED | WNOHANG | WNOWAIT | __WALL) != 0
        || info.si_pid == 0 || info.si_code != CLD_STOPPED)
        return 0;
    return info.si_status;
}

// Whether the child `pid` is stopped for its terminal: in a background group, it read from it
// (SIGTTIN), or wrote to it with TOSTOP set (SIGTTOU).
bool stoppedForTerminal(qint64 pid)
{
    const int signal = stopSignalOf(pid);
    return signal == SIGTTIN || signal == SIGTTOU;
}

// Stops ParViz's own job, as Ctrl+Z at its terminal does: every process of its group. Another
// thread of ParViz may take the signal: this one then stops at once or a moment later, and goes
// on once continued (the shell's `fg` or `bg`). Nothing when SIGTSTP is ignored, as in a shell
// without job control; in an orphaned group the kernel ignores it.
void suspendJob()
{
    struct sigaction current
    { };
    if (::sigaction(SIGTSTP, nullptr, &current) != 0 || current.sa_handler == SIG_IGN)
        return;
    ::kill(0, SIGTSTP);
}

// Whether the process's main thread is stopped for the terminal or waits in a read of its
// standard input (/proc/PID/syscall: the call's number, then its first argument, the fd).
bool readsTerminal(qint64 pid)
{
    if (stoppedForTerminal(pid))
        return true;
    char text[256];
    if (!readProcFile(pid, "syscall", text))
        return false;
    long number = -1;
    unsigned long first = 1;
    return std::sscanf(text, "%ld %lx", &number, &first) == 2 && number == SYS_read
        && first == STDIN_FILENO;
}

} // namespace

TracedProgramEngine::TracedProgramEngine(PythonInterpreter python)
    : m_python(std::move(python))
{ }

void TracedProgramEngine::run(RunContext &context)
{
    const TracedProgram &program = *context.plan().program;
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/parviz-trace-XXXXXX"));
    if (!dir.isValid())
        return context.fail(failure(
            QStringLiteral("cannot make a folder for the tracer: %1").arg(dir.errorString())));
    struct stat folder
    { };
    if (::stat(QFile::encodeName(dir.path()).constData(), &folder) != 0
        || (folder.st_mode & 0777) != 0700)
        return context.fail(failure(
            QStringLiteral("the tracer's folder %1 is not private (mode 0700)").arg(dir.path())));
    for (const QString &file : TracerFiles) {
        if (!QFile::copy(QStringLiteral(":/python/tracer/") + file, dir.filePath(file)))
            return context.fail(
                failure(QStringLiteral("cannot write the tracer into %1").arg(dir.path())));
    }
    const QString pipePath = dir.filePath(QStringLiteral("trace"));
    const QByteArray pipeName = QFile::encodeName(pipePath);
    if (::mkfifo(pipeName.constData(), 0600) != 0)
        return context.fail(failure(QStringLiteral("cannot make the trace pipe: %1")
                                        .arg(QString::fromLocal8Bit(std::strerror(errno)))));
    // Opened before the program starts: an interpreter that finds no reader runs untraced.
    const int fd = ::open(pipeName.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return context.fail(failure(QStringLiteral("cannot open the trace pipe: %1")
                                        .arg(QString::fromLocal8Bit(std::strerror(errno)))));
    struct CloseFd
    {
        int fd;
        ~CloseFd() { ::close(fd); }
    } closeFd{fd};
    ::fcntl(fd, F_SETPIPE_SZ, 1 << 20); // at most pipe-max-size; a smaller pipe works too

    QProcess python;
    const std::shared_ptr<ProgramOutput> output = program.output;
    // A group of its own, so that Stop ends every process the program started.
    ProgramGroup::startAlone(python);
    // Forwarded to a terminal whose foreground is ParViz's (parviz-cli run from a shell), the
    // program's group is in the background: Ctrl+C reaches ParViz, which ends the program and
    // every process it started, where Python alone can hang (a ProcessPoolExecutor's workers).
    // A program that reads from the terminal is stopped for it (SIGTTIN): ParViz then gives
    // its group the terminal and lets it go on, as a shell's `fg` does, and takes the terminal
    // back once its main thread no longer waits in a read of it (or the program ends). While
    // it reads, Ctrl+C reaches the program, as without ParViz. Only while the terminal is
    // ParViz's to give: not while ParViz is in the background (started with `&`, or `bg`).
    const bool mayGiveTerminal = !output && ::isatty(STDIN_FILENO) != 0;
    auto holdsTerminal = [] { return ::tcgetpgrp(STDIN_FILENO) == ::getpgrp(); };
    bool gaveTerminal = false;
    int notReading = 0; // looks in a row at which the program, given the terminal, did not read
    auto setTerminalGroup = [](pid_t group) {
        // With SIGTTOU blocked, as ParViz may be in the background by then.
        sigset_t ttou;
        sigset_t old;
        ::sigemptyset(&ttou);
        ::sigaddset(&ttou, SIGTTOU);
        ::pthread_sigmask(SIG_BLOCK, &ttou, &old);
        ::tcsetpgrp(STDIN_FILENO, group);
        ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    };
    auto takeTerminalBack = [&] {
        if (gaveTerminal)
            setTerminalGroup(::getpgrp());
        gaveTerminal = false;
    };
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString oldPath = environment.value(QStringLiteral("PYTHONPATH"));
    environment.insert(
        QStringLiteral("PYTHONPATH"), oldPath.isEmpty() ? dir.path() : dir.path() + u':' + oldPath);
    environment.insert(QStringLiteral("PARVIZ_TRACE_PIPE"), pipePath);
    environment.remove(QStringLiteral("PARVIZ_TRACE_ROOT"));
    python.setProcessEnvironment(environment);
    if (!program.workingDirectory.isEmpty())
        python.setWorkingDirectory(program.workingDirectory);
    if (!output) {
        python.setProcessChannelMode(QProcess::ForwardedChannels);
        python.setInputChannelMode(QProcess::ForwardedInputChannel);
    }
    // Time zero is the program's start, on the clock its lines use.
    context.recorder().startClockAt(monotonicNowNs());
    python.start(m_python.path, QStringList{program.path} + program.arguments);
    if (!python.waitForStarted(10'000))
        return context.fail(failure(
            QStringLiteral("cannot start %1: %2").arg(m_python.path, python.errorString())));
    if (output)
        python.closeWriteChannel(); // an empty standard input
    ProgramGroup group(python.processId());
    context.recorder().main().setPid(static_cast<std::int32_t>(group.id()));
    // Whatever ends this run (an exception too: memory exhausted while recording), nothing of
    // the program outlives it, and the terminal is ParViz's again.
    auto leaveNothing = qScopeGuard([&] {
        takeTerminalBack();
        group.signal(SIGKILL);
    });
    // And if ParViz itself dies (SIGKILL, a crash), a watchdog ends the program's group and
    // removes the folder. The program's standard input is its own (the terminal's), so it
    // cannot watch for ParViz's end as Run in CPython Too's program does.
    const GroupWatchdog watchdog(group.id(), dir.path());

    TracedLineReader reader(context, group.id());
    PipeReader pipe(fd);
    std::vector<Line> batch;
    QByteArray errors; // the end of its standard error, for a failure
    auto drainOutput = [&] {
        if (!output)
            return;
        if (const QByteArray out = python.readAllStandardOutput(); !out.isEmpty())
            output->append(ProgramOutput::Channel::Output, out);
        if (const QByteArray err = python.readAllStandardError(); !err.isEmpty()) {
            output->append(ProgramOutput::Channel::Error, err);
            errors += err;
            if (errors.size() > 4 * MaxTracebackBytes)
                errors = errors.right(MaxTracebackBytes);
        }
    };
    auto stopWhenAsked = [&] {
        if (context.stopRequested() || reader.error())
            group.stop();
    };

    // The program runs: its output and its lines, read in batches.
    while (python.state() != QProcess::NotRunning) {
        if (output)
            python.waitForReadyRead(ReadEveryMs);
        else
            python.waitForFinished(ReadEveryMs);
        drainOutput();
        pipe.read(batch);
        reader.read(batch);
        stopWhenAsked();
        if (gaveTerminal && ::tcgetpgrp(STDIN_FILENO) != static_cast<pid_t>(group.id()))
            gaveTerminal = false; // taken from the program (by the shell): not ParViz's to take
        if (mayGiveTerminal && !gaveTerminal && !group.isStopping() && holdsTerminal()
            && stoppedForTerminal(group.id())) {
            setTerminalGroup(static_cast<pid_t>(group.id()));
            gaveTerminal = true;
            notReading = 0;
            group.signal(SIGCONT);
        } else if (gaveTerminal && stopSignalOf(group.id()) == SIGTSTP) {
            // Ctrl+Z while the program reads the terminal stops the program's group alone: the
            // whole job stops, as without ParViz, and the shell has the terminal again. Once
            // continued, ParViz continues the program, which reads again and so gets the
            // terminal again (SIGTTIN, above) when ParViz is in the foreground.
            takeTerminalBack();
            suspendJob();
            group.signal(SIGCONT);
        } else if (gaveTerminal) {
            // Read: Ctrl+C is ParViz's again. Twice in a row, as a program just continued
            // has not yet read again.
            notReading = readsTerminal(group.id()) ? 0 : notReading + 1;
            if (notReading >= 2)
                takeTerminalBack();
        }
    }
    python.waitForFinished(1000);
    takeTerminalBack();
    drainOutput();
    const bool exitedWell = python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0;
    // A program that failed leaves nothing behind; one that ended well is read to the end:
    // the pipe ends when every process that held it has gone (multiprocessing's helpers go
    // as the program ends).
    QElapsedTimer sinceExit;
    sinceExit.start();
    for (;;) {
        if (!exitedWell)
            group.stop();
        const bool ended = pipe.read(batch);
        reader.read(batch);
        if (ended)
            break;
        stopWhenAsked();
        if (group.msSinceKilled() > KilledPipeGraceMs)
            break; // a process that left the group still holds the pipe
        if (exitedWell && sinceExit.elapsed() > OutlivedPipeGraceMs)
            break; // a process outlived the program: it goes below
        std::this_thread::sleep_for(std::chrono::milliseconds(ReadEveryMs));
    }
    // Whatever of the program is still running (a process that did not trace) goes now.
    leaveNothing.dismiss();
    group.signal(SIGKILL);
    reader.finish();

    if (reader.error())
        return context.fail(*reader.error());
    if (context.stopRequested())
        return;
    if (!exitedWell) {
        // For a program that crashed, QProcess's exit code is the signal that ended it.
        const bool crashed = python.exitStatus() != QProcess::NormalExit;
        if (crashed && python.exitCode() == SIGINT)
            return context.fail({QStringLiteral("python-interrupted"),
                QStringLiteral("the Python program was interrupted (Ctrl+C)")});
        QString how = crashed ? QStringLiteral("was killed by signal %1 (%2)")
                                    .arg(python.exitCode())
                                    .arg(QString::fromLocal8Bit(::strsignal(python.exitCode())))
                              : QStringLiteral("exited with code %1").arg(python.exitCode());
        if (output && !errors.trimmed().isEmpty())
            how += QStringLiteral(":\n") + tracebackTail(errors);
        return context.fail(failure(QStringLiteral("the Python program %1").arg(how)));
    }
    // A run that saw nothing would say "no parallel work seen" of any program.
    if (!reader.rootTraced())
        context.fail(failure(QStringLiteral("the program ran, but ParViz's tracer did not load in "
                                            "%1 (Python %2): tracing needs Python 3.8 or later "
                                            "with its site module")
                                 .arg(m_python.path, m_python.version)));
}

namespace {

// The engine makeEngine() gives a plan with a program: the interpreter its front end chose,
// else the one findPython() finds as the run starts.
class TracedProgramLauncher : public Strategy
{
public:
    int laneCount(const RunPlan &) const override { return 0; }
    bool hasGilLane(const RunPlan &) const override { return false; }
    void run(RunContext &context) override
    {
        if (!context.plan().program)
            return context.fail({QStringLiteral("bad-strategy"),
                QStringLiteral("the strategy '%1' runs a Python program of your own: use "
                               "parviz-cli trace -- PROGRAM.py, or File > Trace Python Program...")
                    .arg(TracedProgramStrategyId)});
        if (const auto &chosen = context.plan().python)
            return TracedProgramEngine(*chosen).run(context);
        auto python = findPython();
        if (!python)
            return context.fail(python.error());
        TracedProgramEngine(*python).run(context);
    }
};

} // namespace

std::unique_ptr<Strategy> makeTracedProgramEngine()
{
    return std::make_unique<TracedProgramLauncher>();
}

std::unique_ptr<RunSession> makeTracedProgramSession(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python)
{
    const QString engine = python ? QStringLiteral("CPython %1").arg(python->version) : QString();
    auto plan = makeTracedProgramPlan(std::move(program), std::move(python));
    auto strategy = makeEngine(plan);
    return std::make_unique<RunSession>(std::move(plan), std::move(strategy), engine);
}

} // namespace parviz
