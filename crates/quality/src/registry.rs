//! The built-in schemes (files under `crates/quality/schemes/`, embedded) and a registry an
//! operator can extend or override with files of their own.

use serde::Serialize;

use crate::scheme::{Kind, Scheme, SchemeError, Status};

/// The built-in scheme files: file stem (= scheme name) and text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("us-cashmere", include_str!("../schemes/us-cashmere.toml")),
    ("mn-grades", include_str!("../schemes/mn-grades.toml")),
    (
        "gb18267-types",
        include_str!("../schemes/gb18267-types.toml"),
    ),
    ("colour", include_str!("../schemes/colour.toml")),
    ("blend", include_str!("../schemes/blend.toml")),
];

/// What `nooluur quality schemes` lists for each scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeSummary {
    pub name: String,
    pub title: String,
    pub version: String,
    pub kind: Kind,
    pub status: Status,
    pub source: String,
    /// The grades a verdict can give (best first for tiered schemes).
    pub grades: Vec<String>,
}

impl SchemeSummary {
    /// The summary of one scheme.
    pub fn of(s: &Scheme) -> SchemeSummary {
        SchemeSummary {
            name: s.name.clone(),
            title: s.title.clone(),
            version: s.version.clone(),
            kind: s.kind,
            status: s.status,
            source: s.source.clone(),
            grades: s.grades(),
        }
    }
}

/// No scheme of that name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no grading scheme named '{name}' (known: {})", .known.join(", "))]
pub struct UnknownScheme {
    pub name: String,
    pub known: Vec<String>,
}

/// Schemes by name, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    schemes: Vec<Scheme>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The built-in schemes.
    pub fn builtin() -> Result<Registry, SchemeError> {
        let mut r = Registry::new();
        for (_, text) in BUILTIN {
            r.insert(Scheme::from_toml(text)?);
        }
        Ok(r)
    }

    /// Adds a scheme, replacing one of the same name (an operator's own thresholds override
    /// the built-in file); returns the replaced one.
    pub fn insert(&mut self, scheme: Scheme) -> Option<Scheme> {
        match self.schemes.iter_mut().find(|s| s.name == scheme.name) {
            Some(old) => Some(std::mem::replace(old, scheme)),
            None => {
                self.schemes.push(scheme);
                None
            }
        }
    }

    /// Reads a scheme file's text and adds it (see [`Registry::insert`]).
    pub fn load_toml(&mut self, text: &str) -> Result<Option<Scheme>, SchemeError> {
        Ok(self.insert(Scheme::from_toml(text)?))
    }

    /// The scheme of a name.
    pub fn get(&self, name: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.name == name)
    }

    /// The scheme of a name, or an error listing the known names.
    pub fn resolve(&self, name: &str) -> Result<&Scheme, UnknownScheme> {
        self.get(name).ok_or_else(|| UnknownScheme {
            name: name.to_owned(),
            known: self.names(),
        })
    }

    /// Every scheme.
    pub fn schemes(&self) -> impl Iterator<Item = &Scheme> {
        self.schemes.iter()
    }

    /// Every name.
    pub fn names(&self) -> Vec<String> {
        self.schemes.iter().map(|s| s.name.clone()).collect()
    }

    /// What `nooluur quality schemes` prints.
    pub fn summaries(&self) -> Vec<SchemeSummary> {
        self.schemes.iter().map(SchemeSummary::of).collect()
    }
}

/// The built-in schemes by name. Errs only if a shipped file is broken, which the tests rule
/// out.
pub fn registry() -> Result<Registry, SchemeError> {
    Registry::builtin()
}
