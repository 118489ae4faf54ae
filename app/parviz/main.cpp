// parviz: the desktop program. Choose a workload, press Run, watch every worker.
//
//   parviz [FILE...]    opens run or comparison files; several open side by side
//   parviz --help | --version

#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {

// --help and --version only print: they get a QCoreApplication, which needs no display, so
// that they answer also where no window could open (a terminal over ssh).
bool onlyPrints(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *option : {"-h", "--help", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    const bool windowless = onlyPrints(argc, argv);
    std::unique_ptr<QCoreApplication> app = windowless
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ParViz"));
    QCoreApplication::setApplicationName(QStringLiteral("ParViz"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PARVIZ_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch parallel computing happen: real threads, real processes, measured "
                       "timelines.\n\nOpens the run and comparison files given: the JSON of File "
                       "> Save Run, of the comparison window's Save Comparison JSON, and of "
                       "parviz-cli's --json. Several files open side by side in the comparison "
                       "window."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"),
        QStringLiteral("Run or comparison files to open."),
        QStringLiteral("[FILE...]"));
    // --help and --version print and exit here; so does an unknown option, with its error.
    parser.process(*app);
    if (windowless)
        return 0; // not reached: process() has exited

    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/parviz.svg")));
    QApplication::setDesktopFileName(QStringLiteral("parviz"));
    parviz::MainWindow window;
    window.show();
    // Ask for the keyboard: without a window manager (a kiosk, a projector session, Xvfb) no
    // one else gives it, and shortcuts such as Ctrl+R need an active window.
    window.activateWindow();
    // A file that cannot be opened is shown in the window as File > Open Run shows it (a
    // double-click in a file manager has no terminal), and said on standard error too.
    if (const QStringList files = parser.positionalArguments(); !files.isEmpty()) {
        if (auto opened = window.openFiles(files); !opened)
            std::fprintf(stderr, "parviz: %s\n", qPrintable(opened.error().message));
    }
    return app->exec();
}
