#pragma once

#include <QDialog>
#include <QList>
#include <QString>

#include <vector>

class QAction;
class QMenuBar;
class QTreeWidget;

namespace parviz {

// One action's shortcut, as Help > Keyboard Shortcuts lists it.
struct ActionShortcut
{
    QString action; // where it is and what it is called: "Run > Compare…"
    QString keys; // as this desktop writes them: "Ctrl+K"; several joined by ", "
};

// Every visible action that has a shortcut, read from the actions themselves: those in
// `menuBar`'s menus and their submenus (if there is a menu bar), in menu order, then those of
// `others` (a window's own actions) that no menu holds. `where` leads each path when a window
// other than the main one holds them: "Comparison window > Stop".
std::vector<ActionShortcut> actionShortcuts(
    const QMenuBar *menuBar, const QList<QAction *> &others, const QString &where = QString());

// Help > Keyboard Shortcuts: the list made by actionShortcuts(), in a table.
//
// GUI thread.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    ShortcutsDialog(const std::vector<ActionShortcut> &shortcuts, QWidget *parent = nullptr);

    QTreeWidget *table() const { return m_table; }

private:
    QTreeWidget *m_table;
};

} // namespace parviz
