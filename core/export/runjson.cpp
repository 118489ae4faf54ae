#include "export/runjson.h"

#include "export/jsonstream.h"
#include "util/output.h"

#include <vector>

namespace parviz {

namespace {

void writeEvent(JsonStream &json, const TaskEvent &event)
{
    json.raw("{\"task\":").number(std::int64_t{event.task});
    json.raw(",\"worker\":").number(std::int64_t{event.worker});
    json.raw(",\"kind\":\"").raw(eventKindId(event.kind)).raw("\"");
    json.raw(",\"start_ns\":").number(event.startNs);
    json.raw(",\"end_ns\":").number(event.endNs);
    json.raw(",\"pid\":").number(std::int64_t{event.pid});
    writeEventFlagsJson(json, event);
    json.raw("}");
}

// The labels of the worker rows that have one (a Dask worker's threads), each beside its row's
// number; nothing for a run whose rows are numbers and pids alone.
void writeLaneLabels(JsonStream &json, const TraceSnapshot &trace)
{
    bool first = true;
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        const QString label = trace.label(worker);
        if (label.isEmpty())
            continue;
        if (first)
            json.raw(",\n").key("lane_labels", true).raw("[");
        json.raw(first ? "{" : ",{").key("worker", true).number(std::int64_t{worker});
        json.key("label").string(label).raw("}");
        first = false;
    }
    if (!first)
        json.raw("]");
}

// A traced program's units of work: each name once, then per task the index of its name and
// its arguments, in task order ("traced_tasks": {"names": [...], "tasks": [[0, "(1,)"], ...]});
// nothing for ParViz's own runs.
void writeTracedTasks(JsonStream &json, const TraceSnapshot &trace)
{
    const std::int32_t tasks = trace.taskCount();
    if (tasks == 0)
        return;
    // As the recorder stores them: each name once, each task its name's index.
    json.raw(",\n").key("traced_tasks", true).raw("{").key("names", true).raw("[");
    for (std::int32_t name = 0; name < trace.taskNameCount(); ++name)
        json.raw(name == 0 ? "" : ",").string(trace.taskNameAt(name));
    json.raw("]").key("tasks").raw("[");
    for (std::int32_t task = 0; task < tasks; ++task) {
        json.raw(task == 0 ? "\n[" : ",\n[").number(std::int64_t{trace.taskNameIndex(task)});
        json.raw(",").string(trace.taskArguments(task)).raw("]");
    }
    json.raw("]}");
}

} // namespace

void writeEventFlagsJson(JsonStream &json, const TaskEvent &event)
{
    if (event.interrupted())
        json.raw(",\"interrupted\":true");
    if (event.failed())
        json.raw(",\"failed\":true");
    if (event.abandoned())
        json.raw(",\"abandoned\":true");
    if (event.groupStart())
        json.raw(",\"group_start\":true");
}

void writeWorkloadJson(JsonStream &json, const WorkloadSpec &workload)
{
    json.raw("{");
    json.key("kind", true).string(taskKindName(workload.kind));
    json.key("duration").string(workload.duration.toString());
    // The share of each task spent sleeping: all of a sleep task, none of a CPU task.
    const double ioShare = workload.kind == TaskKind::Mixed ? workload.ioShare
        : workload.kind == TaskKind::Sleep                  ? 1.0
                                                            : 0.0;
    json.key("io_share").number(ioShare);
    json.key("seed").number(workload.seed);
    json.key("gil").string(taskGilName(workload.gil));
    json.raw("}");
}

void writeOptionsJson(JsonStream &json, const StrategyOptions &options)
{
    json.raw("{");
    json.key("chunksize", true).number(std::int64_t{options.chunkSize});
    json.key("switch_interval_ns").number(options.switchIntervalNs);
    json.key("on_worker_death")
        .raw(options.onWorkerDeath == StrategyOptions::WorkerDeath::Restart ? "\"restart\""
                                                                            : "\"fail\"");
    json.key("backend").string(joblibBackendName(options.backend));
    json.key("worker_start_timeout_ns").number(options.workerStartTimeoutNs);
    json.key("worker_stall_timeout_ns").number(options.workerStallTimeoutNs);
    json.key("join").raw(options.join ? "true" : "false");
    json.key("threads_per_worker").number(std::int64_t{options.threadsPerWorker});
    // null: a LocalCluster ParViz started for the run.
    json.key("dask_scheduler");
    if (options.daskScheduler.isEmpty())
        json.raw("null");
    else
        json.string(options.daskScheduler);
    json.raw("}");
}

void writeErrorJson(JsonStream &json, const std::optional<Error> &error)
{
    if (error) {
        json.raw("{").key("code", true).string(error->code);
        json.key("message").string(error->message).raw("}");
    } else {
        json.raw("null");
    }
}

bool writeRunJson(const RunResult &run, QIODevice &device)
{
    JsonStream json(device);
    writeRunJson(json, run);
    json.raw("\n");
    return json.flush();
}

void writeRunJson(JsonStream &json, const RunResult &run)
{
    const RunMetrics &m = run.metrics;

    json.raw("{\n").key("format", true).number(std::int64_t{RunJsonFormat});
    json.raw(",\n").key("strategy", true).string(run.strategy.id);
    json.raw(",\n").key("strategy_name", true).string(run.strategy.name);
    json.raw(",\n").key("mirrors", true).string(run.strategy.mirrors);
    json.raw(",\n")
        .key("engine", true)
        .string(run.engine.isEmpty() ? QStringLiteral("ParViz") : run.engine);
    json.raw(",\n").key("workers", true).number(std::int64_t{run.workers});
    json.raw(",\n").key("worker_count", true).raw("{");
    if (run.plan.workerCount.count)
        json.key("explicit", true).number(std::int64_t{*run.plan.workerCount.count});
    else
        json.key("fraction", true).number(run.plan.workerCount.fraction);
    json.raw("}");
    json.raw(",\n").key("cpus", true).number(std::int64_t{run.plan.cpus});
    json.raw(",\n").key("tasks", true).number(static_cast<std::int64_t>(run.plan.tasks->size()));
    json.raw(",\n").key("workload", true);
    writeWorkloadJson(json, run.plan.workload);
    json.raw(",\n").key("options", true);
    writeOptionsJson(json, run.plan.options);
    if (const auto &program = run.plan.program) {
        json.raw(",\n").key("program", true).raw("{").key("path", true).string(program->path);
        json.key("arguments").raw("[");
        for (qsizetype i = 0; i < program->arguments.size(); ++i)
            json.raw(i == 0 ? "" : ",").string(program->arguments[i]);
        json.raw("]").key("working_directory").string(program->workingDirectory).raw("}");
    }
    json.raw(",\n").key("stopped", true).raw(run.stopped ? "true" : "false");
    json.raw(",\n").key("error", true);
    writeErrorJson(json, run.error);
    json.raw(",\n").key("makespan_ns", true).number(m.makespanNs);
    json.raw(",\n").key("lower_bound_ns", true).number(m.lowerBoundNs);
    json.raw(",\n").key("bound_ratio", true).number(m.boundRatio);
    json.raw(",\n").key("total_work_ns", true).number(m.totalWorkNs);
    json.raw(",\n").key("planned_work_ns", true).number(m.plannedWorkNs);
    json.raw(",\n").key("effective_work_ns", true).number(m.effectiveWorkNs);
    json.raw(",\n").key("longest_task_ns", true).number(m.longestTaskNs);
    json.raw(",\n")
        .key("baseline", true)
        .raw(m.baselineMeasured ? "\"measured-sequential\"" : "\"effective-work\"");
    json.raw(",\n").key("baseline_ns", true).number(m.baselineNs);
    json.raw(",\n").key("speedup", true).number(m.speedup);
    json.raw(",\n").key("efficiency", true).number(m.efficiency);
    json.raw(",\n").key("karp_flatt", true).number(m.karpFlatt);
    json.raw(",\n").key("loss_budget", true).raw("{");
    json.key("spawn_ns", true).number(m.loss.spawnNs);
    json.key("dispatch_ns").number(m.loss.dispatchNs);
    json.key("gil_wait_ns").number(m.loss.gilWaitNs);
    json.key("idle_queued_ns").number(m.loss.idleQueuedNs);
    json.key("tail_idle_ns").number(m.loss.tailIdleNs);
    json.key("contention_ns").number(m.loss.contentionNs);
    json.raw("}");
    json.raw(",\n").key("tasks_completed", true).number(std::int64_t{m.tasksCompleted});
    json.raw(",\n").key("tasks_interrupted", true).number(std::int64_t{m.tasksInterrupted});
    json.raw(",\n").key("tasks_failed", true).number(std::int64_t{m.tasksFailed});
    json.raw(",\n").key("tasks_not_started", true).number(std::int64_t{m.tasksNotStarted});
    json.raw(",\n").key("utilisation", true).raw("[");
    for (std::size_t i = 0; i < m.utilisation.size(); ++i) {
        if (i > 0)
            json.raw(",");
        json.number(m.utilisation[i]);
    }
    json.raw("]");
    if (run.machineLoad.known()) {
        json.raw(",\n").key("machine_load", true).raw("{");
        json.key("other_cores", true).number(run.machineLoad.otherCores);
        json.key("disturbed").raw(run.machineLoad.disturbed ? "true" : "false");
        json.raw("}");
    }
    if (!run.resultOrder.empty()) {
        json.raw(",\n").key("result_order", true).raw("[");
        for (std::size_t i = 0; i < run.resultOrder.size(); ++i) {
            if (i > 0)
                json.raw(",");
            json.number(std::int64_t{run.resultOrder[i]});
        }
        json.raw("]");
    }
    if (!run.workerClocks.empty()) {
        json.raw(",\n").key("worker_clocks", true).raw("[");
        for (std::size_t i = 0; i < run.workerClocks.size(); ++i) {
            const WorkerClock &clock = run.workerClocks[i];
            json.raw(i > 0 ? ",{" : "{").key("worker", true).string(clock.worker);
            json.key("pid").number(std::int64_t{clock.pid});
            json.key("offset_ns").number(clock.offsetNs);
            json.key("uncertainty_ns").number(clock.uncertaintyNs);
            json.raw("}");
        }
        json.raw("]");
    }
    if (run.trace) {
        writeLaneLabels(json, *run.trace);
        writeTracedTasks(json, *run.trace);
    }
    json.raw(",\n").key("events", true).raw("[");
    bool first = true;
    if (run.trace) {
        run.trace->forEachEvent([&](const TaskEvent &event) {
            json.raw(first ? "\n" : ",\n");
            first = false;
            writeEvent(json, event);
        });
    }
    json.raw("\n]\n}");
}

bool writeComparisonJson(std::span<const RunResult> runs, QIODevice &device)
{
    JsonStream json(device);
    json.raw("[");
    for (std::size_t i = 0; i < runs.size(); ++i) {
        json.raw(i == 0 ? "\n" : ",\n");
        writeRunJson(json, runs[i]);
    }
    json.raw("\n]\n");
    return json.flush();
}

Result<void> saveComparisonJson(
    std::span<const RunResult> runs, const QString &path, std::stop_token stop)
{
    return writeOutput(
        path, [runs](QIODevice &device) { return writeComparisonJson(runs, device); }, stop);
}

Result<void> saveRunJson(const RunResult &run, const QString &path, std::stop_token stop)
{
    return writeOutput(
        path, [&run](QIODevice &device) { return writeRunJson(run, device); }, stop);
}

} // namespace parviz
