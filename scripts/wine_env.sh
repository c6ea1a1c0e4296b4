# shellcheck shell=bash
# Run Windows programs under Wine the way the Windows build and its tests need it.
# Source it (`source scripts/wine_env.sh`), then call the functions:
#
#   wine_setup_prefix   create the Wine prefix (see below where) once (wineboot, the
#                       ProcessPrng forwarder DLL), start its wineserver and services
#   wine_run PROG ARGS  run a Windows program (wine64); stdio must be pipes or /dev/null
#   wine_stop           stop this prefix's wineserver and the Wine services it runs
#
# Why each setting (Debian bookworm wine64 8.0):
#   - there is no `wine` command in wine64 alone: /usr/lib/wine/wine64 is the loader;
#   - WINEDEBUG=-all keeps Wine's own chatter out of the programs' output; mscoree/mshtml off:
#     no Mono/Gecko install dialogs;
#   - LC_ALL=zh_CN.UTF-8: Wine maps Linux file names through the locale's charset; under C/POSIX
#     it strips the high bit of every byte, so Chinese file names break. The locale must exist on
#     the Linux side (localedef). The Windows side then runs with ANSI/OEM code page 936 (GBK),
#     like a Chinese Windows: a console program's piped output is GBK;
#   - CPython under Wine dies in init_sys_streams (WinError 6) when stdin/stdout/stderr is a regular
#     file: give it pipes or /dev/null, never a file;
#   - Wine's services (services.exe, winedevice, explorer, ...) inherit the stdio of the Wine
#     process that started them and keep it open: when that is a pipe, the reader (`| cat`,
#     subprocess.run) never sees EOF. So the wineserver and the services are started once, with
#     stdio on /dev/null, and kept running (wineserver -p) until wine_stop;
#   - python-calamine's Rust standard library imports bcryptprimitives.dll!ProcessPrng, which
#     Wine 8 lacks: a forwarder DLL (ProcessPrng = advapi32.SystemFunction036, i.e. RtlGenRandom)
#     is built with binutils-mingw-w64 and placed in the prefix's system32 (the prefix only: it
#     never goes into the bundle, real Windows 10+ has the real DLL);
#   - no Windows fonts exist here: Wine finds the Linux fonts through fontconfig, and with the
#     zh_CN locale its UI fonts fall back to a CJK one: fonts-noto-cjk must be installed (Noto Sans
#     CJK SC is then what the window shows where Windows would show Microsoft YaHei).
#
#   - the prefix lives OUTSIDE the repository, in ~/.cache/tuoyu_excel/ (one per work tree): every
#     Wine prefix holds dosdevices/z: -> /, and inside the tree that symlink sends any walker that
#     follows links (setuptools during `pip install -e .` in scripts/setup.sh, `find -L`, editors)
#     through the whole file system and /proc, without end. Delete it freely: it is re-created.
#
# Variables (may be preset): TUOYU_WIN_BUILD (default <repo>/build/windows: downloads, the Windows
# Python, the forwarder DLL), TUOYU_WINEPREFIX (default ~/.cache/tuoyu_excel/wine-<hash of the repo path>).
# WINEPREFIX is always set from TUOYU_WINEPREFIX, so a WINEPREFIX of the user's own is never touched.

_wine_env_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TUOYU_WIN_BUILD="${TUOYU_WIN_BUILD:-$_wine_env_root/build/windows}"
export TUOYU_WINEPREFIX="${TUOYU_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/tuoyu_excel/wine-$(printf '%s' "$_wine_env_root" | sha256sum | cut -c1-12)}"
export WINEPREFIX="$TUOYU_WINEPREFIX"
export WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LC_ALL=zh_CN.UTF-8
WINE_LOADER=/usr/lib/wine/wine64
WINE_SERVER=/usr/lib/wine/wineserver
export WINE_LOADER WINE_SERVER

wine_log() { echo "wine_env: $*" >&2; }

wine_check_tools() {
    # true when everything Wine needs on the Linux side is present
    [[ -x $WINE_LOADER && -x $WINE_SERVER ]] && command -v x86_64-w64-mingw32-dlltool >/dev/null \
        && locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'
}

wine_run() {
    # wine_run PROGRAM [ARGS...]: the caller's stdio must be pipes or /dev/null (see above)
    "$WINE_LOADER" "$@"
}

wine_start_server() {
    # the wineserver and the services for this prefix, on /dev/null, kept alive (idempotent)
    "$WINE_SERVER" -p </dev/null >/dev/null 2>&1 || true
    "$WINE_LOADER" cmd.exe /c exit </dev/null >/dev/null 2>&1
}

wine_stop() {
    "$WINE_SERVER" -k </dev/null >/dev/null 2>&1 || true
    "$WINE_SERVER" -w </dev/null >/dev/null 2>&1 || true
}

_wine_prng_forwarder() {
    # bcryptprimitives.dll exporting ProcessPrng, forwarded to advapi32.SystemFunction036
    # (same contract: fill a buffer with random bytes, return TRUE)
    local dir="$TUOYU_WIN_BUILD/prng" sys32="$WINEPREFIX/drive_c/windows/system32"
    if [[ ! -f $dir/bcryptprimitives.dll ]]; then
        mkdir -p "$dir"
        printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\n    ProcessPrng = advapi32.SystemFunction036\n' >"$dir/bcryptprimitives.def"
        printf '\t.text\n\t.globl DllMain\nDllMain:\n\tmovl $1, %%eax\n\tret\n' >"$dir/dllmain.s"
        x86_64-w64-mingw32-as -o "$dir/dllmain.o" "$dir/dllmain.s"
        x86_64-w64-mingw32-dlltool --input-def "$dir/bcryptprimitives.def" --dllname bcryptprimitives.dll \
            --output-exp "$dir/bcryptprimitives.exp"
        x86_64-w64-mingw32-ld -shared --entry DllMain -o "$dir/bcryptprimitives.dll.tmp" \
            "$dir/bcryptprimitives.exp" "$dir/dllmain.o"
        mv "$dir/bcryptprimitives.dll.tmp" "$dir/bcryptprimitives.dll"
    fi
    cmp -s "$dir/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll" || cp "$dir/bcryptprimitives.dll" "$sys32/"
}

wine_setup_prefix() {
    # create (once) and start the prefix; quick when it exists
    wine_check_tools || { wine_log "error: Wine tools missing (run scripts/build_windows.sh as root once)"; return 1; }
    mkdir -p "$TUOYU_WIN_BUILD"
    if [[ ! -f $WINEPREFIX/.tuoyu-ready ]]; then
        wine_log "creating the Wine prefix $WINEPREFIX (wineboot, ~15 s)"
        rm -rf "$WINEPREFIX"
        mkdir -p "$WINEPREFIX"
        "$WINE_SERVER" -p </dev/null >/dev/null 2>&1 || true
        "$WINE_LOADER" wineboot.exe -i </dev/null >/dev/null 2>&1
        touch "$WINEPREFIX/.tuoyu-ready"
    fi
    wine_start_server
    _wine_prng_forwarder
}
