#pragma once

#include "plan/runplan.h"

#include <QDialog>

#include <optional>
#include <vector>

class QCheckBox;
class QDialogButtonBox;
class QLabel;

namespace parviz {

// Chooses the strategies a comparison runs the workload under: every strategy of the registry,
// each a check box, with the Python it mirrors under it. The one the workload was chosen with is
// preselected, with the sequential baseline and the strategies that teach most for the kind of
// task. A strategy that cannot run this workload (a thread per task for 20,000 tasks) cannot be
// chosen, and says why in red.
//
// GUI thread.
class ComparisonChooser : public QDialog
{
    Q_OBJECT

public:
    // `plan`: the workload, workers and options to compare, with its tasks made (or not, when
    // only the choice matters).
    explicit ComparisonChooser(const RunPlan &plan, QWidget *parent = nullptr);
    ~ComparisonChooser() override;

    // Every strategy listed, in the registry's order (which is the order they run in).
    QStringList strategies() const;
    bool isChoosable(const QString &id) const;
    // Why a strategy cannot be chosen; empty when it can.
    QString reason(const QString &id) const;
    bool isChosen(const QString &id) const;
    void setChosen(const QString &id, bool chosen);
    // Chooses exactly `ids` (a preset's own comparison), and the sequential baseline with
    // them: every comparison's speedups are against it.
    void chooseWithBaseline(const QStringList &ids);
    QStringList chosen() const;
    // The plans of the chosen strategies, in the order they run, all sharing the same tasks.
    std::vector<RunPlan> plans() const;

private:
    struct Choice
    {
        QString id;
        QCheckBox *box = nullptr;
        std::optional<RunPlan> plan; // none when the strategy cannot run the workload
        QString reason;
    };
    const Choice *find(const QString &id) const;
    void updateButtons();

    RunPlan m_plan;
    std::vector<Choice> m_choices;
    QDialogButtonBox *m_buttons;
};

} // namespace parviz
