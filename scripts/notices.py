#!/usr/bin/env python3
"""The third-party notices of what Portolan ships, and their freshness check.

Run through scripts/notices.sh, which collects the inputs:
  CRATES  `cargo deny list --format json`: every crate of the app and the CLI for the systems
          Portolan ships for, with its licence (deny.toml's [graph]);
  NPM     the folders of the npm packages the UI bundler put into ui/dist (vite.config.ts);
  ABOUT   `cargo about generate --format json`: the crates' licence texts (generate only).

  notices.py generate CRATES NPM ABOUT OUT   writes OUT (crates/core/data/third-party-notices.json)
  notices.py check CRATES NPM FILE           fails when FILE no longer lists what ships

Both check the npm packages' licences against deny.toml's allow-list (cargo-deny checks the
crates') and that about.toml accepts exactly that list.
"""

import hashlib
import json
import os
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg):
    print(f"[notices] {msg}", file=sys.stderr)
    sys.exit(1)


def allow_list():
    with open(os.path.join(ROOT, "deny.toml"), "rb") as f:
        allow = tomllib.load(f)["licenses"]["allow"]
    with open(os.path.join(ROOT, "about.toml"), "rb") as f:
        accepted = tomllib.load(f)["accepted"]
    if sorted(allow) != sorted(accepted):
        fail("about.toml's `accepted` must be deny.toml's `allow`, word for word.")
    return set(allow)


def allowed(expr, allow):
    """An SPDX expression of ORs of ANDs (no brackets) is allowed when one of its OR terms has
    all its parts on the list. Anything more complex is refused, to be read by a person."""
    expr = expr.strip()
    if not expr or "(" in expr or ")" in expr:
        return False
    for term in re.split(r"\s+OR\s+", expr):
        if all(part.strip() in allow for part in re.split(r"\s+AND\s+", term)):
            return True
    return False


def crates(path):
    """(name, version, "licence ids") of every crate cargo-deny lists, Portolan's own left out."""
    with open(path) as f:
        listing = json.load(f)
    out = set()
    for key, info in listing.items():
        # Keys read "name version source"; Portolan's own crates have a path source.
        name, version, source = (key.split(" ", 2) + [""])[:3]
        if name.startswith("portolan") and not source.startswith("registry+"):
            continue
        out.add((name, version, ",".join(sorted(info.get("licenses", [])))))
    return out


LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING)([-._].*)?$", re.I)


def npm_packages(path, allow):
    """(name, version, licence, [licence file texts]) of each bundled npm package."""
    with open(path) as f:
        dirs = json.load(f)
    out = []
    for d in dirs:
        with open(os.path.join(d, "package.json")) as f:
            pkg = json.load(f)
        licence = pkg.get("license", "")
        if not isinstance(licence, str) or not allowed(licence, allow):
            fail(
                f"the npm package {pkg['name']} {pkg['version']} is licensed under "
                f"{licence!r}, which is not on deny.toml's allow-list."
            )
        texts = []
        for name in sorted(os.listdir(d)):
            if LICENCE_FILE.match(name) and os.path.isfile(os.path.join(d, name)):
                with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                    texts.append(f.read())
        if not texts:
            fail(f"the npm package {pkg['name']} {pkg['version']} has no licence file to quote.")
        out.append((pkg["name"], pkg["version"], licence, texts))
    return out


def fingerprint(crate_set, npm):
    lines = [f"crate {n} {v} {l}" for n, v, l in sorted(crate_set)]
    lines += [f"npm {n} {v} {l}" for n, v, l, _ in sorted(npm)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), lines


def licence_name(spdx_id):
    names = {
        "MIT": "MIT License",
        "Apache-2.0": "Apache License 2.0",
        "ISC": "ISC License",
    }
    return names.get(spdx_id, spdx_id)


def generate(crates_json, npm_json, about_json, out_path):
    allow = allow_list()
    crate_set = crates(crates_json)
    npm = npm_packages(npm_json, allow)
    digest, _ = fingerprint(crate_set, npm)
    with open(about_json) as f:
        about = json.load(f)

    texts, index = [], {}

    def text_id(spdx_id, name, text):
        key = (spdx_id, text.strip())
        if key not in index:
            index[key] = len(texts)
            texts.append({"id": spdx_id, "name": name, "text": text.strip() + "\n"})
        return index[key]

    expression = {
        (c["package"]["name"], c["package"]["version"]): c["package"].get("license") or c["license"]
        for c in about["crates"]
    }
    by_crate = {}
    for lic in about["licenses"]:
        for use in lic["used_by"]:
            c = use["crate"]
            i = text_id(lic["id"], lic["name"], lic["text"])
            by_crate.setdefault((c["name"], c["version"]), set()).add(i)

    components = []
    for name, version, _ids in sorted(crate_set):
        licence = expression.get((name, version), "")
        found = by_crate.get((name, version))
        if not found:
            fail(f"cargo-about found no licence text for the crate {name} {version}.")
        components.append(
            {"name": name, "version": version, "licence": licence, "kind": "crate",
             "texts": sorted(found)}
        )
    for name, version, licence, files in sorted(npm):
        ids = [text_id(licence, licence_name(licence), t) for t in files]
        components.append(
            {"name": name, "version": version, "licence": licence, "kind": "npm",
             "texts": sorted(set(ids))}
        )

    doc = {
        "about": "Generated by scripts/notices.sh (make notices) from cargo-about, cargo-deny "
        "and the UI bundler's module list. Do not edit by hand.",
        "fingerprint": digest,
        "components": components,
        "texts": texts,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(
        f"[notices] {len(components)} components ({len(npm)} npm), {len(texts)} licence texts "
        f"-> {os.path.relpath(out_path, ROOT)}"
    )


def check(crates_json, npm_json, file_path):
    allow = allow_list()
    crate_set = crates(crates_json)
    npm = npm_packages(npm_json, allow)
    digest, lines = fingerprint(crate_set, npm)
    with open(file_path) as f:
        doc = json.load(f)
    if doc.get("fingerprint") == digest:
        print(f"[notices] up to date: {len(lines)} components, every licence on the allow-list")
        return
    recorded = {f"{c['kind']} {c['name']} {c['version']}" for c in doc.get("components", [])}
    now = {" ".join(line.split(" ")[:3]) for line in lines}
    for line in sorted(now - recorded)[:20]:
        print(f"[notices]   new: {line}", file=sys.stderr)
    for line in sorted(recorded - now)[:20]:
        print(f"[notices]   gone: {line}", file=sys.stderr)
    fail(
        "the third-party notices no longer match the dependencies (above). "
        "Run `make notices` and commit crates/core/data/third-party-notices.json."
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "generate":
        generate(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        check(*sys.argv[2:])
    else:
        fail(__doc__)
