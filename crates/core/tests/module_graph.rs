//! The engine's rooms import each other one way (ARCHITECTURE.md, "How data flows"): this
//! reads every `crate::<room>` path in `src/` (comments and unit tests left out) and fails on a
//! circle, naming the rooms in it and the files that close it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Rooms that are not part of the flow: the crate root, the TypeScript export list and the
/// fuzz targets' invariants, which reach into every room on purpose.
const OUTSIDE: [&str; 3] = ["lib", "bindings", "fuzz_support"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `crate::x` paths of one file, outside comments and its unit tests.
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn the_rooms_of_the_engine_import_each_other_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // room -> (room it uses -> files that use it)
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let room = first.trim_end_matches(".rs").to_owned();
        if OUTSIDE.contains(&room.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for used in imports(&text) {
            if used != room && !OUTSIDE.contains(&used.as_str()) {
                graph
                    .entry(room.clone())
                    .or_default()
                    .entry(used)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    assert!(
        graph.len() > 10,
        "the rooms were not found under {}",
        src.display()
    );

    // A depth-first walk; a room met again while still on the path closes a circle.
    fn walk(
        room: &str,
        graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|r| r == room) {
            let circle = &path[i..];
            let mut how = Vec::new();
            for (k, a) in circle.iter().enumerate() {
                let b = &circle[(k + 1) % circle.len()];
                let files = &graph[a][b];
                how.push(format!(
                    "{a} -> {b} ({})",
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            panic!(
                "the rooms import each other in a circle:\n  {}",
                how.join("\n  ")
            );
        }
        if done.contains(room) {
            return;
        }
        path.push(room.to_owned());
        if let Some(next) = graph.get(room) {
            for r in next.keys() {
                walk(r, graph, path, done);
            }
        }
        path.pop();
        done.insert(room.to_owned());
    }
    let mut done = BTreeSet::new();
    for room in graph.keys() {
        walk(room, &graph, &mut Vec::new(), &mut done);
    }
}
