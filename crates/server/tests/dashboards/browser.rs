//! A browser without a browser: a reqwest client that follows no redirect and keeps the
//! cookies (`nooluur_session`, `nooluur_flash`, `lang`) by hand, so a test sees every 303,
//! every `Set-Cookie` and every flash message as the server sends them.

use std::collections::BTreeMap;

use base64::Engine;

use crate::common::TestServer;

/// One answer, read whole.
#[derive(Debug)]
pub struct Page {
    pub path: String,
    pub status: u16,
    pub location: Option<String>,
    pub content_language: Option<String>,
    pub content_type: Option<String>,
    /// The raw `Set-Cookie` headers.
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// Asserts the page holds `needle` (as HTML: escape quotes and ampersands yourself).
    #[track_caller]
    pub fn has(&self, needle: &str) -> &Page {
        assert!(
            self.body.contains(needle),
            "{} lacks {needle:?}:\n{}",
            self.path,
            self.body
        );
        self
    }

    /// Asserts the page does not hold `needle`.
    #[track_caller]
    pub fn lacks(&self, needle: &str) -> &Page {
        assert!(
            !self.body.contains(needle),
            "{} holds {needle:?}:\n{}",
            self.path,
            self.body
        );
        self
    }

    /// The `Set-Cookie` header of a cookie, if the answer sets it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| {
                c.split(';')
                    .next()
                    .and_then(|kv| kv.split_once('='))
                    .map(|(k, _)| k.trim())
                    == Some(name)
            })
            .map(String::as_str)
    }

    /// The flash message this answer sets (`(ok, text)`), decoded from its base64url cookie.
    pub fn flash(&self) -> Option<(bool, String)> {
        let c = self.cookie("nooluur_flash")?;
        let v = c.split(';').next()?.split_once('=')?.1.trim();
        if v.is_empty() {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(v)
            .unwrap_or_else(|e| panic!("flash cookie {v:?} is not base64url: {e}"));
        let s = String::from_utf8(bytes).expect("flash is UTF-8");
        let mut chars = s.chars();
        let ok = match chars.next() {
            Some('1') => true,
            Some('0') => false,
            other => panic!("flash {s:?} starts with {other:?}, not 1 or 0"),
        };
        Some((ok, chars.as_str().to_owned()))
    }

    /// The value of the first hidden `csrf` field.
    #[track_caller]
    pub fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let at = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("{} has no csrf field:\n{}", self.path, self.body));
        let rest = &self.body[at + marker.len()..];
        rest[..rest.find('"').expect("end of the csrf value")].to_owned()
    }

    /// How many times `needle` occurs.
    pub fn count(&self, needle: &str) -> usize {
        self.body.matches(needle).count()
    }

    /// The HTML of the element whose `id` is given, up to its end tag (no nesting of the same
    /// tag inside, which holds for the tables and forms of these pages).
    #[track_caller]
    pub fn element(&self, id: &str) -> &str {
        let marker = format!(r#"id="{id}""#);
        let at = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("{} has no #{id}:\n{}", self.path, self.body));
        let open = self.body[..at].rfind('<').expect("start of the tag");
        let tag: String = self.body[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let end = format!("</{tag}>");
        let close = self.body[at..]
            .find(&end)
            .unwrap_or_else(|| panic!("#{id} has no {end}"));
        &self.body[open..at + close + end.len()]
    }

    /// The rows (`<tr>…</tr>`) of a table's body.
    #[track_caller]
    pub fn rows(&self, table: &str) -> Vec<String> {
        let t = self.element(table);
        // The body's rows (a table without `<tbody>` has only body rows).
        let body = match t.find("<tbody") {
            Some(at) => &t[at..],
            None => t,
        };
        let mut rows = Vec::new();
        let mut rest = body;
        while let Some(at) = rest.find("<tr") {
            rest = &rest[at + 3..];
            // `<tr>` or `<tr attributes>`, not `<track>`.
            if !rest.starts_with(['>', ' ']) {
                continue;
            }
            let open = rest.find('>').expect("end of <tr>");
            let end = rest.find("</tr>").expect("</tr>");
            rows.push(rest[open + 1..end].to_owned());
            rest = &rest[end..];
        }
        rows
    }

    /// The one row of `table` holding `needle`.
    #[track_caller]
    pub fn row(&self, table: &str, needle: &str) -> String {
        let rows: Vec<String> = self
            .rows(table)
            .into_iter()
            .filter(|r| r.contains(needle))
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "#{table} of {} should have one row with {needle:?}: {rows:#?}\n{}",
            self.path,
            self.body
        );
        rows.into_iter().next().unwrap_or_default()
    }

    /// The text of the `<h1>`.
    pub fn h1(&self) -> String {
        let h = self.body.split("<h1>").nth(1).unwrap_or("");
        h.split("</h1>").next().unwrap_or("").to_owned()
    }
}

/// Text as askama escapes it in HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a string holds Cyrillic letters.
pub fn cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// A browser of one person: its cookie jar and the language it asks for.
pub struct Browser<'a> {
    pub s: &'a TestServer,
    http: reqwest::Client,
    pub jar: BTreeMap<String, String>,
    /// The `Accept-Language` it sends, if any.
    pub accept_language: Option<String>,
    /// The last page's CSRF value (from the last page with a form).
    pub csrf: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(s: &'a TestServer) -> Browser<'a> {
        Browser {
            s,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            jar: BTreeMap::new(),
            accept_language: None,
            csrf: None,
        }
    }

    /// Asks for Mongolian through `Accept-Language` only (no `lang` cookie).
    pub fn mn_by_header(&mut self) -> &mut Self {
        self.jar.remove("lang");
        self.accept_language = Some("mn-MN,mn;q=0.9,en;q=0.5".into());
        self
    }

    /// Chooses English with the switch's `lang` cookie while the header still asks for
    /// Mongolian: the cookie must win.
    pub fn en_by_cookie(&mut self) -> &mut Self {
        self.jar.insert("lang".into(), "en".into());
        self.accept_language = Some("mn".into());
        self
    }

    pub fn session(&self) -> Option<&str> {
        self.jar.get("nooluur_session").map(String::as_str)
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder, path: &str) -> Page {
        let mut req = req;
        if !self.jar.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        if let Some(a) = &self.accept_language {
            req = req.header("accept-language", a);
        }
        let r = req.send().await.expect("request");
        let header = |n: &str| {
            r.headers()
                .get(n)
                .map(|v| v.to_str().unwrap_or("").to_owned())
        };
        let set_cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or("").to_owned())
            .collect();
        let page = Page {
            path: path.to_owned(),
            status: r.status().as_u16(),
            location: header("location"),
            content_language: header("content-language"),
            content_type: header("content-type"),
            set_cookies,
            body: String::new(),
        };
        let body = r.text().await.expect("body");
        let page = Page { body, ..page };
        for c in &page.set_cookies {
            let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) else {
                continue;
            };
            let gone = v.is_empty()
                || c.split(';')
                    .any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            if gone {
                self.jar.remove(k.trim());
            } else {
                self.jar.insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        if page.body.contains(r#"name="csrf""#) {
            self.csrf = Some(page.csrf());
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(self.s.url(path));
        self.send(req, path).await
    }

    /// GETs a page that must answer 200 with HTML in `lang`.
    #[track_caller]
    pub fn expect_page(page: &Page, lang: &str) {
        assert_eq!(page.status, 200, "GET {}: {}", page.path, page.body);
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8"),
            "{}",
            page.path
        );
        assert!(
            page.body
                .starts_with(&format!("<!doctype html>\n<html lang=\"{lang}\">")),
            "{} is not in {lang}: {}",
            page.path,
            &page.body[..page.body.len().min(200)]
        );
        // Every page shown passes the accessibility rules and says its language.
        assert_eq!(
            nooluur_server::a11y::check(&page.body),
            Vec::<String>::new(),
            "{}",
            page.path
        );
    }

    /// GETs a dashboard page that must answer 200 in `lang`.
    pub async fn page(&mut self, path: &str, lang: &str) -> Page {
        let p = self.get(path).await;
        Self::expect_page(&p, lang);
        p
    }

    /// POSTs a form (urlencoded) as it is, no CSRF value added.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter())
            .finish();
        let req = self
            .http
            .post(self.s.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req, path).await
    }

    /// POSTs a form with the CSRF value of the last page shown.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self
            .csrf
            .clone()
            .expect("a page with a form was shown first");
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Submits a form: the answer must be 303 back to `back` with a flash message; the page it
    /// leads to shows that message once (and clears it). Returns `(ok, message)`.
    pub async fn submit(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        back: &str,
    ) -> (bool, String) {
        let r = self.post(path, fields).await;
        assert_eq!(r.status, 303, "POST {path} {fields:?}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some(back), "POST {path}");
        let (ok, text) = r
            .flash()
            .unwrap_or_else(|| panic!("POST {path} set no flash: {:?}", r.set_cookies));
        let c = r.cookie("nooluur_flash").unwrap_or("");
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"),
            "{c}"
        );
        let lang = if self.jar.get("lang").map(String::as_str) == Some("en") {
            "en"
        } else if self
            .accept_language
            .as_deref()
            .is_some_and(|a| a.starts_with("mn"))
        {
            "mn"
        } else {
            "en"
        };
        let shown = self.page(back, lang).await;
        let flash = shown.element("flash").to_owned();
        assert!(
            flash.contains(if ok { "flash-ok" } else { "flash-err" }),
            "{flash}"
        );
        assert!(flash.contains(&escape(&text)), "{flash} lacks {text:?}");
        assert!(
            shown
                .cookie("nooluur_flash")
                .is_some_and(|c| c.contains("Max-Age=0")),
            "a shown flash is cleared: {:?}",
            shown.set_cookies
        );
        let again = self.page(back, lang).await;
        again.lacks(r#"id="flash""#);
        (ok, text)
    }

    /// Submits a form that must be refused with a message holding every one of `words`.
    pub async fn refused(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        back: &str,
        words: &[&str],
    ) -> String {
        let (ok, text) = self.submit(path, fields, back).await;
        assert!(!ok, "POST {path} {fields:?} was accepted: {text}");
        for w in words {
            assert!(
                text.contains(w),
                "POST {path} {fields:?}: {text:?} lacks {w:?}"
            );
        }
        text
    }

    /// Submits a form that must succeed with a message starting with `starts`.
    pub async fn done(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        back: &str,
        starts: &str,
    ) -> String {
        let (ok, text) = self.submit(path, fields, back).await;
        assert!(ok, "POST {path} {fields:?} was refused: {text}");
        assert!(
            text.starts_with(starts),
            "{text:?} does not start with {starts:?}"
        );
        text
    }

    /// Signs in with a token; the answer must be 303 to `to` with the session cookie.
    pub async fn sign_in(&mut self, token: &str, to: &str) {
        let r = self.post_raw("/app/login", &[("token", token)]).await;
        assert_eq!(r.status, 303, "sign-in: {}", r.body);
        assert_eq!(r.location.as_deref(), Some(to));
        let c = r.cookie("nooluur_session").expect("session cookie");
        for a in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(c.split(';').any(|x| x.trim() == a), "{a} in {c}");
        }
        assert!(
            !c.contains(token),
            "the token never reaches the browser: {c}"
        );
        assert!(self.session().is_some_and(|s| s.len() >= 16), "{c}");
    }
}
