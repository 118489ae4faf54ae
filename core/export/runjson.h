#pragma once

#include "run/runresult.h"
#include "util/result.h"

#include <span>
#include <stop_token>

class QIODevice;

namespace parviz {

// The version of the run JSON format. Documented in README.md; bump on any breaking change.
inline constexpr int RunJsonFormat = 1;

class JsonStream;

// Writes a run as JSON, streaming its events; false if the device refused.
bool writeRunJson(const RunResult &run, QIODevice &device);
// A comparison: a JSON array of runs, each in the run format, in the order they ran.
bool writeComparisonJson(std::span<const RunResult> runs, QIODevice &device);
Result<void> saveComparisonJson(
    std::span<const RunResult> runs, const QString &path, std::stop_token stop = {});
// The run's object alone, for documents that hold runs (a sweep, a comparison).
void writeRunJson(JsonStream &json, const RunResult &run);
// Parts every document shares.
void writeWorkloadJson(JsonStream &json, const WorkloadSpec &workload);
void writeOptionsJson(JsonStream &json, const StrategyOptions &options);
void writeErrorJson(JsonStream &json, const std::optional<Error> &error);
// An event's flags, each as `,"interrupted":true` inside an object being written.
void writeEventFlagsJson(JsonStream &json, const TaskEvent &event);
// To a file, written whole or not at all, or to standard output for "-" (see Output::open(),
// which `stop` is for).
Result<void> saveRunJson(const RunResult &run, const QString &path, std::stop_token stop = {});

} // namespace parviz
