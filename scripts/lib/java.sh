# shellcheck shell=bash
# Java 17 and Maven for building the server. Sourced after prereqs.sh (uses cp_apt_install).

cp_ensure_java() {
  local need=()
  if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    need+=(openjdk-17-jdk-headless)
  fi
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  if ((${#need[@]})); then
    cp_apt_install "${need[@]}"
  fi
}
