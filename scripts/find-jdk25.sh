# Sourced by ./build and ./neox4j: sets JAVA_HOME to a JDK 25 or exits with a clear message.
# Order: $JAVA_HOME if it is a JDK 25, then /usr/lib/jvm/*, then `java` on PATH.

jdk_feature_version() {
  # Prints the feature version (e.g. 25) of the JDK at $1, or nothing. Reads the JDK's `release`
  # file (JAVA_VERSION="25.0.3"): starting each candidate's JVM costs ~0.1 s apiece, which every
  # launch of ./neox4j would pay before its own JVM starts. Without that file, asks the JVM.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
    return 0
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk25() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && [ "$(jdk_feature_version "$JAVA_HOME")" = "25" ]; then
    return 0
  fi
  for candidate in /usr/lib/jvm/*; do
    if [ "$(jdk_feature_version "$candidate")" = "25" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(jdk_feature_version "$candidate")" = "25" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  echo "neox4j: a JDK 25 is required (Vector API and final FFM API), but none was found." >&2
  echo "  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/* and javac on PATH." >&2
  echo "  Install one (e.g. Temurin 25) and/or set JAVA_HOME to it." >&2
  exit 1
}
