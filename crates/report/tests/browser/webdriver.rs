//! Just enough of the W3C WebDriver protocol to drive headless Chromium (Debian's by default) through
//! chromedriver on localhost: plain HTTP/1.1 over a `TcpStream`, one request per connection.

use serde_json::{json, Value};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser: `PYO3_MATRIX_CHROMIUM`, or where Debian installs it.
fn chromium() -> String {
    std::env::var("PYO3_MATRIX_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Its driver: `PYO3_MATRIX_CHROMEDRIVER`, or where Debian installs it.
fn chromedriver() -> String {
    std::env::var("PYO3_MATRIX_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver, ended when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

/// Reads one HTTP response and returns its body. chromedriver keeps the connection open
/// after answering, so the body ends where its `Content-Length` says.
fn read_body(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let mut fill = |data: &mut Vec<u8>| -> std::io::Result<()> {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
        Ok(())
    };
    let split = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        fill(&mut data)?;
    };
    let head = String::from_utf8_lossy(&data[..split]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.split_once(':')
                .filter(|(n, _)| n.trim() == name)
                .map(|(_, v)| v.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .ok_or_else(|| std::io::Error::other("chromedriver answered without a Content-Length"))?
        .parse()
        .map_err(std::io::Error::other)?;
    let start = split + 4;
    while data.len() < start + length {
        fill(&mut data)?;
    }
    Ok(data[start..start + length].to_vec())
}

impl Driver {
    /// Starts chromedriver on a free local port and waits until it answers.
    pub fn start() -> Driver {
        assert!(
            Path::new(&chromium()).exists() && Path::new(&chromedriver()).exists(),
            "this test drives headless Chromium, and {} or {} is missing; install Debian's with \
             apt-get update && apt-get install -y chromium chromium-driver, or name others in \
             PYO3_MATRIX_CHROMIUM and PYO3_MATRIX_CHROMEDRIVER",
            chromium(),
            chromedriver()
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while driver.try_request("GET", "/status", None).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn try_request(&self, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        serde_json::from_slice(&read_body(&mut stream)?).map_err(std::io::Error::other)
    }

    /// One WebDriver command; its `value`, or a panic naming the command and the error.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let reply = self
            .try_request(method, path, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value = reply["value"].clone();
        if let Some(error) = value.get("error") {
            panic!("{method} {path}: {error}: {}", value["message"]);
        }
        value
    }

    /// A new headless browser with a fresh profile in `profile`.
    pub fn session(&self, profile: &Path) -> Session<'_> {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,900",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium(), "args": args},
        }}});
        let created = self.request("POST", "/session", Some(capabilities));
        let session = Session {
            driver: self,
            id: created["sessionId"].as_str().expect("a session id").to_string(),
        };
        // Waits on the page end when the page says so, never on a clock (see `wait_until`).
        session.command("POST", "/timeouts", Some(json!({"script": null})));
        session
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window, closed when dropped.
pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

/// An element found on the page.
#[derive(Clone)]
pub struct Element(String);

impl Session<'_> {
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .request(method, &format!("/session/{}{path}", self.id), body)
    }

    /// Loads `path` from disk.
    pub fn open(&self, path: &Path) {
        let url = format!("file://{}", path.canonicalize().unwrap().display());
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// Every element matching a CSS selector, in document order.
    pub fn all(&self, css: &str) -> Vec<Element> {
        let found = self.command(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Element(e[ELEMENT].as_str().unwrap().to_string()))
            .collect()
    }

    /// The one element matching a CSS selector.
    pub fn one(&self, css: &str) -> Element {
        let mut found = self.all(css);
        assert_eq!(found.len(), 1, "expected one element for {css}, found {}", found.len());
        found.remove(0)
    }

    /// The rendered text of an element, as a reader sees it.
    pub fn text(&self, e: &Element) -> String {
        let value = self.command("GET", &format!("/element/{}/text", e.0), None);
        value.as_str().unwrap().to_string()
    }

    /// An attribute of an element (`data-key`, `class`).
    pub fn attribute(&self, e: &Element, name: &str) -> Option<String> {
        let value = self.command("GET", &format!("/element/{}/attribute/{name}", e.0), None);
        value.as_str().map(str::to_string)
    }

    /// Whether the element is shown.
    pub fn displayed(&self, e: &Element) -> bool {
        let value = self.command("GET", &format!("/element/{}/displayed", e.0), None);
        value.as_bool().unwrap()
    }

    /// A real click: scrolled into view, refused if something else covers the element.
    pub fn click(&self, e: &Element) {
        self.command("POST", &format!("/element/{}/click", e.0), Some(json!({})));
    }

    /// Types `text` into a field, as keystrokes, after emptying it.
    pub fn type_into(&self, e: &Element, text: &str) {
        self.command("POST", &format!("/element/{}/clear", e.0), Some(json!({})));
        self.command(
            "POST",
            &format!("/element/{}/value", e.0),
            Some(json!({ "text": text })),
        );
    }

    /// Runs `body` as a function in the page, with `args`, and returns what it returns.
    pub fn script(&self, body: &str, args: Value) -> Value {
        self.command("POST", "/execute/sync", Some(json!({"script": body, "args": args})))
    }

    /// Waits until the JavaScript expression `condition` holds in the page, checking after
    /// each animation frame. WebDriver's script timeout is off, so the page ends the wait, not
    /// a clock (the connection's read timeout is only a safety net against a hung browser).
    pub fn wait_until(&self, condition: &str) {
        let body = format!(
            "const done = arguments[0]; (function check() {{ if ({condition}) done(); else requestAnimationFrame(check); }})();"
        );
        self.command("POST", "/execute/async", Some(json!({"script": body, "args": []})));
    }

    /// The page's address, hash included.
    pub fn url(&self) -> String {
        self.command("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// Loads the page again, as the reload button does.
    pub fn reload(&self) {
        self.command("POST", "/refresh", Some(json!({})));
    }

    /// Sizes the window so that the page's viewport is `width` × `height` CSS pixels.
    pub fn viewport(&self, width: i64, height: i64) {
        let inner = |s: &Self| {
            let size = s.script("return [window.innerWidth, window.innerHeight];", json!([]));
            (size[0].as_i64().unwrap(), size[1].as_i64().unwrap())
        };
        let rect = self.command("GET", "/window/rect", None);
        let (w, h) = inner(self);
        let outer = |key: &str, inner: i64, wanted: i64| rect[key].as_i64().unwrap() + wanted - inner;
        self.command(
            "POST",
            "/window/rect",
            Some(json!({"width": outer("width", w, width), "height": outer("height", h, height)})),
        );
        assert_eq!(inner(self), (width, height), "the viewport could not be sized");
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .try_request("DELETE", &format!("/session/{}", self.id), None);
    }
}
