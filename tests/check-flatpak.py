#!/usr/bin/env python3
"""Checks the Flatpak manifest as TAP, since the GNOME runtime cannot be
downloaded here to build it: it parses, names the app's id and command,
asks only for the permissions the app needs, and every module's meson
options and local paths exist in the tree."""
import json
import os
import re
import sys

top = sys.argv[1]
manifest_path = os.path.join(top, "flatpak", "cn.wudan.Wudan.json")
checks = []


def check(name, ok, why=""):
    checks.append((name, ok, why))


try:
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    check("parses", True)
except (OSError, ValueError) as error:
    check("parses", False, str(error))
    manifest = {}

check("app-id", manifest.get("id") == "cn.wudan.Wudan", manifest.get("id", ""))
with open(os.path.join(top, "src", "app", "meson.build"), encoding="utf-8") as f:
    app_build = f.read()
command = manifest.get("command", "")
check("command-is-built", re.search(r"executable\('%s'" % re.escape(command), app_build) is not None, command)
check("gnome-runtime", manifest.get("runtime") == "org.gnome.Platform" and manifest.get("sdk") == "org.gnome.Sdk")

# Network for sync, IPC and a display; printing and the keyring go through
# portals, which need no permission.
allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
extra = [arg for arg in manifest.get("finish-args", []) if arg not in allowed]
check("least-permissions", not extra, " ".join(extra))

with open(os.path.join(top, "meson_options.txt"), encoding="utf-8") as f:
    options = set(re.findall(r"option\('([^']+)'", f.read()))
manifest_dir = os.path.dirname(manifest_path)
for module in manifest.get("modules", []):
    name = module.get("name", "?") if isinstance(module, dict) else module
    if not isinstance(module, dict):
        check("module-%s-exists" % name, os.path.exists(os.path.join(manifest_dir, module)), module)
        continue
    if module.get("name") == "wudan":
        unknown = [opt for opt in module.get("config-opts", [])
                   if opt.startswith("-D") and opt[2:].split("=")[0] not in options]
        check("module-wudan-options", not unknown, " ".join(unknown))
        check("module-wudan-no-server", "-Dserver=false" in module.get("config-opts", []))
    for source in module.get("sources", []):
        if source.get("type") in ("dir", "file", "patch"):
            path = os.path.normpath(os.path.join(manifest_dir, source.get("path", "")))
            check("module-%s-source" % name, os.path.exists(path), path)
        elif source.get("type") == "archive":
            check("module-%s-checksum" % name, bool(source.get("sha256")), source.get("url", ""))

print("1..%d" % len(checks))
for number, (name, ok, why) in enumerate(checks, 1):
    print("%s %d /flatpak/%s%s" % ("ok" if ok else "not ok", number, name, "" if ok else " # " + why))
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
