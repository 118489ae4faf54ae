#pragma once

#include "plan/runplan.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace parviz {

// A preset: every setting of a run, a title and a short paragraph on what to look for. ParViz's
// own presets are the seed tutorial's examples (resources/presets, built in as :/presets); a
// person saves their own next to them. One JSON file each, format 1:
//
//   {"parviz_preset": 1, "title": "...", "explanation": "...",
//    "strategy": "process-pool", "tasks": 3, "kind": "sleep", "duration": "100ms",
//    "workers": 3,                      (or "fraction": 0.8, the share of the logical CPUs)
//    "gil": "held",                     (optional: held, released or none; held by default)
//    "io_share": 0.5, "seed": 1,        (optional)
//    "options": {"chunksize": 1, "switch_interval": "5ms", "join": true,
//                "on_worker_death": "fail", "start_timeout": "10s", "stall_timeout": "10s",
//                "backend": "loky", "threads_per_worker": 1,
//                "dask_scheduler": "tcp://host:8786"},
//                           (each optional; backend: loky, threading or dask; dask_scheduler
//                            empty or absent: a LocalCluster started for the run)
//    "compare": ["thread-pool", "process-pool"]}   (optional: strategies to run side by side)
//
// "gil-threads", a strategy of older presets, is read as "thread-pool" with "gil": "held".
//
// The explanation may name this machine's numbers, filled in by explanationFor(): {cpus},
// {workers}, {tasks}, {total_work} (the planned work, one task after another) and
// {lower_bound} (max(work / workers, longest task)).
struct Preset
{
    static constexpr int Format = 1;
    // The longest texts parsePreset() takes, in characters.
    static constexpr int MaxTitleLength = 120;
    static constexpr int MaxExplanationLength = 4000;
    static constexpr int MaxDurationLength = 100'000;
    // A Dask scheduler's address: "tcp://", a host name of up to 253 characters, a port.
    static constexpr int MaxSchedulerLength = 300;

    QString id; // the file's base name: "7-joblib", or "user/mine" for a person's own
    QString file; // where it was read from, for messages
    bool builtIn = false;
    QString title;
    QString explanation;
    QString strategy;
    WorkloadSpec workload;
    WorkerCount workers;
    StrategyOptions options;
    QStringList compare;

    // The plan as this machine would run it (no tasks made).
    Result<RunPlan> plan(std::optional<int> cpus = std::nullopt) const;
    // The explanation with this machine's numbers in place of its {placeholders}.
    QString explanationFor(const RunPlan &plan) const;
};

// The largest preset file ParViz writes for the limits parsePreset() takes, and so the largest
// it reads: presetJson() of a title and an explanation at their longest, every character of
// which JSON may write as six bytes ("\u0001"), a duration at its longest (its text is ASCII:
// digits, units, commas), and 4 KiB for every other member, options and strategies to compare
// included (they take under 3 KiB, most of it a Dask scheduler's address written as escapes). About
// 126 KiB; tst_presets writes a preset of every limit and checks it fits.
inline constexpr qint64 MaxPresetBytes =
    6 * (Preset::MaxTitleLength + Preset::MaxExplanationLength) + Preset::MaxDurationLength + 4096;

// Reads one preset; the error says what is wrong, without the file's name (the caller has it).
// A member given twice, at any depth, is an error: JSON readers disagree on which one counts.
Result<Preset> parsePreset(const QByteArray &json);
QByteArray presetJson(const Preset &preset);

// A preset file that could not be used, and why.
struct PresetProblem
{
    QString file;
    QString reason;
    QString message() const { return file + QStringLiteral(": ") + reason; }
};

struct PresetLibrary
{
    // Built-in ones first, then each directory's, by file name (a leading number by its
    // value).
    std::vector<Preset> presets;
    std::vector<PresetProblem> problems;
};

// The built-in presets, then every *.json of `userDirectory` (which need not exist), then
// those of `olderDirectory` whose file names `userDirectory` does not have. A file that is
// not a valid preset is a problem; the others still load.
PresetLibrary loadPresets(const QString &userDirectory, const QString &olderDirectory = {});
// Every *.json of one directory, in file-name order, a leading number by its value ("9-"
// before "10-"). A user directory is read by the names the system has, so that a file whose
// name is not valid UTF-8 is listed too, its name shown with U+FFFD in place of what cannot
// be decoded. Only regular files of at most MaxPresetBytes are
// read (see readRegularFile()); anything else named *.json is a problem.
void loadPresetDirectory(const QString &directory, bool builtIn, PresetLibrary &into);

// Where a person's own presets live, as README.md says: ~/.local/share/ParViz/presets (the
// XDG data home's "ParViz/presets").
QString userPresetDirectory();
// Where ParViz kept them before: its application data folder's "presets"
// (~/.local/share/ParViz/ParViz/presets). Still read, never written.
QString olderUserPresetDirectory();
// Saves into `directory` (made if need be) as presetFileName(title), replacing a file of that
// name; returns the path. The file is written whole or not at all.
Result<QString> savePreset(const Preset &preset, const QString &directory);
// A file name for a title: lower case letters, digits and dashes.
QString presetFileName(const QString &title);

} // namespace parviz
