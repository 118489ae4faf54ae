#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace parviz {

// The files opened lately, newest first, and File > Open Recent, the menu that lists them. The
// list lives in the settings ("recentFiles", absolute paths), so that it outlasts the session
// and every window shares it. The menu is filled again whenever it opens: a file that has gone
// since is shown disabled, marked missing, rather than dropped (it may be on a disk not
// mounted yet); Clear Recent Files forgets them all.
//
// GUI thread.
class RecentFiles : public QObject
{
    Q_OBJECT

public:
    // As many as a menu shows at a glance.
    static constexpr int MaxFiles = 8;

    // Fills `menu`, which it keeps as an observer; `menu` and this have one owner.
    explicit RecentFiles(QMenu *menu, QObject *parent = nullptr);

    // The files, newest first, as the settings have them.
    QStringList files() const;
    // Puts `path` first, once; the oldest beyond MaxFiles go.
    void add(const QString &path);
    // The same for a window without the menu, such as the comparison window: the menu shows
    // the file when it next opens.
    static void remember(const QString &path);
    void clear();
    // Fills the menu from the settings and the files as they are now.
    void updateMenu();

signals:
    // A file was chosen in the menu.
    void openRequested(const QString &path);

private:
    void setFiles(const QStringList &files);

    QMenu *m_menu;
};

} // namespace parviz
