#!/usr/bin/env bash
# Make sure a headless browser and CJK fonts are there for the report's browser test.
#
#   bash tools/ensure_browser.sh
#
# Looks for Debian's `chromium` (also `chromium-browser`) and for CJK fonts (Noto CJK, via
# fc-list or the fonts-noto-cjk package). When something is missing and we are root with
# apt-get, installs `chromium` and `fonts-noto-cjk` (apt-get bounded by timeouts). Prints one
# line: "Browser: chromium X (fonts: ...)" or "Browser: missing (reason)". Never fails the run:
# the exit code is always 0 (tests/test_browser.py skips with a reason when there is no browser).
set -u

find_browser() {
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            BROWSER=$(command -v "$name")
            return 0
        fi
    done
    return 1
}

cjk_fonts() {  # prints the CJK font families found, empty when none
    if command -v fc-list >/dev/null 2>&1; then
        local all sc
        all=$(fc-list :lang=zh family 2>/dev/null | grep -Ei 'CJK|WenQuanYi|Source Han' \
            | cut -d, -f1 | sort -u)
        sc=$(printf '%s\n' "$all" | grep -E ' SC$' | head -n 2)
        printf '%s\n' "${sc:-$all}" | grep -v '^$' | head -n 2 | paste -sd ';' -
    elif [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/*CJK* >/dev/null 2>&1; then
        echo "Noto CJK"
    fi
}

BROWSER=""
UID_NOW=$(id -u 2>/dev/null || echo 65534)
need=()
find_browser || need+=(chromium)
[ -n "$(cjk_fonts)" ] || need+=(fonts-noto-cjk)

if [ "${#need[@]}" -gt 0 ]; then
    if [ "$UID_NOW" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure_browser: installing ${need[*]} (Debian packages) ..." >&2
        export DEBIAN_FRONTEND=noninteractive
        timeout 180 apt-get update -qq >/dev/null 2>&1 || true
        timeout 900 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || true
    fi
    find_browser || true
fi

fonts=$(cjk_fonts)
if [ -z "$BROWSER" ]; then
    if [ "$UID_NOW" -ne 0 ]; then
        why="not installed, and not root to install it: apt-get install chromium fonts-noto-cjk"
    elif ! command -v apt-get >/dev/null 2>&1; then
        why="not installed, and no apt-get on this system"
    else
        why="apt-get install chromium failed or timed out"
    fi
    echo "Browser: missing ($why)"
    exit 0
fi
version=$("$BROWSER" --version 2>/dev/null | grep -Eo '[0-9]+(\.[0-9]+)+' | head -n 1)
echo "Browser: $(basename "$BROWSER") ${version:-unknown} (fonts: ${fonts:-no CJK font, charts fall back to English labels})"
exit 0
