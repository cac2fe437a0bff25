# Sourced by ./ringlite and ./run-tests: sets JAVA_HOME to a JDK 25+ or exits with one line.
ringlite_java_major() { # prints the feature version of the java at $1/bin/java, or nothing
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in 1.*) echo "${v#1.}" ;; *) echo "$v" ;; esac
}
ringlite_find_jdk() {
  local cand c m
  cand=()
  [ -n "${RINGLITE_JAVA_HOME:-}" ] && cand+=("$RINGLITE_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && cand+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v javac)"); cand+=("${c%/bin/javac}")
  fi
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && cand+=("$c")
  done
  for c in "${cand[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    m=$(ringlite_java_major "$c")
    if [ -n "$m" ] && [ "$m" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! RINGLITE_JDK=$(ringlite_find_jdk); then
  echo "ringlite: no JDK 25 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME="$RINGLITE_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
