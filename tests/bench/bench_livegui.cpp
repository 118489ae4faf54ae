// The window during a live run: the real MainWindow, 1600x900, offscreen, runs 100,000 sleep
// tasks of 100 µs on 8 workers (thread-pool) the way its Run button does, and every frame is
// timed: from the moment the frame timer fires (the trace snapshot is pulled, the timeline model,
// the concurrency strip, the status bar and the metrics panel are brought up to date) until the
// window has been painted. The target is a frame under 16.7 ms at the 99th percentile, so that
// the window keeps 60 frames a second however many events the run has recorded.
//
// Painting: each frame repaints the whole window at once (repaint()), the most a frame can cost
// (a screen repaints only what changed), synchronously, so the time is the frame's own. The
// machine may be shared: each frame's CPU time on the GUI thread is printed too, which other
// processes do not inflate.
//
// The run's makespan is measured with the window watching and without it (the same plan run
// by a RunSession alone), interleaved: the window must not slow the workers much.
//
// A plain program rather than a Google Benchmark: each run is one long measurement of many
// frames, and what it prints is a table.
//
//   build/dev/bin/bench_livegui [--repeat N] [--tasks N] [--us D] [--workers W]

#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "timeline/ganttview.h"

#include <QAbstractEventDispatcher>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

using namespace parviz;

namespace {

struct Options
{
    int repeat = 3;
    int tasks = 100'000;
    int durationUs = 100;
    int workers = 8;
};

// This thread's CPU time, in nanoseconds.
qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// A moment on both clocks: the wall's and the GUI thread's CPU time.
struct Stamp
{
    qint64 wallNs = 0;
    qint64 cpuNs = 0;
    static Stamp now(const QElapsedTimer &clock) { return {clock.nsecsElapsed(), threadCpuNs()}; }
};

// Marks the moment the frame timer fires, before RunController's tick runs: the application's
// event filter sees the QTimerEvent before its QTimer does.
class FrameClock : public QObject
{
public:
    explicit FrameClock(const QElapsedTimer &clock)
        : m_clock(clock)
    { }
    Stamp fired;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Timer) {
            if (auto *timer = qobject_cast<QTimer *>(watched);
                timer && timer->interval() == RunController::FrameIntervalMs)
                fired = Stamp::now(m_clock);
        }
        return false;
    }

private:
    const QElapsedTimer &m_clock;
};

// One frame, in milliseconds.
struct Frame
{
    double tickMs; // the timer fired .. every handler of frame() returned
    double paintMs; // then the window's paint
    double cpuMs; // the GUI thread's CPU time for both
    double done; // the share of the tasks done when it was drawn
    double totalMs() const { return tickMs + paintMs; }
};

double percentile(std::vector<double> values, double share)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<std::size_t>(share * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

double median(std::vector<double> values)
{
    return percentile(std::move(values), 0.5);
}

bool parse(int argc, char **argv, Options &options)
{
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (!std::strcmp(argv[i], "--repeat") && hasValue)
            options.repeat = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--tasks") && hasValue)
            options.tasks = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--us") && hasValue)
            options.durationUs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--workers") && hasValue)
            options.workers = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(
                stderr, "usage: %s [--repeat N] [--tasks N] [--us D] [--workers W]\n", argv[0]);
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the window's settings stay out of the user's
    QApplication::setOrganizationName(QStringLiteral("ParVizBench"));
    QApplication::setApplicationName(QStringLiteral("bench_livegui"));
    Options options;
    if (!parse(argc, argv, options))
        return 2;

    QElapsedTimer clock;
    clock.start();
    FrameClock frameClock(clock);
    app.installEventFilter(&frameClock);

    MainWindow window;
    window.resize(1600, 900);
    window.show();
    WorkloadPanel *panel = window.workloadPanel();
    panel->setStrategy(QStringLiteral("thread-pool"));
    panel->setTaskCount(options.tasks);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(std::int64_t(options.durationUs) * 1000));
    panel->setWorkers(WorkerCount::exactly(options.workers));
    const auto plan = panel->plan();
    if (!plan) {
        std::fprintf(stderr, "cannot run: %s\n", qPrintable(plan.error().message));
        return 1;
    }
    // Let the window settle (layout, first paint) before anything is measured.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300)
        app.processEvents(QEventLoop::AllEvents, 50);

    std::vector<Frame> frames;
    std::vector<double> finalTicks;
    std::vector<double> watched;
    std::vector<double> alone;
    std::vector<double> framesPerSecond;

    // Connected after the window's own handlers, so it runs once they have done the frame.
    QObject::connect(
        window.controller(),
        &RunController::frame,
        &window,
        [&] {
            const Stamp ticked = Stamp::now(clock);
            window.repaint();
            const Stamp painted = Stamp::now(clock);
            frames.push_back({double(ticked.wallNs - frameClock.fired.wallNs) / 1e6,
                double(painted.wallNs - ticked.wallNs) / 1e6,
                double(painted.cpuNs - frameClock.fired.cpuNs) / 1e6,
                double(window.timeline().trace()->completedTasks()) / options.tasks});
        },
        Qt::DirectConnection);
    // The last frame of a run goes on to show the results: that whole tick, timed once more.
    QObject::connect(window.controller(), &RunController::runFinished, &window, [&] {
        window.repaint();
        finalTicks.push_back(double(clock.nsecsElapsed() - frameClock.fired.wallNs) / 1e6);
    });

    for (int round = 0; round < options.repeat; ++round) {
        // Alone: the same plan, nobody watching.
        {
            RunSession session(*plan);
            session.run();
            alone.push_back(double(session.result().metrics.makespanNs) / 1e6);
        }
        // Watched by the window, started by its Run action.
        const std::size_t before = frames.size();
        QEventLoop loop;
        QObject::connect(
            window.controller(), &RunController::runFinished, &loop, &QEventLoop::quit);
        const qint64 started = clock.nsecsElapsed();
        window.runAction()->trigger();
        loop.exec();
        const double seconds = double(clock.nsecsElapsed() - started) / 1e9;
        framesPerSecond.push_back(double(frames.size() - before) / seconds);
        watched.push_back(double(window.lastRun()->metrics.makespanNs) / 1e6);
    }

    std::vector<double> totals, ticks, paints, cpu;
    for (const Frame &frame : frames) {
        totals.push_back(frame.totalMs());
        ticks.push_back(frame.tickMs);
        paints.push_back(frame.paintMs);
        cpu.push_back(frame.cpuMs);
    }
    auto maximum = [](const std::vector<double> &values) {
        return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
    };
    std::printf("bench_livegui: %d sleep tasks of %d us on %d workers (thread-pool), 1600x900, "
                "%d run(s)\n\n",
        options.tasks,
        options.durationUs,
        options.workers,
        options.repeat);
    std::printf("| frames | frames/s | median | p99 | max | the last frame, results shown |\n");
    std::printf("|---|---|---|---|---|---|\n");
    std::printf("| %zu | %.1f | %.2f ms | %.2f ms | %.2f ms | %.1f ms |\n\n",
        frames.size(),
        median(framesPerSecond),
        median(totals),
        percentile(totals, 0.99),
        maximum(totals),
        median(finalTicks));
    std::printf("| part of a frame | median | p99 | max |\n|---|---|---|---|\n");
    const std::pair<const char *, const std::vector<double> *> parts[] = {
        {"tick: snapshot, model, charts, panels", &ticks},
        {"paint of the whole window", &paints},
        {"GUI thread CPU time, both", &cpu}};
    for (const auto &[name, values] : parts)
        std::printf("| %s | %.2f ms | %.2f ms | %.2f ms |\n",
            name,
            median(*values),
            percentile(*values, 0.99),
            maximum(*values));
    // A frame that costs O(events) grows as the run goes on; one that costs O(new events) does
    // not.
    constexpr int Fifths = 5;
    std::printf("\n| tasks done when drawn |");
    for (int fifth = 0; fifth < Fifths; ++fifth)
        std::printf(" %d-%d%% |", fifth * 100 / Fifths, (fifth + 1) * 100 / Fifths);
    std::printf("\n|---|");
    for (int fifth = 0; fifth < Fifths; ++fifth)
        std::printf("---|");
    std::printf("\n");
    for (const bool cpuTime : {false, true}) {
        std::printf(cpuTime ? "| median GUI thread CPU time |" : "| median frame |");
        for (int fifth = 0; fifth < Fifths; ++fifth) {
            std::vector<double> part;
            for (const Frame &frame : frames) {
                if (std::min(int(frame.done * Fifths), Fifths - 1) == fifth)
                    part.push_back(cpuTime ? frame.cpuMs : frame.totalMs());
            }
            std::printf(" %.2f ms |", median(part));
        }
        std::printf("\n");
    }
    const double bound = double(options.tasks) * options.durationUs / 1000.0
        / std::max(1, std::min(options.workers, options.tasks));
    std::printf("\n| makespan (median of %d) | ms | / lower bound %.0f ms |\n|---|---|---|\n",
        options.repeat,
        bound);
    std::printf("| without the window | %.0f | %.3f |\n", median(alone), median(alone) / bound);
    std::printf(
        "| with the window watching | %.0f | %.3f |\n", median(watched), median(watched) / bound);
    return 0;
}
