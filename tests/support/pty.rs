//! The binary at a terminal: util-linux `script` runs it on a pseudo-terminal (stdin, stdout
//! and stderr all on the pty, as in an interactive shell), so hidden prompts are really asked.
//! Input is typed only once the prompt has been shown, and everything the terminal displayed
//! comes back as one text.

use super::Env;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

pub struct Terminal {
    child: Child,
    stdin: Option<ChildStdin>,
    shown: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// How far `expect` has read.
    cursor: usize,
}

fn quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

impl Env {
    /// `x402 ARGS` at a terminal, with this environment's variables (and `TERM=dumb`);
    /// `configure` may change them, or add arguments, on the inner command before it starts.
    pub fn terminal(
        &self,
        args: &[&str],
        configure: impl FnOnce(&mut std::process::Command),
    ) -> Terminal {
        assert!(
            std::process::Command::new("script")
                .arg("--version")
                .output()
                .is_ok(),
            "util-linux `script` is needed for the terminal tests"
        );
        let mut inner = self.x402_std();
        inner.env("TERM", "dumb");
        configure(&mut inner);
        let line = std::iter::once(inner.get_program())
            .chain(args.iter().map(std::ffi::OsStr::new))
            .chain(inner.get_args())
            .map(|a| quote(&a.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ");
        let mut script = std::process::Command::new("script");
        script.args(["-qec", &line, "/dev/null"]).env_clear();
        for (k, v) in inner.get_envs() {
            if let Some(v) = v {
                script.env(k, v);
            }
        }
        if let Some(dir) = inner.get_current_dir() {
            script.current_dir(dir);
        }
        let mut child = script
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script");
        let shown = Arc::new(Mutex::new(Vec::new()));
        let mut out = child.stdout.take().unwrap();
        let sink = shown.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            stdin: child.stdin.take(),
            child,
            shown,
            reader: Some(reader),
            cursor: 0,
        }
    }
}

impl Terminal {
    /// What the terminal has shown so far.
    pub fn shown(&self) -> String {
        String::from_utf8_lossy(&self.shown.lock().unwrap()).into_owned()
    }

    /// Waits until `text` is shown after what earlier calls matched.
    pub fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = self.shown();
            if let Some(at) = shown.get(self.cursor..).and_then(|s| s.find(text)) {
                self.cursor += at + text.len();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the terminal never showed {text:?}; it showed: {shown:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("the terminal is still open");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Types `keys` as they are, with no Enter: an answer to a prompt that reads single keys.
    pub fn type_keys(&mut self, keys: &str) {
        let stdin = self.stdin.as_mut().expect("the terminal is still open");
        stdin.write_all(keys.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for `prompt`, then presses `keys` (after the same pause as [`Terminal::answer`]).
    pub fn press(&mut self, prompt: &str, keys: &str) {
        self.expect(prompt);
        std::thread::sleep(Duration::from_millis(300));
        self.type_keys(keys);
    }

    /// Waits for `prompt`, then answers it. The pause lets the program turn echo off after
    /// printing a hidden prompt (rpassword prints, then changes the terminal mode).
    pub fn answer(&mut self, prompt: &str, line: &str) {
        self.expect(prompt);
        std::thread::sleep(Duration::from_millis(300));
        self.type_line(line);
    }

    /// Waits for the program to end: its exit code and everything the terminal showed.
    pub fn finish(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        drop(self.stdin.take());
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        (status.code(), self.shown())
    }
}
