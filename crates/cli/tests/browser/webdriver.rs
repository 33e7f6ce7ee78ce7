//! A small W3C WebDriver client (JSON over HTTP) driving Debian's chromedriver and headless
//! Chromium, just enough for the browser tests: navigate, find, click, type, read, run a
//! script, screenshot, and wait. Errors name the selector, the URL, the page's h1 and a
//! screenshot of the moment, because a browser failure in CI is otherwise opaque.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use serde_json::{Value, json};

/// The key under which W3C WebDriver names an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long one WebDriver command may take before the test gives up on the browser.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Set on the old document before an action that should navigate: its absence tells that a
/// new document replaced it, whatever the URL (a POST-redirect-GET may land on the same URL).
const MARKER: &str = "__nooluurOldPage";

/// A running chromedriver with one browser session. Dropping it ends the session (which
/// closes Chromium) and kills chromedriver, also when a test panics.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    port: u16,
    session: String,
    driver: Child,
    shots: PathBuf,
    test: String,
    step: u32,
}

/// One element of the current page.
#[derive(Debug, Clone)]
pub struct Element {
    id: String,
    selector: String,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless session of `chromium`.
    /// Screenshots go to `shots/<test>-<step>.png`.
    pub async fn start(driver: &Path, chromium: &Path, shots: &Path, test: &str) -> Result<Self> {
        std::fs::create_dir_all(shots)
            .with_context(|| format!("cannot create {}", shots.display()))?;
        let port = free_port()?;
        let log = shots.join(format!("{test}-chromedriver.log"));
        let mut child = Command::new(driver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot run {}", driver.display()))?;
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .context("an HTTP client")?;
        let base = format!("http://127.0.0.1:{port}");
        if let Err(e) = wait_ready(&http, &base, &mut child).await {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e.context(format!("see {}", log.display())));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en-GB"],
            },
        }}});
        let opened = send(
            &http,
            reqwest::Method::POST,
            &format!("{base}/session"),
            Some(caps),
        )
        .await
        .and_then(|v| {
            v["sessionId"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("chromedriver gave no session id: {v}"))
        });
        let session = match opened {
            Ok(s) => s,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e.context(format!(
                    "cannot open a Chromium session (see {})",
                    log.display()
                )));
            }
        };
        Ok(Self {
            http,
            base,
            port,
            session,
            driver: child,
            shots: shots.to_path_buf(),
            test: test.to_owned(),
            step: 0,
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        send(&self.http, method, &url, body).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.cmd(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Result<Value> {
        self.cmd(reqwest::Method::GET, path, None).await
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url }))
            .await
            .with_context(|| format!("cannot open {url}"))?;
        Ok(())
    }

    pub async fn url(&self) -> Result<String> {
        str_value(self.get("/url").await?)
    }

    // The page source is for debugging a scenario by hand; no scenario needs it.
    #[allow(dead_code)]
    pub async fn source(&self) -> Result<String> {
        str_value(self.get("/source").await?)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
            .with_context(|| format!("script failed: {script}"))
    }

    /// Saves a screenshot as `<test>-<NN>-<step>.png` and prints its path.
    pub async fn screenshot(&mut self, step: &str) -> Result<PathBuf> {
        self.step += 1;
        let path = self
            .shots
            .join(format!("{}-{:02}-{step}.png", self.test, self.step));
        let data = str_value(self.get("/screenshot").await?)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .context("the screenshot is not base64")?;
        std::fs::write(&path, png).with_context(|| format!("cannot write {}", path.display()))?;
        println!("screenshot: {}", path.display());
        Ok(path)
    }

    /// The page's URL, h1 and a fresh screenshot, for error messages.
    pub async fn whereabouts(&mut self) -> String {
        let url = self
            .url()
            .await
            .unwrap_or_else(|e| format!("<no URL: {e}>"));
        let h1 = self
            .script(
                "const h = document.querySelector('h1'); return h ? h.textContent.trim() : null;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "<none>".into());
        let shot = match self.screenshot("failure").await {
            Ok(p) => p.display().to_string(),
            Err(e) => format!("<no screenshot: {e}>"),
        };
        format!("on {url} (h1 {h1:?}; screenshot {shot})")
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, selector: &str) -> Result<Vec<Element>> {
        let v = self
            .post(
                "/elements",
                json!({"using": "css selector", "value": selector}),
            )
            .await?;
        let found = v.as_array().cloned().unwrap_or_default();
        found
            .iter()
            .map(|e| {
                e[ELEMENT]
                    .as_str()
                    .map(|id| Element {
                        id: id.to_owned(),
                        selector: selector.to_owned(),
                    })
                    .ok_or_else(|| anyhow!("not an element reference: {e}"))
            })
            .collect()
    }

    /// The first element matching `selector`; the error says where it was missing.
    pub async fn find(&mut self, selector: &str) -> Result<Element> {
        match self.find_all(selector).await {
            Ok(mut v) if !v.is_empty() => Ok(v.swap_remove(0)),
            Ok(_) => {
                let at = self.whereabouts().await;
                bail!("no element matches {selector:?} {at}")
            }
            Err(e) => {
                let at = self.whereabouts().await;
                Err(e.context(format!("cannot look for {selector:?} {at}")))
            }
        }
    }

    /// Elements matching `selector` inside `parent`.
    pub async fn find_in(&self, parent: &Element, selector: &str) -> Result<Vec<Element>> {
        let v = self
            .post(
                &format!("/element/{}/elements", parent.id),
                json!({"using": "css selector", "value": selector}),
            )
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT].as_str())
            .map(|id| Element {
                id: id.to_owned(),
                selector: format!("{} {selector}", parent.selector),
            })
            .collect())
    }

    pub async fn count(&self, selector: &str) -> Result<usize> {
        Ok(self.find_all(selector).await?.len())
    }

    pub async fn click(&mut self, e: &Element) -> Result<()> {
        if let Err(err) = self
            .post(&format!("/element/{}/click", e.id), json!({}))
            .await
        {
            let at = self.whereabouts().await;
            return Err(err.context(format!("cannot click {:?} {at}", e.selector)));
        }
        Ok(())
    }

    pub async fn clear(&self, e: &Element) -> Result<()> {
        self.post(&format!("/element/{}/clear", e.id), json!({}))
            .await
            .with_context(|| format!("cannot clear {:?}", e.selector))?;
        Ok(())
    }

    pub async fn send_keys(&self, e: &Element, text: &str) -> Result<()> {
        self.post(&format!("/element/{}/value", e.id), json!({ "text": text }))
            .await
            .with_context(|| format!("cannot type into {:?}", e.selector))?;
        Ok(())
    }

    /// Clears a field and types `text` into it.
    pub async fn fill(&mut self, selector: &str, text: &str) -> Result<()> {
        let e = self.find(selector).await?;
        self.clear(&e).await?;
        self.send_keys(&e, text).await
    }

    /// The rendered text of an element.
    pub async fn text(&self, e: &Element) -> Result<String> {
        str_value(self.get(&format!("/element/{}/text", e.id)).await?)
    }

    /// The text of the first element matching `selector`.
    pub async fn text_of(&mut self, selector: &str) -> Result<String> {
        let e = self.find(selector).await?;
        self.text(&e).await
    }

    /// An HTML attribute (`None` when absent).
    pub async fn attribute(&self, e: &Element, name: &str) -> Result<Option<String>> {
        let v = self
            .get(&format!("/element/{}/attribute/{name}", e.id))
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// A DOM property (e.g. `value`, `open`).
    pub async fn property(&self, e: &Element, name: &str) -> Result<Value> {
        self.get(&format!("/element/{}/property/{name}", e.id))
            .await
    }

    /// The element as a script argument.
    pub fn arg(e: &Element) -> Value {
        json!({ ELEMENT: e.id })
    }

    /// Polls until `selector` matches, up to `secs` seconds.
    pub async fn wait_for(&mut self, selector: &str, secs: u64) -> Result<Element> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.find_all(selector).await?.into_iter().next() {
                return Ok(e);
            }
            if Instant::now() >= deadline {
                let at = self.whereabouts().await;
                bail!("{selector:?} did not appear within {secs} s {at}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Polls a script until it returns something truthy, up to `secs` seconds.
    pub async fn wait_until(&mut self, what: &str, script: &str, secs: u64) -> Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            // A script may fail while a new document is loading: that is not yet an answer.
            if let Ok(v) = self.script(script, vec![]).await
                && truthy(&v)
            {
                return Ok(v);
            }
            if Instant::now() >= deadline {
                let at = self.whereabouts().await;
                bail!("{what}: not within {secs} s {at}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Marks the current document, so that `wait_for_navigation` sees it replaced.
    pub async fn mark_page(&self) -> Result<()> {
        self.script(&format!("window.{MARKER} = true;"), vec![])
            .await
            .map(drop)
    }

    /// Waits until a new document replaced the one marked by `mark_page` and has loaded.
    pub async fn wait_for_navigation(&mut self, secs: u64) -> Result<()> {
        let script =
            format!("return window.{MARKER} !== true && document.readyState === 'complete';");
        self.wait_until("a new page after the action", &script, secs)
            .await
            .map(drop)
    }

    /// Clicks an element that navigates (a link, a submit button) and waits for the new page.
    pub async fn click_and_wait(&mut self, selector: &str) -> Result<()> {
        let e = self.find(selector).await?;
        self.click_element_and_wait(&e).await
    }

    pub async fn click_element_and_wait(&mut self, e: &Element) -> Result<()> {
        self.mark_page().await?;
        self.click(e).await?;
        self.wait_for_navigation(20).await
    }

    /// Chooses the option of a `select` whose value is `value`.
    pub async fn select_value(&mut self, selector: &str, value: &str) -> Result<()> {
        let select = self.find(selector).await?;
        let chosen = self
            .script(
                "const s = arguments[0]; \
                 const o = Array.from(s.options).find(o => o.value === arguments[1]); \
                 if (!o) return false; \
                 s.value = o.value; \
                 s.dispatchEvent(new Event('input', {bubbles: true})); \
                 s.dispatchEvent(new Event('change', {bubbles: true})); \
                 return true;",
                vec![Self::arg(&select), json!(value)],
            )
            .await?;
        if chosen != json!(true) {
            let at = self.whereabouts().await;
            bail!("{selector:?} has no option {value:?} {at}");
        }
        Ok(())
    }

    /// Chooses the first option with a non-empty value (skipping a "choose…" placeholder) and
    /// returns that value.
    pub async fn select_first(&mut self, selector: &str) -> Result<String> {
        let select = self.find(selector).await?;
        let v = self
            .script(
                "const o = Array.from(arguments[0].options).find(o => o.value !== '' && !o.disabled); \
                 return o ? o.value : null;",
                vec![Self::arg(&select)],
            )
            .await?;
        let Some(value) = v.as_str().map(str::to_owned) else {
            let at = self.whereabouts().await;
            bail!("{selector:?} offers no option {at}");
        };
        self.select_value(selector, &value).await?;
        Ok(value)
    }

    /// Sets an input's value by script (for inputs a keyboard fills awkwardly, such as
    /// `datetime-local`) and reports the browser's own validation message if it refuses it.
    pub async fn set_value(&mut self, selector: &str, value: &str) -> Result<()> {
        let input = self.find(selector).await?;
        let v = self
            .script(
                "const i = arguments[0]; i.value = arguments[1]; \
                 i.dispatchEvent(new Event('input', {bubbles: true})); \
                 i.dispatchEvent(new Event('change', {bubbles: true})); \
                 return i.checkValidity() ? '' : (i.validationMessage || 'invalid');",
                vec![Self::arg(&input), json!(value)],
            )
            .await?;
        if v.as_str() != Some("") {
            let at = self.whereabouts().await;
            bail!("{selector:?} refuses {value:?}: {v} {at}");
        }
        Ok(())
    }

    /// Fails with `what` and where the browser is, unless `ok`.
    pub async fn ensure(&mut self, ok: bool, what: impl std::fmt::Display) -> Result<()> {
        if ok {
            return Ok(());
        }
        let at = self.whereabouts().await;
        bail!("{what} {at}")
    }

    /// The first element matching `selector` that belongs to `needle`: it has `needle` as its
    /// value, or (not being an input) its form carries it in an input; failing that, its
    /// table row (or label) mentions it. With no such element but a single candidate, that
    /// one (a fresh demo has one lot, one auction).
    pub async fn element_near(&mut self, selector: &str, needle: &str) -> Result<Element> {
        let v = self
            .script(
                "const [sel, n] = arguments; \
                 const all = Array.from(document.querySelectorAll(sel)); \
                 const exact = c => { \
                   if (c.tagName === 'INPUT') return c.value === n; \
                   const f = c.tagName === 'FORM' ? c : c.closest('form'); \
                   return !!f && Array.from(f.querySelectorAll('input')).some(i => i.value === n); \
                 }; \
                 const mentioned = c => { \
                   const scope = c.closest('tr') || c.closest('label') || c.parentElement || c; \
                   return scope.textContent.includes(n); \
                 }; \
                 return all.find(exact) || all.find(mentioned) \
                   || (all.length === 1 ? all[0] : null);",
                vec![json!(selector), json!(needle)],
            )
            .await?;
        match v.get(ELEMENT).and_then(Value::as_str) {
            Some(id) => Ok(Element {
                id: id.to_owned(),
                selector: format!("{selector} (of {needle})"),
            }),
            None => {
                let at = self.whereabouts().await;
                bail!("no {selector:?} belongs to {needle:?} {at}")
            }
        }
    }

    /// Texts of all elements matching `selector`.
    pub async fn texts(&self, selector: &str) -> Result<Vec<String>> {
        let v = self
            .script(
                "return Array.from(document.querySelectorAll(arguments[0])) \
                 .map(e => e.textContent.trim());",
                vec![json!(selector)],
            )
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect())
    }

    /// Ends the session with a blocking request: `Drop` may run on an async worker or while
    /// unwinding, where no runtime can be entered.
    fn delete_session(&self) {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
        let req = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Length: 0\r\n\r\n",
            self.session, self.port
        );
        if s.write_all(req.as_bytes()).is_ok() {
            let mut sink = Vec::new();
            let _ = s.read_to_end(&mut sink);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.delete_session();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn str_value(v: Value) -> Result<String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("expected a string from the browser, got {v}"))
}

/// Sends one WebDriver command and unwraps `value`, turning a WebDriver error into a message.
async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut req = http.request(method.clone(), url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req
        .send()
        .await
        .with_context(|| format!("{method} {url}"))?;
    let status = resp.status();
    let v: Value = resp
        .json()
        .await
        .with_context(|| format!("{method} {url}: not JSON ({status})"))?;
    let value = v.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some_and(Value::is_string) {
        let kind = value["error"].as_str().unwrap_or("unknown error");
        let msg = value["message"].as_str().unwrap_or("");
        let first = msg.lines().next().unwrap_or("");
        bail!("WebDriver {kind} ({status}): {first}");
    }
    Ok(value)
}

async fn wait_ready(http: &reqwest::Client, base: &str, child: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            bail!("chromedriver exited at once ({status})");
        }
        if let Ok(r) = http.get(format!("{base}/status")).send().await
            && let Ok(v) = r.json::<Value>().await
            && v["value"]["ready"] == json!(true)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("chromedriver was not ready within 20 s")
}

/// A port nothing listens on just now (chromedriver chooses no port of its own).
fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(l.local_addr()?.port())
}
