#pragma once

#include "strategies/strategy.h"

#include <QStringView>

#include <memory>
#include <vector>

namespace parviz {

struct StrategyEntry
{
    StrategyInfo info;
    std::unique_ptr<Strategy> (*create)();
};

// Every strategy ParViz has, in the order they are taught. Adding one is a file pair in
// core/strategies/ and one line in strategyregistry.cpp.
const std::vector<StrategyEntry> &strategyRegistry();
const StrategyEntry *findStrategy(QStringView id);
// How many worker rows a run of `plan` has: its workers, or one per task for thread-per-task.
int laneCountOf(const RunPlan &plan);

} // namespace parviz
