#pragma once

#include "presets/preset.h"
#include "run/runresult.h"

#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QMenu;

namespace parviz {

// The presets: a combo to choose one, its paragraph on what to look for (with this machine's
// numbers), and after a run of it, how far the run landed from its lower bound. The built-in
// presets come first, then the person's own; a file that could not be read is listed with the
// reason, and the others still load.
//
// GUI thread.
class PresetPanel : public QWidget
{
    Q_OBJECT

public:
    explicit PresetPanel(QWidget *parent = nullptr);

    // Reads the built-in presets and the person's own folder (userPresetDirectory() unless
    // set, with olderUserPresetDirectory() beside it) again.
    void reload();
    // Reads the person's own presets from `directory` alone.
    void setUserDirectory(const QString &directory);
    QString userDirectory() const { return m_userDirectory; }
    const PresetLibrary &library() const { return m_library; }

    // Puts every preset (Ctrl+1..9 for the built-in ones) and the problems into `menu`, before
    // `before`, in place of what an earlier call put there. The old entries are deleted later,
    // so that one of them may be the action that asked for this.
    void fillMenu(QMenu *menu, QAction *before);

    // Chooses a preset by id, as the combo or the menu does: emits chosen().
    bool choose(const QString &id);
    // The preset the inputs still match, if any.
    const Preset *current() const;

    // The inputs now: the preset stays current while they match what it set.
    void setSettings(const Result<RunPlan> &plan);
    // A run ended: if it ran the current preset, says how it went against the bound.
    void showOutcome(const RunResult &run);

    QString explanationText() const;
    QString outcomeText() const;

signals:
    // The person chose a preset: set the inputs from it, then call setSettings().
    void chosen(const parviz::Preset &preset);
    // The presets were read again: menus listing them are out of date.
    void reloaded();

private:
    void fillCombo();
    void showCurrent();

    PresetLibrary m_library;
    QString m_userDirectory;
    QString m_olderDirectory; // read too, never written
    QComboBox *m_combo;
    QLabel *m_explanation;
    QLabel *m_outcome;
    QLabel *m_problems;
    QList<QAction *> m_menuActions; // what fillMenu() added
    std::optional<std::size_t> m_current; // into m_library.presets
    std::optional<RunPlan> m_currentPlan; // the inputs as the preset set them
    std::optional<RunPlan> m_settings; // the inputs now
};

} // namespace parviz
