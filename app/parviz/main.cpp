// parviz: the desktop program. Choose a workload, press Run, watch every worker.

#include "mainwindow.h"

#include <QApplication>
#include <QIcon>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ParViz"));
    QApplication::setApplicationName(QStringLiteral("ParViz"));
    QApplication::setApplicationVersion(QStringLiteral(PARVIZ_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/parviz.svg")));
    QApplication::setDesktopFileName(QStringLiteral("parviz"));

    parviz::MainWindow window;
    window.show();
    // Ask for the keyboard: without a window manager (a kiosk, a projector session, Xvfb) no
    // one else gives it, and shortcuts such as Ctrl+R need an active window.
    window.activateWindow();
    return app.exec();
}
