// Painting the Gantt: a trace of 100,000 (and 1,000,000) task bars drawn into a 1600x900 image,
// the whole run in view, as after Fit. The target is under one frame, 16 ms. Each frame is drawn
// afresh, as while a run is live; the repaint benchmarks draw the same frames with a painter
// that keeps its bars, as a view does while nothing changes.

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
// the run from `from` to `to` (0 to 1). Each frame afresh, as while a run is live (a new
// snapshot every frame), or with one painter kept between frames, as a view repaints what has
// not changed.
void paintRun(benchmark::State &state, double from, double to, bool keepPainter = false)
{
    TimelineModel model;
    model.setTrace(syntheticRun(int(state.range(0))), nullptr, false);
    QImage image(1600, 900, QImage::Format_ARGB32_Premultiplied);
    const GanttStyle style = GanttStyle::fromPalette(QApplication::palette(), QApplication::font());
    GanttFrame frame;
    frame.area = image.rect();
    frame.t0Ns = static_cast<std::int64_t>(from * double(model.endNs()));
    frame.t1Ns = static_cast<std::int64_t>(to * double(model.endNs()));
    GanttPainter kept;
    for (auto _ : state) {
        QPainter painter(&image);
        if (keepPainter)
            kept.paint(painter, model, frame, style);
        else
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

// The same frames painted again by a painter that keeps its bars: nothing has changed.
void repaintWholeRun(benchmark::State &state)
{
    paintRun(state, 0.0, 1.0, true);
}
BENCHMARK(repaintWholeRun)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void repaintATenth(benchmark::State &state)
{
    paintRun(state, 0.5, 0.6, true);
}
BENCHMARK(repaintATenth)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

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
