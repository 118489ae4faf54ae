#include "comparison/comparisonchooser.h"

#include "run/planning.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <numeric>

namespace parviz {

namespace {

// What a comparison teaches best, beside the baseline: a pool of threads against a pool of
// processes. On sleeping tasks threads are enough, and processes pay to start. On computing
// tasks that hold the GIL the threads take turns while the processes, each with a GIL of its
// own, run at once; on tasks that release it (or without a GIL) the threads keep up.
QStringList suggestedStrategies()
{
    return {QStringLiteral("sequential"),
        QStringLiteral("thread-pool"),
        QStringLiteral("process-pool")};
}

} // namespace

ComparisonChooser::ComparisonChooser(const RunPlan &plan, QWidget *parent)
    : QDialog(parent)
    , m_plan(plan)
{
    setWindowTitle(tr("Compare Strategies"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Run %1 on %2 under each chosen strategy, one after another, and draw them on one "
           "time axis.")
            .arg(workLabel(plan).toHtmlEscaped(),
                plan.workerCount.describe(plan.cpus).toHtmlEscaped()));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *list = new QWidget;
    auto *listLayout = new QVBoxLayout(list);
    const QStringList suggested = suggestedStrategies();
    for (const StrategyEntry &entry : strategyRegistry()) {
        Choice choice;
        choice.id = entry.info.id;
        auto checked =
            checkRunPlan(entry.info.id, plan.workload, plan.workerCount, plan.options, plan.cpus);
        if (checked) {
            choice.plan = std::move(checked).value();
            choice.plan->tasks = plan.tasks;
        } else {
            choice.reason = checked.error().message;
        }

        choice.box = new QCheckBox(QStringLiteral("%1 (%2)").arg(entry.info.name, entry.info.id));
        choice.box->setObjectName(entry.info.id);
        choice.box->setEnabled(choice.plan.has_value());
        choice.box->setChecked(
            choice.plan && (entry.info.id == plan.strategy || suggested.contains(entry.info.id)));
        connect(choice.box, &QCheckBox::toggled, this, &ComparisonChooser::updateButtons);
        listLayout->addWidget(choice.box);

        QString note = QStringLiteral("<code>%1</code>").arg(entry.info.mirrors.toHtmlEscaped());
        if (entry.info.workers == WorkerKind::Caller && plan.tasks) {
            const std::int64_t work = std::accumulate(plan.tasks->begin(),
                plan.tasks->end(),
                std::int64_t{0},
                [](std::int64_t sum, const TaskSpec &task) { return sum + task.durationNs; });
            note += tr("<br>one task after another: about %1").arg(formatDuration(work));
        }
        if (!choice.plan)
            note = tr("<span style=\"color: #D55E00; font-weight: bold;\">Cannot run this "
                      "workload: %1</span>")
                       .arg(choice.reason.toHtmlEscaped());
        auto *label = new QLabel(note);
        label->setWordWrap(true);
        label->setContentsMargins(24, 0, 0, 6); // under the box's text, not its tick
        listLayout->addWidget(label);
        if (!choice.plan)
            choice.box->setToolTip(choice.reason);
        m_choices.push_back(std::move(choice));
    }
    listLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(list);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(scroll, 1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Compare"));
    m_buttons->button(QDialogButtonBox::Ok)->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    resize(560, 620);
    updateButtons();
}

ComparisonChooser::~ComparisonChooser() = default;

const ComparisonChooser::Choice *ComparisonChooser::find(const QString &id) const
{
    for (const Choice &choice : m_choices)
        if (choice.id == id)
            return &choice;
    return nullptr;
}

QStringList ComparisonChooser::strategies() const
{
    QStringList ids;
    for (const Choice &choice : m_choices)
        ids << choice.id;
    return ids;
}

bool ComparisonChooser::isChoosable(const QString &id) const
{
    const Choice *choice = find(id);
    return choice && choice->plan && choice->box->isEnabled();
}

QString ComparisonChooser::reason(const QString &id) const
{
    const Choice *choice = find(id);
    return choice ? choice->reason : QString();
}

bool ComparisonChooser::isChosen(const QString &id) const
{
    const Choice *choice = find(id);
    return choice && choice->plan && choice->box->isChecked();
}

void ComparisonChooser::setChosen(const QString &id, bool chosen)
{
    if (const Choice *choice = find(id); choice && choice->plan)
        choice->box->setChecked(chosen);
}

void ComparisonChooser::chooseWithBaseline(const QStringList &ids)
{
    for (const Choice &choice : m_choices) {
        const StrategyEntry *entry = findStrategy(choice.id);
        const bool baseline = entry && entry->info.workers == WorkerKind::Caller;
        setChosen(choice.id, baseline || ids.contains(choice.id));
    }
}

QStringList ComparisonChooser::chosen() const
{
    QStringList ids;
    for (const Choice &choice : m_choices)
        if (choice.plan && choice.box->isChecked())
            ids << choice.id;
    return ids;
}

std::vector<RunPlan> ComparisonChooser::plans() const
{
    std::vector<RunPlan> plans;
    for (const Choice &choice : m_choices)
        if (choice.plan && choice.box->isChecked())
            plans.push_back(*choice.plan);
    return plans;
}

void ComparisonChooser::updateButtons()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!chosen().isEmpty());
}

} // namespace parviz
