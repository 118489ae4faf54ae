// Painting the Gantt: a trace of 100,000 (and 1,000,000) task bars drawn into a 1600x900 image,
// the whole run in view, as after Fit. The target is under one frame, 16 ms. Also the cost of
// building one frame's bars for a live run at that size, without painting.

#include "timeline/ganttpainter.h"
#include "timeline/timelinemodel.h"
#include "trace/tracerecorder.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QPalette>

#include <benchmark/benchmark.h>

using namespace parviz;

namespace {

// `tasks` tasks spread over 8 workers, back to back with small gaps, spawn first: a run of
// the thread pool, built directly so the benchmark measures only painting.
std::shared_ptr<const TraceSnapshot> syntheticRun(int tasks)
{
    constexpr int Workers = 8;
    TraceRecorder recorder(Workers, false);
    recorder.main().append(-1, EventKind::Submit, 0, 1000);
    recorder.main().append(-1, EventKind::Wait, 1000, std::int64_t(tasks / Workers + 1) * 11'000);
    for (int worker = 0; worker < Workers; ++worker) {
        TraceLane &lane = recorder.worker(worker);
        lane.append(-1, EventKind::Spawn, 0, 500 + worker * 100);
        std::int64_t time = 1000;
        for (int task = worker; task < tasks; task += Workers) {
            const std::int64_t duration = 8'000 + (task * 7919) % 4'000; // 8..12 µs, uneven
            lane.append(task, EventKind::Run, time, time + duration);
            time += duration + 200;
        }
    }
    return recorder.snapshot();
}

// Paints the synthetic run `state.range(0)` tasks long into 1600x900, showing the share of
// the run from `from` to `to` (0 to 1).
void paintRun(benchmark::State &state, double from, double to)
{
    TimelineModel model;
    model.setTrace(syntheticRun(int(state.range(0))), nullptr, false);
    QImage image(1600, 900, QImage::Format_ARGB32_Premultiplied);
    const GanttStyle style = GanttStyle::fromPalette(QApplication::palette(), QApplication::font());
    GanttFrame frame;
    frame.area = image.rect();
    frame.t0Ns = static_cast<std::int64_t>(from * double(model.endNs()));
    frame.t1Ns = static_cast<std::int64_t>(to * double(model.endNs()));
    for (auto _ : state) {
        QPainter painter(&image);
        paintGantt(painter, model, frame, style);
    }
    state.counters["tasks"] = double(state.range(0));
}

void paintWholeRun(benchmark::State &state)
{
    paintRun(state, 0.0, 1.0);
}
BENCHMARK(paintWholeRun)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Zoomed in on a tenth of the run: fewer events to walk, bars wide enough to see each.
void paintATenth(benchmark::State &state)
{
    paintRun(state, 0.5, 0.6);
}
BENCHMARK(paintATenth)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
