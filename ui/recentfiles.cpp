#include "recentfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace parviz {

namespace {

const QString SettingsKey = QStringLiteral("recentFiles");

QStringList storedFiles()
{
    QStringList files = QSettings().value(SettingsKey).toStringList();
    files.removeAll(QString());
    return files.mid(0, RecentFiles::MaxFiles);
}

void storeFiles(const QStringList &files)
{
    QSettings settings;
    if (files.isEmpty())
        settings.remove(SettingsKey);
    else
        settings.setValue(SettingsKey, files);
}

} // namespace

RecentFiles::RecentFiles(QMenu *menu, QObject *parent)
    : QObject(parent)
    , m_menu(menu)
{
    m_menu->setToolTipsVisible(true);
    // Whether each file is still there is known when the menu opens, not when it was added.
    connect(m_menu, &QMenu::aboutToShow, this, &RecentFiles::updateMenu);
    updateMenu();
}

QStringList RecentFiles::files() const
{
    return storedFiles();
}

void RecentFiles::add(const QString &path)
{
    remember(path);
    updateMenu();
}

void RecentFiles::remember(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = storedFiles();
    list.removeAll(absolute);
    list.prepend(absolute);
    storeFiles(list.mid(0, MaxFiles));
}

void RecentFiles::clear()
{
    setFiles({});
}

void RecentFiles::setFiles(const QStringList &files)
{
    storeFiles(files);
    updateMenu();
}

void RecentFiles::updateMenu()
{
    m_menu->clear();
    const QStringList list = files();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString &path = list[i];
        const QFileInfo info(path);
        // 1 to 8 as the mnemonic; the folder tells apart files of the same name.
        QString text = tr("&%1 %2").arg(i + 1).arg(
            info.fileName().replace(QLatin1Char('&'), QLatin1String("&&")));
        const bool exists = info.isFile();
        if (!exists)
            text = tr("%1 (missing)").arg(text);
        QAction *action = m_menu->addAction(text);
        action->setData(path);
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setEnabled(exists);
        // Queued: what follows fills the menu again, deleting the action still being triggered.
        connect(
            action,
            &QAction::triggered,
            this,
            [this, path] { emit openRequested(path); },
            Qt::QueuedConnection);
    }
    if (list.isEmpty())
        m_menu->addAction(tr("No Recent Files"))->setEnabled(false);
    m_menu->addSeparator();
    QAction *clearAction = m_menu->addAction(tr("&Clear Recent Files"));
    clearAction->setEnabled(!list.isEmpty());
    connect(clearAction, &QAction::triggered, this, &RecentFiles::clear, Qt::QueuedConnection);
}

} // namespace parviz
