//! Every log line of the dependencies (the `log` and `tracing` facades) at trace level, for
//! the leak scans: [`capture`] installs both once per process, [`lines`] returns what came.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

/// The lines captured so far.
static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct LogCapture;

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, r: &log::Record) {
        let line = format!("log {} {}: {}", r.level(), r.target(), r.args());
        LOGS.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

struct TraceCapture(std::sync::atomic::AtomicU64);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl TraceCapture {
    fn push(&self, kind: &str, meta: &tracing::Metadata, f: Fields) {
        let line = format!("tracing {kind} {} {}:{}", meta.level(), meta.target(), f.0);
        LOGS.lock().unwrap().push(line);
    }
}

impl tracing::Subscriber for TraceCapture {
    fn enabled(&self, _: &tracing::Metadata) -> bool {
        true
    }
    fn new_span(&self, a: &tracing::span::Attributes) -> tracing::span::Id {
        let mut f = Fields(String::new());
        a.record(&mut f);
        self.push("span", a.metadata(), f);
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::span::Id::from_u64(n + 1)
    }
    fn record(&self, _: &tracing::span::Id, r: &tracing::span::Record) {
        let mut f = Fields(String::new());
        r.record(&mut f);
        LOGS.lock().unwrap().push(format!("tracing record{}", f.0));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event) {
        let mut f = Fields(String::new());
        e.record(&mut f);
        self.push("event", e.metadata(), f);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Installs the `log` logger and the `tracing` subscriber at trace level (once; a second call
/// does nothing). Fails the test when another logger was installed first.
pub fn capture() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::set_boxed_logger(Box::new(LogCapture)).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
        tracing::subscriber::set_global_default(TraceCapture(0.into())).unwrap();
    });
}

/// Every line captured so far.
pub fn lines() -> Vec<String> {
    LOGS.lock().unwrap().clone()
}
