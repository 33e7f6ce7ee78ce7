//! The dashboards: server-rendered HTML (askama) for each role, with the forms of the everyday
//! actions. No script is needed; pages are a few kilobytes so that they open in a soum centre
//! over a slow link.
//!
//! - `/app/login` signs in with the organisation's API token and sets a session cookie
//!   (`HttpOnly`, `SameSite=Lax`; the token itself never reaches the browser's storage);
//!   `/app/logout` ends the session.
//! - `/app` goes to the signed-in organisation's dashboard: `/app/household`,
//!   `/app/cooperative`, `/app/lab`, `/app/processor`, `/app/buyer`, `/app/regulator`,
//!   `/app/lender`.
//! - `/app/lang?to=mn&back=PATH` is the language switch of every page (and of the passport).
//!
//! Forms post back to their dashboard (POST → 303 → GET, so a reload never repeats an action)
//! with a CSRF value tied to the session; the outcome comes back as a one-time flash message.
//! What a form does is exactly what the JSON API does (the same `app` functions), so a form
//! refuses what the API refuses, with the same message, and changes nothing when it does.

pub mod a11y;
mod buyer;
pub mod charts;
mod coop;
mod household;
pub mod i18n;
mod lab;
mod lender;
mod processor;
mod regulator;

use app::auth::Principal;
use app::{App, AppError};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde::Deserialize;
use store::Role;

pub use i18n::{Lang, Text};

const SESSION_COOKIE: &str = "nooluur_session";
const FLASH_COOKIE: &str = "nooluur_flash";

pub fn add_routes(r: Router<App>) -> Router<App> {
    let r = r
        .route("/app", get(home))
        .route("/app/login", get(login_page).post(login))
        .route("/app/logout", post(logout))
        .route("/app/lang", get(switch_lang));
    let r = coop::add_routes(r);
    let r = buyer::add_routes(r);
    let r = household::add_routes(r);
    let r = lab::add_routes(r);
    let r = processor::add_routes(r);
    let r = regulator::add_routes(r);
    lender::add_routes(r)
}

/// A cookie's value from the `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

/// The signed-in organisation as the frame shows it.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

/// What every page's frame needs: language, who is signed in, the flash, where we are.
pub struct Frame {
    pub lang: Lang,
    pub t: &'static Text,
    pub path: String,
    pub title: String,
    pub user: Option<User>,
    pub flash: Option<Flash>,
}

impl Frame {
    /// The switch's link to the same page in another language.
    pub fn lang_href(&self, to: &str) -> String {
        format!("/app/lang?to={to}&back={}", enc(&self.path))
    }

    pub fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }

    pub fn role_title(&self, role: &Role) -> &'static str {
        role_title(self.t, *role)
    }
}

pub fn role_title(t: &Text, role: Role) -> &'static str {
    match role {
        Role::Herder => t.role_herder,
        Role::Cooperative => t.role_cooperative,
        Role::Lab | Role::Certifier => t.role_lab,
        Role::Processor | Role::Brand => t.role_processor,
        Role::Buyer => t.role_buyer,
        Role::Regulator => t.role_regulator,
        Role::Lender | Role::Insurer => t.role_lender,
        Role::Admin => t.role_admin,
    }
}

/// The dashboard of a role.
pub fn dashboard_of(role: Role) -> &'static str {
    match role {
        Role::Herder => "/app/household",
        Role::Cooperative => "/app/cooperative",
        Role::Lab | Role::Certifier => "/app/lab",
        Role::Processor | Role::Brand => "/app/processor",
        Role::Buyer => "/app/buyer",
        Role::Regulator | Role::Admin => "/app/regulator",
        Role::Lender | Role::Insurer => "/app/lender",
    }
}

/// Percent-encoding for a query value.
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The request as a page sees it (extractor): language, session, flash, path.
pub struct Web {
    pub lang: Lang,
    pub path: String,
    pub principal: Option<Principal>,
    pub secret: Option<String>,
    pub flash: Option<Flash>,
    pub secure: bool,
}

impl FromRequestParts<App> for Web {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Web, Response> {
        let headers = &parts.headers;
        let lang = Lang::of(headers);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/app".into());
        let secret = cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty());
        let principal = match &secret {
            Some(s) => app::sessions::principal(app, s)
                .await
                .map_err(|e| error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?,
            None => None,
        };
        let flash = cookie(headers, FLASH_COOKIE).and_then(|v| decode_flash(&v));
        let secure = app
            .config
            .base_url
            .as_deref()
            .is_some_and(|b| b.starts_with("https:"))
            || headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes() == b"https");
        Ok(Web {
            lang,
            path,
            principal,
            secret,
            flash,
            secure,
        })
    }
}

impl Web {
    pub fn t(&self) -> &'static Text {
        self.lang.text()
    }

    pub fn frame(&self, title: impl Into<String>) -> Frame {
        let user = match (&self.principal, &self.secret) {
            (Some(p), Some(s)) => Some(User {
                name: p.org.name.clone(),
                role: p.org.role,
                csrf: app::sessions::csrf(s),
            }),
            _ => None,
        };
        Frame {
            lang: self.lang,
            t: self.t(),
            path: self.path.clone(),
            title: title.into(),
            user,
            flash: self.flash.clone(),
        }
    }

    /// The principal when signed in with one of `roles` (admins pass everywhere); otherwise
    /// the sign-in page (303) or a 403 page.
    // A handler returns the page or this response as it is; boxing it buys nothing.
    #[allow(clippy::result_large_err)]
    pub fn require(&self, roles: &[Role]) -> Result<Principal, Response> {
        let Some(p) = &self.principal else {
            return Err(redirect(&format!("/app/login?next={}", enc(&self.path))));
        };
        if roles.contains(&p.org.role) || p.org.role == Role::Admin {
            Ok(p.clone())
        } else {
            Err(error_page(
                self.lang,
                StatusCode::FORBIDDEN,
                self.t().wrong_role,
            ))
        }
    }

    /// A rendered page; a shown flash is cleared so it appears once.
    pub fn page(&self, t: impl Template) -> Response {
        match t.render() {
            Ok(html) => {
                let mut r = html_response(StatusCode::OK, self.lang, html);
                if self.flash.is_some() {
                    set_cookie(&mut r, &format!("{FLASH_COOKIE}=; Path=/; Max-Age=0"));
                }
                r
            }
            Err(e) => error_page(
                self.lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("the page could not be drawn: {e}"),
            ),
        }
    }
}

pub fn html_response(status: StatusCode, lang: Lang, html: String) -> Response {
    let mut r = (status, html).into_response();
    r.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    r.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn set_cookie(r: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A redirect carrying a flash message.
pub fn redirect_with(to: &str, ok: bool, text: &str) -> Response {
    let mut r = redirect(to);
    let body = format!("{}{text}", if ok { '1' } else { '0' });
    let v = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body.as_bytes());
    set_cookie(
        &mut r,
        &format!("{FLASH_COOKIE}={v}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"),
    );
    r
}

fn decode_flash(v: &str) -> Option<Flash> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v)
        .ok()?;
    let s = String::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    let ok = chars.next()? == '1';
    Some(Flash {
        ok,
        text: chars.as_str().chars().take(500).collect(),
    })
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage {
    f: Frame,
    status: u16,
    message: String,
}

pub fn error_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let t = lang.text();
    let page = ErrorPage {
        f: Frame {
            lang,
            t,
            path: "/app".into(),
            title: t.error.into(),
            user: None,
            flash: None,
        },
        status: status.as_u16(),
        message: message.to_owned(),
    };
    let html = page.render().unwrap_or_else(|_| message.to_owned());
    html_response(status, lang, html)
}

/// The error page of a failed read.
pub fn fail(lang: Lang, e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error_page(lang, status, &e.to_string())
}

/// A posted form (`application/x-www-form-urlencoded`), with repeated fields kept.
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &Bytes) -> Form {
        Form(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// A colour-class field, or an error naming it.
    pub fn colour(&self, name: &str) -> Result<provenance::Colour, AppError> {
        provenance::Colour::parse(self.get(name)).ok_or_else(|| {
            AppError::QueryParameter(format!(
                "{name}: '{}' is not a colour class",
                self.get(name)
            ))
        })
    }

    /// An integer field, or an error naming it.
    pub fn int(&self, name: &str) -> Result<i64, AppError> {
        let v = self.get(name).replace([',', ' '], "");
        v.parse().map_err(|_| {
            AppError::QueryParameter(format!(
                "{name}: '{}' is not a whole number",
                self.get(name)
            ))
        })
    }
}

/// The principal of a form post: signed in with one of `roles`, and the form's CSRF value is
/// the session's.
#[allow(clippy::result_large_err)]
pub fn posted(web: &Web, form: &Form, roles: &[Role]) -> Result<Principal, Response> {
    let p = web.require(roles)?;
    let expected = web.secret.as_deref().map(app::sessions::csrf);
    if expected.as_deref() != Some(form.get("csrf")) || form.get("csrf").is_empty() {
        return Err(error_page(
            web.lang,
            StatusCode::FORBIDDEN,
            "the form is stale or came from another site; reload the page and try again",
        ));
    }
    Ok(p)
}

/// A form action: the session must hold one of `roles` and the form the session's CSRF value
/// (else nothing runs); `act` gets the principal and the form, and its message — success or
/// the refusal — goes back to `back` as the flash of a 303.
pub async fn act<F, Fut>(web: &Web, body: &Bytes, roles: &[Role], back: &str, act: F) -> Response
where
    F: FnOnce(Principal, Form) -> Fut,
    Fut: Future<Output = Result<String, AppError>>,
{
    let form = Form::parse(body);
    match posted(web, &form, roles) {
        Ok(who) => outcome(back, act(who, form).await),
        Err(refused) => refused,
    }
}

/// The outcome of a form action as a redirect back to its dashboard with the message.
pub fn outcome(back: &str, r: Result<String, AppError>) -> Response {
    match r {
        Ok(msg) => redirect_with(back, true, &msg),
        Err(e) => redirect_with(back, false, &e.to_string()),
    }
}

async fn home(web: Web) -> Response {
    match &web.principal {
        Some(p) => redirect(dashboard_of(p.org.role)),
        None => redirect("/app/login"),
    }
}

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage {
    f: Frame,
    next: String,
    failed: bool,
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site: an open redirect would let a link sign someone in elsewhere.
/// Browsers drop tabs and newlines from a `Location` and read a backslash as `/`, so a path
/// holding any of them could lead off site.
fn local(path: Option<&str>) -> Option<&str> {
    path.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    })
}

async fn login_page(web: Web, Query(q): Query<NextQuery>) -> Response {
    let next = local(q.next.as_deref()).unwrap_or("").to_owned();
    web.page(LoginPage {
        f: web.frame(web.t().sign_in),
        next,
        failed: false,
    })
}

async fn login(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    match app::sessions::start(&app, form.get("token")).await {
        Ok(s) => {
            let to = local(Some(form.get("next")))
                .map(str::to_owned)
                .unwrap_or_else(|| dashboard_of(s.principal.org.role).to_owned());
            let mut r = redirect(&to);
            let secure = if web.secure { "; Secure" } else { "" };
            set_cookie(
                &mut r,
                &format!(
                    "{SESSION_COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
                    s.secret,
                    app::sessions::LIFETIME_SECONDS
                ),
            );
            r
        }
        Err(AppError::Unauthenticated(_)) => {
            let mut r = web.page(LoginPage {
                f: web.frame(web.t().sign_in),
                next: local(Some(form.get("next"))).unwrap_or("").to_owned(),
                failed: true,
            });
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
        Err(e) => error_page(web.lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn logout(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(s) = &web.secret {
        // A forged sign-out (another site posting here) is refused; a real one ends the
        // session in the store, not only the cookie.
        if form.get("csrf") != app::sessions::csrf(s) {
            return error_page(
                web.lang,
                StatusCode::FORBIDDEN,
                "the form is stale or came from another site; reload the page and try again",
            );
        }
        if let Err(e) = app::sessions::end(&app, s).await {
            return error_page(web.lang, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
        }
    }
    let mut r = redirect("/app/login");
    set_cookie(
        &mut r,
        &format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    );
    r
}

#[derive(Debug, Default, Deserialize)]
struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

async fn switch_lang(Query(q): Query<LangQuery>) -> Response {
    let lang = q.to.as_deref().and_then(Lang::parse).unwrap_or(Lang::En);
    let mut r = redirect(local(q.back.as_deref()).unwrap_or("/app"));
    set_cookie(
        &mut r,
        &format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_redirects() {
        assert_eq!(local(Some("/app/coop")), Some("/app/coop"));
        assert_eq!(local(Some("//evil.example/")), None);
        assert_eq!(local(Some("https://evil.example/")), None);
        assert_eq!(local(Some("/\\evil")), None);
        assert_eq!(local(Some("/\t/evil.example")), None);
        assert_eq!(local(Some("/\n/evil.example")), None);
        assert_eq!(local(Some("/ /evil.example")), None);
    }

    #[test]
    fn flash_round_trip() {
        let r = redirect_with("/app", false, "row 3: bad «kg»");
        let c = r
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let v = c
            .split(';')
            .next()
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v);
        let f = v.and_then(decode_flash).expect("flash");
        assert!(!f.ok);
        assert_eq!(f.text, "row 3: bad «kg»");
    }

    #[test]
    fn form_fields() {
        let f = Form::parse(&Bytes::from_static(b"pool=a&pool=b&gross=12.5&n=1%2C000"));
        assert_eq!(f.all("pool"), vec!["a", "b"]);
        assert_eq!(f.get("gross"), "12.5");
        assert_eq!(f.int("n").ok(), Some(1000));
        assert!(f.int("gross").is_err());
        assert_eq!(f.get("missing"), "");
    }
}
