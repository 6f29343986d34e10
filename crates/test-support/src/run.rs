//! Running a program the way a script would: arguments, an optional line on standard input,
//! no password in the environment unless a test puts one there; the exit code and the output
//! come back as text (and as JSON when they are JSON).

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Stdio};

/// A program to run (`Run::new(env!("CARGO_BIN_EXE_portolan"))`).
#[derive(Debug)]
pub struct Run {
    cmd: Command,
    stdin: Option<String>,
}

/// What a run gave back.
#[derive(Debug)]
pub struct Ran {
    /// The exit code (-1 when a signal ended it).
    pub code: i32,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

impl Run {
    /// `program`, without `PORTOLAN_PASSWORD` from the test's own environment.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let mut cmd = Command::new(program);
        cmd.env_remove("PORTOLAN_PASSWORD");
        Self { cmd, stdin: None }
    }

    /// Appends an argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.cmd.arg(arg);
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets a variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Removes a variable.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.cmd.env_remove(key);
        self
    }

    /// What standard input holds (nothing, and closed, when not given).
    pub fn stdin(mut self, text: impl Into<String>) -> Self {
        self.stdin = Some(text.into());
        self
    }

    /// Runs it to the end.
    pub fn run(mut self) -> Ran {
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = &self.stdin {
            // A program that exits before reading is not the test's failure.
            let _ = input.write_all(text.as_bytes());
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Ran {
    /// Standard output as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// Both outputs, for looking for something anywhere (a password that must not be there).
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}
