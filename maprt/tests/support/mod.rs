//! What the server and worker tests share: the repository root, a
//! `maprt` process whose stderr is collected, a plain HTTP/1.1 client over
//! loopback, and HMAC signatures computed independently of the server.
#![allow(dead_code)] // each test file uses its part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A fresh directory for one test's files, removed when the test ends
/// (some hold hundreds of megabytes).
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("maprt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

/// A test's directory; removed on drop, pass or fail.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `maprt` whose stderr lines are collected; killed on drop.
pub struct Process {
    pub child: Child,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Process {
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_maprt"))
            .args(args)
            .envs(envs.iter().copied())
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("maprt starts");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = stderr.clone();
        let pipe = child.stderr.take().expect("stderr piped");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().expect("log lock").push(line);
            }
        });
        Process { child, stderr }
    }

    /// The first log line containing `needle`, waiting up to 20 s.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(line) = self
                .stderr
                .lock()
                .expect("log lock")
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no log line with `{needle}`; stderr: {:?}",
                self.stderr.lock().expect("log lock")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The address a server logged it listens on (`address=...`).
    pub fn address(&self) -> SocketAddr {
        let line = self.wait_for_log("listening");
        let at = line.find("address=").expect("address field") + "address=".len();
        line[at..]
            .split_whitespace()
            .next()
            .expect("address")
            .parse()
            .expect("socket address")
    }

    /// Send SIGTERM (what an orchestrator sends to stop a process).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Wait for the process to exit, up to 20 s; its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "maprt did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response as the test reads it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// The head of a request with `Connection: close`.
pub fn head(method: &str, path: &str, headers: &[(&str, &str)], length: usize) -> String {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {length}\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Read a whole response from a connection the server closes after it.
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// One request, answered.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
        .write_all(head(method, path, headers, body.len()).as_bytes())
        .expect("head sent");
    // A server may answer before the whole body is sent (413): a failed
    // write is then expected, the answer is what counts.
    let _ = stream.write_all(body);
    read_response(&mut stream)
}

/// base64 of HMAC-SHA256(secret, message), computed by Python's standard
/// library so the server's signing code is not checked against itself.
pub fn hmac_base64(secret: &str, message: &[u8]) -> String {
    let mut python = Command::new("python3")
        .args([
            "-c",
            "import base64,hashlib,hmac,sys; k=sys.argv[1].encode(); \
             print(base64.b64encode(hmac.new(k, sys.stdin.buffer.read(), hashlib.sha256).digest()).decode())",
            secret,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    python
        .stdin
        .take()
        .expect("stdin")
        .write_all(message)
        .expect("message sent");
    let out = python.wait_with_output().expect("python3 answers");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The value of one series in a `/metrics` text (0 when absent).
pub fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0)
}

/// What `maprt transform` gives for one sample, for comparison.
pub fn transformed(mapping: &str, sample: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_maprt"))
        .args(["transform", "--mapping", mapping, sample])
        .current_dir(root())
        .output()
        .expect("maprt transform runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
