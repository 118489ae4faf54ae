#include "export/sweepjson.h"

#include "export/jsonstream.h"
#include "export/runjson.h"
#include "strategies/strategyregistry.h"

namespace parviz {

namespace {

void writeRuns(JsonStream &json, std::span<const RunResult> runs)
{
    json.key("runs").raw("[");
    for (std::size_t i = 0; i < runs.size(); ++i) {
        json.raw(i == 0 ? "\n" : ",\n");
        writeRunJson(json, runs[i]);
    }
    json.raw("]");
}

} // namespace

SweepJsonWriter::SweepJsonWriter(QIODevice &device, const SweepPlan &plan, int cpus)
    : m_json(std::make_unique<JsonStream>(device))
{
    JsonStream &json = *m_json;
    json.raw("{\n").key("format", true).number(std::int64_t{RunJsonFormat});
    json.raw(",\n").key("kind", true).raw("\"sweep\"");
    json.raw(",\n").key("strategy", true).string(plan.strategy);
    if (const StrategyEntry *entry = findStrategy(plan.strategy)) {
        json.raw(",\n").key("strategy_name", true).string(entry->info.name);
        json.raw(",\n").key("mirrors", true).string(entry->info.mirrors);
    }
    json.raw(",\n").key("tasks", true).number(std::int64_t{plan.workload.taskCount});
    json.raw(",\n").key("workload", true);
    writeWorkloadJson(json, plan.workload);
    json.raw(",\n").key("options", true);
    writeOptionsJson(json, plan.options);
    json.raw(",\n").key("cpus", true).number(std::int64_t{cpus});
    json.raw(",\n").key("max_workers", true).number(std::int64_t{plan.maxWorkers});
    json.raw(",\n").key("repeat", true).number(std::int64_t{plan.repeat});
}

SweepJsonWriter::~SweepJsonWriter() = default;

void SweepJsonWriter::writeBaseline(std::int64_t medianNs, std::span<const RunResult> runs)
{
    JsonStream &json = *m_json;
    json.raw(",\n").key("sequential", true).raw("{").key("makespan_ns", true).number(medianNs);
    writeRuns(json, runs);
    json.raw("}");
    m_baselineWritten = true;
}

void SweepJsonWriter::writePoint(const SweepPoint &point, std::span<const RunResult> runs)
{
    JsonStream &json = *m_json;
    if (!m_baselineWritten) {
        json.raw(",\n").key("sequential", true).raw("null");
        m_baselineWritten = true;
    }
    json.raw(m_pointsOpened ? ",\n" : ",\n\"points\":[\n");
    m_pointsOpened = true;
    json.raw("{").key("workers", true).number(std::int64_t{point.workers});
    json.key("makespan_ns").number(point.medianNs);
    json.key("speedup").number(point.speedup);
    json.key("efficiency").number(point.efficiency);
    json.key("karp_flatt").number(point.karpFlatt);
    json.key("disturbed").raw(point.disturbed ? "true" : "false");
    json.key("makespans_ns").raw("[");
    for (std::size_t i = 0; i < point.makespansNs.size(); ++i) {
        if (i > 0)
            json.raw(",");
        json.number(point.makespansNs[i]);
    }
    json.raw("]");
    writeRuns(json, runs);
    json.raw("}");
}

bool SweepJsonWriter::finish(const SweepResult &sweep)
{
    JsonStream &json = *m_json;
    if (!m_baselineWritten)
        json.raw(",\n").key("sequential", true).raw("null");
    json.raw(m_pointsOpened ? "\n]" : ",\n\"points\":[]");
    json.raw(",\n").key("amdahl", true).raw("{");
    json.key("serial_fraction", true).number(sweep.amdahl.serialFraction);
    json.key("max_speedup").number(sweep.amdahl.maxSpeedup());
    json.raw("}");
    json.raw(",\n").key("stopped", true).raw(sweep.stopped ? "true" : "false");
    json.raw(",\n").key("error", true);
    writeErrorJson(json, sweep.error);
    json.raw("\n}\n");
    return json.flush();
}

} // namespace parviz
