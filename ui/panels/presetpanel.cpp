#include "panels/presetpanel.h"

#include "runstrategy.h"
#include "util/format.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <cmath>

namespace parviz {

namespace {

// The same inputs; a share of the CPUs up to the slider's rounding.
bool sameSettings(const RunPlan &a, const RunPlan &b)
{
    const bool sameWorkers = a.workerCount.count == b.workerCount.count
        && (a.workerCount.count
            || std::abs(a.workerCount.fraction - b.workerCount.fraction) < 1e-9);
    return sameWorkers && a.strategy == b.strategy && a.workload == b.workload
        && a.options == b.options;
}

QLabel *paragraph()
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

PresetPanel::PresetPanel(QWidget *parent)
    : QWidget(parent)
    , m_userDirectory(userPresetDirectory())
    , m_olderDirectory(olderUserPresetDirectory())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_combo = new QComboBox;
    m_combo->setToolTip(tr("The seed tutorial's examples, and your own saved settings: each sets "
                           "every input and says what to look for"));
    layout->addWidget(m_combo);
    m_explanation = paragraph();
    layout->addWidget(m_explanation);
    m_outcome = paragraph();
    m_outcome->setStyleSheet(QStringLiteral("font-weight: bold;"));
    layout->addWidget(m_outcome);
    m_problems = paragraph();
    m_problems->setStyleSheet(QStringLiteral("color: #D55E00;"));
    layout->addWidget(m_problems);

    connect(m_combo, &QComboBox::activated, this, [this](int index) {
        const QString id = m_combo->itemData(index).toString();
        if (!id.isEmpty()) {
            choose(id);
            return;
        }
        // "Custom settings": the inputs stay as they are, and belong to no preset.
        m_current.reset();
        m_currentPlan.reset();
        m_outcome->clear();
        showCurrent();
    });
    reload();
}

void PresetPanel::setUserDirectory(const QString &directory)
{
    m_userDirectory = directory;
    m_olderDirectory.clear();
    reload();
}

void PresetPanel::reload()
{
    const QString currentId = current() ? current()->id : QString();
    m_library = loadPresets(m_userDirectory, m_olderDirectory);
    m_current.reset();
    for (std::size_t i = 0; i < m_library.presets.size(); ++i) {
        if (m_library.presets[i].id == currentId)
            m_current = i;
    }
    QStringList problems;
    for (const PresetProblem &problem : m_library.problems)
        problems << tr("Preset not loaded: %1").arg(problem.message());
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    fillCombo();
    showCurrent();
    emit reloaded();
}

void PresetPanel::fillCombo()
{
    const QSignalBlocker blocker(m_combo);
    m_combo->clear();
    m_combo->addItem(tr("Custom settings"), QString());
    bool ownStarted = false;
    for (const Preset &preset : m_library.presets) {
        if (!preset.builtIn && !ownStarted) {
            m_combo->insertSeparator(m_combo->count());
            ownStarted = true;
        }
        m_combo->addItem(preset.title, preset.id);
        m_combo->setItemData(m_combo->count() - 1, preset.file, Qt::ToolTipRole);
    }
}

void PresetPanel::fillMenu(QMenu *menu, QAction *before)
{
    for (QAction *old : std::as_const(m_menuActions)) {
        menu->removeAction(old);
        old->deleteLater();
    }
    m_menuActions.clear();
    auto add = [&](const QString &text) {
        auto *action = new QAction(text, menu);
        menu->insertAction(before, action);
        m_menuActions << action;
        return action;
    };
    int number = 0;
    bool ownStarted = false;
    for (const Preset &preset : m_library.presets) {
        if (!preset.builtIn && !ownStarted) {
            m_menuActions << menu->insertSection(before, tr("Your presets"));
            ownStarted = true;
        }
        QAction *action = add(preset.title);
        connect(action, &QAction::triggered, this, [this, id = preset.id] { choose(id); });
        action->setToolTip(preset.file);
        if (preset.builtIn && ++number <= 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + number)));
    }
    if (!m_library.problems.empty()) {
        m_menuActions << menu->insertSeparator(before);
        for (const PresetProblem &problem : m_library.problems) {
            QAction *broken = add(tr("Not loaded: %1").arg(QFileInfo(problem.file).fileName()));
            broken->setToolTip(problem.message());
            broken->setStatusTip(problem.message());
            broken->setEnabled(false);
        }
    }
}

bool PresetPanel::choose(const QString &id)
{
    for (std::size_t i = 0; i < m_library.presets.size(); ++i) {
        if (m_library.presets[i].id != id)
            continue;
        m_current = i;
        m_currentPlan.reset();
        m_outcome->clear();
        emit chosen(m_library.presets[i]);
        // The inputs now hold the preset as this window has it (fractions on its slider's
        // steps): that is what it is compared with from now on.
        if (m_settings && m_current == i)
            m_currentPlan = m_settings;
        showCurrent();
        return true;
    }
    return false;
}

const Preset *PresetPanel::current() const
{
    return m_current ? &m_library.presets[*m_current] : nullptr;
}

void PresetPanel::setSettings(const Result<RunPlan> &plan)
{
    if (plan)
        m_settings = *plan;
    else
        m_settings.reset();
    if (m_current && m_currentPlan && (!m_settings || !sameSettings(*m_settings, *m_currentPlan))) {
        m_current.reset();
        m_currentPlan.reset();
        m_outcome->clear();
    }
    // Inputs that happen to be a preset's (as after a restart) are that preset.
    if (!m_current && m_settings) {
        for (std::size_t i = 0; i < m_library.presets.size(); ++i) {
            auto plan = m_library.presets[i].plan(m_settings->cpus);
            if (plan && sameSettings(*plan, *m_settings)) {
                m_current = i;
                m_currentPlan = m_settings;
                break;
            }
        }
    }
    showCurrent();
}

void PresetPanel::showCurrent()
{
    const Preset *preset = current();
    {
        const QSignalBlocker blocker(m_combo);
        m_combo->setCurrentIndex(preset ? std::max(0, m_combo->findData(preset->id)) : 0);
    }
    if (!preset) {
        m_explanation->setText(tr("Choose a preset to see one of the seed's examples, or set "
                                  "every input yourself."));
        m_outcome->hide();
        return;
    }
    auto plan = preset->plan();
    m_explanation->setText(plan ? preset->explanationFor(*plan) : preset->explanation);
    m_outcome->setVisible(!m_outcome->text().isEmpty());
}

void PresetPanel::showOutcome(const RunResult &run)
{
    if (!current() || !m_currentPlan || !sameSettings(run.plan, *m_currentPlan))
        return;
    const RunMetrics &m = run.metrics;
    if (!run.ok() || m.makespanNs <= 0) {
        m_outcome->setText(run.stopped ? tr("This run was stopped.") : tr("This run failed."));
    } else {
        // A bound of microseconds: the ratio would measure start-up costs, and is left out.
        const bool noise = boundRatioIsNoise(m);
        const QString ratio = noise || !std::isfinite(m.boundRatio)
            ? QString()
            : QStringLiteral("%1x").arg(m.boundRatio, 0, 'f', 2);
        QString text = (noise ? tr("This run: %1 on %2, against a lower bound of %4, too short "
                                   "for a ratio to say more than what starting costs%3; "
                                   "speedup %5x.")
                              : tr("This run: %1 on %2, %3 its lower bound of %4; speedup %5x."))
                           .arg(formatDuration(m.makespanNs),
                               rowsOf(run),
                               noise ? QString() : (ratio.isEmpty() ? QStringLiteral("–") : ratio),
                               formatDuration(m.lowerBoundNs))
                           .arg(m.speedup, 0, 'f', 2);
        if (!run.plan.options.join)
            text += tr(" The caller went on after %1.").arg(formatDuration(m.callerDoneNs));
        m_outcome->setText(text);
    }
    m_outcome->show();
}

QString PresetPanel::explanationText() const
{
    return m_explanation->text();
}

QString PresetPanel::outcomeText() const
{
    return m_outcome->text();
}

} // namespace parviz
