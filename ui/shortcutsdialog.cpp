#include "shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace parviz {

namespace {

// A menu entry's text as read: "&Open Run…" is "Open Run…", "Save && Quit" is "Save & Quit".
QString withoutMnemonic(const QString &text)
{
    QString plain;
    plain.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == QLatin1Char('&') && i + 1 < text.size())
            ++i; // "&&" keeps one '&'; "&x" keeps the x
        plain.append(text[i]);
    }
    return plain;
}

QString keysOf(const QAction *action)
{
    QStringList keys;
    for (const QKeySequence &shortcut : action->shortcuts())
        keys.append(shortcut.toString(QKeySequence::NativeText));
    return keys.join(QLatin1String(", "));
}

void collect(const QList<QAction *> &actions,
    const QString &where,
    std::vector<ActionShortcut> &shortcuts,
    QSet<const QAction *> &seen)
{
    for (const QAction *action : actions) {
        if (action->isSeparator() || !action->isVisible() || seen.contains(action))
            continue;
        seen.insert(action);
        const QString name = withoutMnemonic(action->text());
        const QString path = where.isEmpty() ? name : where + QLatin1String(" > ") + name;
        if (const QMenu *menu = QMenu::menuInAction(action)) {
            collect(menu->actions(), path, shortcuts, seen);
            continue;
        }
        if (!action->shortcuts().isEmpty())
            shortcuts.push_back({path, keysOf(action)});
    }
}

} // namespace

std::vector<ActionShortcut> actionShortcuts(
    const QMenuBar *menuBar, const QList<QAction *> &others, const QString &where)
{
    std::vector<ActionShortcut> shortcuts;
    QSet<const QAction *> seen;
    if (menuBar)
        collect(menuBar->actions(), where, shortcuts, seen);
    collect(others, where, shortcuts, seen);
    return shortcuts;
}

ShortcutsDialog::ShortcutsDialog(const std::vector<ActionShortcut> &shortcuts, QWidget *parent)
    : QDialog(parent)
    , m_table(new QTreeWidget)
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_table->setColumnCount(2);
    m_table->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_table->setRootIsDecorated(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    for (const ActionShortcut &shortcut : shortcuts)
        new QTreeWidgetItem(m_table, {shortcut.action, shortcut.keys});
    m_table->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->header()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(520, 560);
}

} // namespace parviz
