#include "process/workerloop.h"

#include "process/workerprotocol.h"
#include "util/clock.h"
#include "workload/cpuwork.h"
#include "workload/taskexecutor.h"

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <stop_token>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace parviz {

namespace {

bool writeAll(int fd, const std::string &text)
{
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += static_cast<std::size_t>(n);
    }
    return true;
}

[[noreturn]] void crashOnPurpose()
{
    // A test asked for a crash: die of SIGSEGV as a real crash would, without a core file.
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    ::signal(SIGSEGV, SIG_DFL);
    ::raise(SIGSEGV);
    std::_Exit(139);
}

// Test-only (WorkerFault): whether this process is the one to fail, claiming the once file if
// there is one.
bool claimFault(const WorkerFault &fault, std::int32_t task)
{
    if (fault.onceFile.empty())
        return true;
    const int fd = ::open(fault.onceFile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return false; // another worker failed already (or the file cannot be made: no fault)
    writeAll(fd, std::to_string(::getpid()) + ' ' + std::to_string(task) + '\n');
    ::close(fd);
    return true;
}

[[noreturn]] void failOnPurpose(WorkerFault::Action action)
{
    switch (action) {
    case WorkerFault::Action::Kill:
        ::raise(SIGKILL);
        break;
    case WorkerFault::Action::Segv:
        crashOnPurpose();
    case WorkerFault::Action::Exit:
        break;
    }
    std::_Exit(0);
}

// The tasks the parent sent, handed from the reader thread to the main thread.
class Inbox
{
public:
    void push(const TaskSpec &task)
    {
        std::scoped_lock lock(m_mutex);
        m_tasks.push_back(task);
        m_changed.notify_one();
    }
    void close()
    {
        std::scoped_lock lock(m_mutex);
        m_closed = true;
        m_changed.notify_one();
    }
    void fail(protocol::ParseError error)
    {
        std::scoped_lock lock(m_mutex);
        if (!m_error)
            m_error = std::move(error);
    }
    // Whether pop() would return at once: a task is waiting, or the inbox is closed.
    bool hasWork()
    {
        std::scoped_lock lock(m_mutex);
        return !m_tasks.empty() || m_closed;
    }
    // The next task; nullopt once closed and empty, or when stopped.
    std::optional<TaskSpec> pop(std::stop_token stop)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, stop, [this] { return !m_tasks.empty() || m_closed; });
        if (stop.stop_requested() || m_tasks.empty())
            return std::nullopt;
        TaskSpec task = m_tasks.front();
        m_tasks.pop_front();
        return task;
    }
    std::optional<protocol::ParseError> error()
    {
        std::scoped_lock lock(m_mutex);
        return m_error;
    }

private:
    std::mutex m_mutex; // guards everything below
    std::condition_variable_any m_changed;
    std::deque<TaskSpec> m_tasks;
    bool m_closed = false;
    std::optional<protocol::ParseError> m_error;
};

// Reads commands and hands them to the inbox, until the input ends ("no more tasks"), a stop
// ("stop now") or a malformed command (stop, and report it). One thread at a time.
class CommandReader
{
public:
    CommandReader(int inFd, Inbox &inbox, std::stop_source &stop)
        : m_inFd(inFd)
        , m_inbox(inbox)
        , m_stop(stop)
    { }

    // Reads what arrives next (waiting for it) and hands over every whole command in it.
    // False once nothing more will be read: the inbox is closed.
    bool readOnce()
    {
        char buffer[4096];
        ssize_t n = 0;
        do {
            n = ::read(m_inFd, buffer, sizeof buffer);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            const auto ending = m_reader.finish();
            if (const auto *truncated = std::get_if<protocol::ParseError>(&ending))
                return fail(*truncated);
            m_inbox.close();
            return false;
        }
        m_reader.append(std::string_view(buffer, static_cast<std::size_t>(n)));
        for (;;) {
            auto next = m_reader.next();
            if (std::holds_alternative<std::monostate>(next))
                return true;
            if (auto *failure = std::get_if<protocol::ParseError>(&next))
                return fail(*failure);
            auto command = protocol::parseCommand(std::get<protocol::LineReader::Line>(next));
            if (auto *failure = std::get_if<protocol::ParseError>(&command))
                return fail(*failure);
            const auto &parsed = std::get<protocol::Command>(command);
            if (parsed.kind == protocol::Command::Kind::Stop) {
                m_stop.request_stop();
                m_inbox.close();
                return false;
            }
            m_inbox.push(parsed.task);
        }
    }

private:
    bool fail(const protocol::ParseError &error)
    {
        m_inbox.fail(error);
        m_stop.request_stop();
        m_inbox.close();
        return false;
    }

    const int m_inFd;
    Inbox &m_inbox;
    std::stop_source &m_stop;
    protocol::LineReader m_reader;
};

} // namespace

std::optional<WorkerFault> WorkerFault::parse(std::string_view spec)
{
    auto field = [&spec]() {
        const std::size_t colon = spec.find(':');
        const std::string_view text = spec.substr(0, colon);
        spec = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
        return text;
    };
    WorkerFault fault;
    const std::string_view stage = field();
    if (stage == "before-read")
        fault.stage = Stage::BeforeRead;
    else if (stage == "mid-task")
        fault.stage = Stage::MidTask;
    else if (stage == "mid-reply")
        fault.stage = Stage::MidReply;
    else if (stage == "after-garbage")
        fault.stage = Stage::AfterGarbage;
    else
        return std::nullopt;
    const std::string_view action = field();
    if (action == "kill")
        fault.action = Action::Kill;
    else if (action == "segv")
        fault.action = Action::Segv;
    else if (action == "exit")
        fault.action = Action::Exit;
    else
        return std::nullopt;
    if (!spec.empty()) {
        const std::string_view nth = field();
        const auto parsed = std::from_chars(nth.data(), nth.data() + nth.size(), fault.nth);
        if (parsed.ec != std::errc() || parsed.ptr != nth.data() + nth.size() || fault.nth < 1)
            return std::nullopt;
    }
    fault.onceFile = std::string(spec); // the rest: a path may hold colons
    return fault;
}

int runWorker(int inFd, int outFd, const WorkerOptions &options)
{
    // Die with the parent, so no worker outlives a ParViz that crashed; if the parent is
    // already gone, do not start.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (options.parentPid > 0 && ::getppid() != options.parentPid)
        return 1;
    // A parent that closed its end makes writes fail rather than kill us.
    ::signal(SIGPIPE, SIG_IGN);
    if (options.iterationsPerMs > 0.0)
        CpuWork::useCalibration(options.iterationsPerMs);

    if (options.hangBeforeReady) {
        for (;;)
            ::pause();
    }

    std::stop_source stop;
    Inbox inbox;
    CommandReader commands(inFd, inbox, stop);

    // The parent cannot hear us any more: nothing is left to report, and the reader may be
    // blocked in read() for good, so leave at once.
    auto report = [outFd](const std::string &line) {
        if (!writeAll(outFd, line))
            std::_Exit(1);
    };
    report(protocol::encodeReady(::getpid(), monotonicNowNs()));
    int given = 0;
    // The first commands are read on this thread: the parent sends a worker its first tasks as
    // it starts it, so they are usually waiting, and reading them here spares the first task
    // a hand-over between threads. From then on a reader thread listens while tasks run, so
    // that a stop interrupts the running one.
    bool more = true;
    while (more && !inbox.hasWork())
        more = commands.readOnce();
    std::jthread reader;
    if (more)
        reader = std::jthread([&commands] {
            while (commands.readOnce()) { }
        });
    while (const auto task = inbox.pop(stop.get_token())) {
        // Test-only: which fault, if any, this task meets.
        std::optional<WorkerFault::Stage> fault;
        if (options.fault && ++given == options.fault->nth && claimFault(*options.fault, task->id))
            fault = options.fault->stage;
        if (fault == WorkerFault::Stage::BeforeRead)
            failOnPurpose(options.fault->action);
        report(protocol::encodeStart(task->id, monotonicNowNs()));
        if (task->crashes)
            crashOnPurpose();
        if (fault == WorkerFault::Stage::MidTask)
            failOnPurpose(options.fault->action);
        try {
            const TaskResult result = executeTask(*task, stop.get_token());
            const std::string done = protocol::encodeDone(
                task->id, monotonicNowNs(), result.outcome == TaskOutcome::Interrupted);
            if (fault == WorkerFault::Stage::MidReply) {
                writeAll(outFd, done.substr(0, done.size() / 2));
                failOnPurpose(options.fault->action);
            }
            if (fault == WorkerFault::Stage::AfterGarbage) {
                writeAll(outFd, "this is no report\n");
                failOnPurpose(options.fault->action);
            }
            report(done);
        } catch (const std::exception &exception) {
            report(protocol::encodeFailed(task->id, monotonicNowNs(), exception.what()));
        }
    }
    if (reader.joinable())
        reader.join();
    if (const auto error = inbox.error()) {
        writeAll(outFd, protocol::encodeError(error->offset, error->message));
        return 3;
    }
    return 0;
}

} // namespace parviz
