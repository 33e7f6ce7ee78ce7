//! Checks of a scheme as a whole: each rule fits its measure, the rules of one scope can pass
//! together, and tiers are ordered best first and nested (see the module documentation of
//! [`super`]). Every problem is reported, not just the first.

use std::collections::{BTreeMap, BTreeSet};

use super::{Kind, Limit, Op, Rule, Scheme, SchemeProblem, Status, Tier};
use crate::decimal::Milli;
use crate::measure::{Better, Measure};

pub(super) fn check(s: &Scheme) -> Vec<SchemeProblem> {
    let mut p = Vec::new();
    let mut fail = |at: &str, m: String| {
        p.push(SchemeProblem {
            at: at.to_owned(),
            message: m,
        })
    };
    if s.name.is_empty()
        || !s
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        fail(
            "name",
            format!(
                "name '{}' must be lower-case letters, digits and '-' (it is typed on the command line)",
                s.name
            ),
        );
    }
    for (key, v) in [
        ("title", &s.title),
        ("version", &s.version),
        ("source", &s.source),
    ] {
        if v.trim().is_empty() {
            fail(key, format!("{key} must not be empty"));
        }
    }
    match s.kind {
        Kind::PassFail => {
            if s.rules.is_empty() {
                fail("rules", "a pass-fail scheme needs at least one rule".into());
            }
            if !s.tiers.is_empty() {
                fail("tiers", "a pass-fail scheme has rules, not tiers".into());
            }
            if let Some(l) = &s.labels {
                if l.pass.trim().is_empty() || l.fail.trim().is_empty() {
                    fail(
                        "labels",
                        "labels.pass and labels.fail must not be empty".into(),
                    );
                }
                if l.pass == l.fail {
                    fail(
                        "labels",
                        format!("labels.pass and labels.fail are both '{}'", l.pass),
                    );
                }
            }
        }
        Kind::Tiered | Kind::Classes => {
            let list = list_name(s.kind);
            if s.tiers.is_empty() {
                fail(
                    list,
                    format!(
                        "a {} scheme needs at least one entry in '{list}'",
                        s.kind.as_str()
                    ),
                );
            }
            if !s.rules.is_empty() {
                fail(
                    "rules",
                    format!(
                        "a {} scheme keeps its rules in '{list}', not at the top level",
                        s.kind.as_str()
                    ),
                );
            }
            if s.labels.is_some() {
                fail("labels", "only a pass-fail scheme has labels".into());
            }
        }
    }
    if s.status == Status::Verified {
        for (tier, rule) in s.all_rules() {
            if rule.status == Status::Unconfirmed
                || tier.is_some_and(|t| t.status == Status::Unconfirmed)
            {
                fail(
                    &at_rule(s.kind, tier, rule),
                    "is unconfirmed, so the scheme's status must be 'unconfirmed' too".into(),
                );
            }
        }
    }
    scope(&mut p, s.kind, None, &s.rules);
    let mut grades = BTreeSet::new();
    for (i, t) in s.tiers.iter().enumerate() {
        let at = at_tier(s.kind, i, t);
        if t.grade.trim().is_empty() {
            p.push(problem(&at, "a grade needs a name".into()));
        }
        if !grades.insert(t.grade.as_str()) {
            p.push(problem(&at, format!("grade '{}' is listed twice", t.grade)));
        }
        if t.rules.is_empty() {
            p.push(problem(&at, "has no rules".into()));
        }
        scope(&mut p, s.kind, Some(t), &t.rules);
    }
    if s.kind == Kind::Tiered {
        for (i, pair) in s.tiers.windows(2).enumerate() {
            nested(&mut p, (i, &pair[0]), (i + 1, &pair[1]));
        }
    }
    p
}

fn problem(at: &str, message: String) -> SchemeProblem {
    SchemeProblem {
        at: at.to_owned(),
        message,
    }
}

fn list_name(kind: Kind) -> &'static str {
    if kind == Kind::Classes {
        "classes"
    } else {
        "tiers"
    }
}

fn at_tier(kind: Kind, i: usize, t: &Tier) -> String {
    format!("{}[{i}] '{}'", list_name(kind), t.grade)
}

fn at_rule(kind: Kind, tier: Option<&Tier>, r: &Rule) -> String {
    match tier {
        Some(t) => format!("{} '{}' rule '{}'", list_name(kind), t.grade, r.id),
        None => format!("rule '{}'", r.id),
    }
}

/// A rule as people read it: `mfd_um ≤ 19`.
pub(crate) fn describe(r: &Rule) -> String {
    let unit = r.measure.unit();
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!("{} {} {}{unit}", r.measure, r.op.symbol(), r.limit)
}

/// One bound of an interval: the limit and whether it is excluded.
type Bound = (Milli, bool);

/// The rules of one scope (a pass-fail scheme, or one tier or class).
fn scope(p: &mut Vec<SchemeProblem>, kind: Kind, tier: Option<&Tier>, rules: &[Rule]) {
    let mut ids = BTreeSet::new();
    let mut by_measure: BTreeMap<Measure, Vec<&Rule>> = BTreeMap::new();
    for r in rules {
        let at = at_rule(kind, tier, r);
        if r.id.trim().is_empty() {
            p.push(problem(&at, "a rule needs an id".into()));
        }
        if !ids.insert(r.id.as_str()) {
            p.push(problem(
                &at,
                format!("rule id '{}' is used twice here", r.id),
            ));
        }
        if fits(p, &at, r) {
            by_measure.entry(r.measure).or_default().push(r);
        }
    }
    for (m, rs) in &by_measure {
        let at = match tier {
            Some(t) => format!("{} '{}' {m}", list_name(kind), t.grade),
            None => m.to_string(),
        };
        if kind == Kind::Tiered {
            if rs.len() > 1 {
                p.push(problem(
                    &at,
                    format!(
                        "{} rules test {m} in one tier ({}); a tier states one limit per measure",
                        rs.len(),
                        rs.iter()
                            .map(|r| r.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            for r in rs {
                let ok = matches!(
                    (m.better(), r.op),
                    (Better::Lower, Op::Le | Op::Lt)
                        | (Better::Higher, Op::Ge | Op::Gt)
                        | (Better::Unordered, Op::In)
                );
                if !ok {
                    let way = match m.better() {
                        Better::Lower => "an upper limit (<= or <): lower is better",
                        Better::Higher => "a lower limit (>= or >): higher is better",
                        Better::Unordered => "'in'",
                    };
                    p.push(problem(
                        &at_rule(kind, tier, r),
                        format!(
                            "{} points the wrong way for a grade: {m} takes {way}, so that better fibre never grades worse",
                            describe(r)
                        ),
                    ));
                }
            }
        }
        satisfiable(p, &at, *m, rs);
    }
}

/// Whether a rule's op and limit fit its measure; a problem otherwise.
fn fits(p: &mut Vec<SchemeProblem>, at: &str, r: &Rule) -> bool {
    match (&r.limit, r.measure.range()) {
        (Limit::Colours(cs), None) => {
            if r.op != Op::In {
                p.push(problem(
                    at,
                    format!(
                        "{} is a class: its rules use 'in', not '{}'",
                        r.measure,
                        r.op.as_str()
                    ),
                ));
                return false;
            }
            if cs.is_empty() {
                p.push(problem(at, "'in' needs at least one colour class".into()));
                return false;
            }
            let distinct: BTreeSet<_> = cs.iter().collect();
            if distinct.len() != cs.len() {
                p.push(problem(at, "a colour class is listed twice".into()));
            }
            true
        }
        (Limit::Number(n), Some((lo, hi))) => {
            if r.op == Op::In {
                p.push(problem(
                    at,
                    format!("{} is a number: 'in' needs a list of classes", r.measure),
                ));
                return false;
            }
            if *n < lo || *n > hi {
                p.push(problem(
                    at,
                    format!(
                        "limit {n} is outside the physical range of {} ({lo}–{hi} {})",
                        r.measure,
                        r.measure.unit()
                    ),
                ));
                return false;
            }
            true
        }
        (Limit::Number(n), None) => {
            p.push(problem(
                at,
                format!(
                    "{} is a class: the limit must be a list of classes, not {n}",
                    r.measure
                ),
            ));
            false
        }
        (Limit::Colours(_), Some(_)) => {
            p.push(problem(
                at,
                format!(
                    "{} is a number: the limit must be a number, not a list",
                    r.measure
                ),
            ));
            false
        }
    }
}

/// The rules on one measure within one scope can all pass at once.
fn satisfiable(p: &mut Vec<SchemeProblem>, at: &str, m: Measure, rs: &[&Rule]) {
    let names = || {
        rs.iter()
            .map(|r| describe(r))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if let Some((lo, hi)) = m.range() {
        let mut low: Bound = (lo, false);
        let mut high: Bound = (hi, false);
        for r in rs {
            let Limit::Number(n) = r.limit else { continue };
            let b = (n, r.op.is_strict());
            match r.op {
                Op::Ge | Op::Gt if b.0 > low.0 || (b.0 == low.0 && b.1) => low = b,
                Op::Le | Op::Lt if b.0 < high.0 || (b.0 == high.0 && b.1) => high = b,
                _ => {}
            }
        }
        if low.0 > high.0 || (low.0 == high.0 && (low.1 || high.1)) {
            p.push(problem(
                at,
                format!(
                    "{} can never pass (the physical range is {lo}–{hi} {})",
                    names(),
                    m.unit()
                ),
            ));
        }
    } else {
        let mut common: Option<BTreeSet<_>> = None;
        for r in rs {
            let Limit::Colours(cs) = &r.limit else {
                continue;
            };
            let set: BTreeSet<_> = cs.iter().copied().collect();
            common = Some(match common {
                None => set,
                Some(c) => c.intersection(&set).copied().collect(),
            });
        }
        if common.is_some_and(|c| c.is_empty()) {
            p.push(problem(at, format!("{} can never both pass", names())));
        }
    }
}

/// How the sets two rules on one measure accept compare: `Some(true)` when `b`'s is a strict
/// subset of `w`'s, `Some(false)` when equal, `None` when `b` accepts something `w` refuses.
fn tighter(b: &Rule, w: &Rule) -> Option<bool> {
    match (&b.limit, &w.limit) {
        (Limit::Number(lb), Limit::Number(lw)) => {
            let (sb, sw) = (b.op.is_strict(), w.op.is_strict());
            let upper = matches!(b.op, Op::Le | Op::Lt);
            if upper != matches!(w.op, Op::Le | Op::Lt) {
                return None;
            }
            let strictly = if upper { lb < lw } else { lb > lw };
            if strictly {
                Some(true)
            } else if lb == lw && (sb || !sw) {
                Some(sb != sw)
            } else {
                None
            }
        }
        (Limit::Colours(cb), Limit::Colours(cw)) => {
            let (sb, sw): (BTreeSet<_>, BTreeSet<_>) = (cb.iter().collect(), cw.iter().collect());
            sb.is_subset(&sw).then_some(sb.len() < sw.len())
        }
        _ => None,
    }
}

/// Tier `better` must accept only fibre that tier `worse` accepts, and not all of it.
fn nested(p: &mut Vec<SchemeProblem>, (bi, better): (usize, &Tier), (wi, worse): (usize, &Tier)) {
    let at = at_tier(Kind::Tiered, bi, better);
    let mut stricter = better
        .rules
        .iter()
        .any(|b| worse.rules.iter().all(|w| w.measure != b.measure));
    let mut ordered = true;
    for w in &worse.rules {
        match better.rules.iter().find(|b| b.measure == w.measure) {
            None => {
                ordered = false;
                p.push(problem(
                    &at,
                    format!(
                        "has no rule on {} but tier '{}' below it requires {}: tiers are listed best first and a better tier must be at least as strict on every measure",
                        w.measure,
                        worse.grade,
                        describe(w)
                    ),
                ));
            }
            Some(b) => match tighter(b, w) {
                Some(s) => stricter |= s,
                None => {
                    ordered = false;
                    p.push(problem(
                        &at,
                        format!(
                            "requires {} but tier '{}' below it requires {}: the better tier accepts fibre the worse one refuses (tiers are listed best first)",
                            describe(b),
                            worse.grade,
                            describe(w)
                        ),
                    ));
                }
            },
        }
    }
    if ordered && !stricter {
        p.push(problem(
            &at_tier(Kind::Tiered, wi, worse),
            format!(
                "can never be awarded: tier '{}' above it accepts exactly the same fibre",
                better.grade
            ),
        ));
    }
}
