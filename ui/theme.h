#pragma once

#include <QString>

namespace parviz {

// The colours of the whole program. Qt 6.4 cannot follow the desktop's dark mode by itself,
// so a person chooses: the system's own style, or Fusion in light or dark.
enum class Theme { System, Light, Dark };

// Applies `theme` to the application. GUI thread; after the QApplication exists.
void applyTheme(Theme theme);
bool isDarkTheme();
QString themeKey(Theme theme);
Theme themeFromKey(const QString &key);

} // namespace parviz
